import { describe, expect, it } from 'vitest';
import { fingerprint } from '@opengemini/shared';
import { KeyRing, OVERLOAD_QUIET_MS } from '../src/keys/keyring';

const key = (n: number) => `AIza${String(n).padStart(35, 'x')}`;
const keys = [key(1), key(2), key(3)];
const fps = keys.map(fingerprint);
const none = new Set<string>();

function picks(ring: KeyRing, n: number, model = 'm', now = 0): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = ring.pick(model, none, now);
    out.push(p.kind === 'ok' ? p.entry.fp : p.kind);
  }
  return out;
}

describe('key selection', () => {
  it('rotates over every key at rest instead of sticking to the first', () => {
    expect(picks(new KeyRing(keys), 6)).toEqual([...fps, ...fps]);
  });

  it('prefers the key with the fewest requests in flight, ring order breaking ties', () => {
    const ring = new KeyRing(keys);
    ring.get(fps[0]!)!.inFlight = 2;
    ring.get(fps[1]!)!.inFlight = 1;
    ring.get(fps[2]!)!.inFlight = 1;
    expect(picks(ring, 1)).toEqual([fps[1]]);
  });

  it('skips a (key, model) in cooldown but still uses that key for other models', () => {
    const ring = new KeyRing(keys);
    ring.cooldown(ring.get(fps[0]!)!, 'm', 1_000, 'quota_per_minute');
    expect(picks(ring, 4, 'm', 500)).toEqual([fps[1], fps[2], fps[1], fps[2]]);
    expect(picks(ring, 3, 'other', 500)).toContain(fps[0]);
  });

  it('brings a cooled key back once its cooldown has passed', () => {
    const ring = new KeyRing([key(1)]);
    ring.cooldown(ring.get(fps[0]!)!, 'm', 1_000, 'quota_per_minute');
    expect(ring.pick('m', none, 999)).toEqual({ kind: 'cooling', retryAt: 1_000 });
    expect(ring.pick('m', none, 1_000).kind).toBe('ok');
  });

  it('reports when the first key frees up when every key is cooling', () => {
    const ring = new KeyRing(keys);
    ring.cooldown(ring.get(fps[0]!)!, 'm', 5_000, 'x');
    ring.cooldown(ring.get(fps[1]!)!, 'm', 3_000, 'x');
    ring.cooldown(ring.get(fps[2]!)!, 'm', 9_000, 'x');
    expect(ring.pick('m', none, 0)).toEqual({ kind: 'cooling', retryAt: 3_000 });
    expect(ring.firstFree('m', 0)).toBe(3_000);
  });

  it('keeps the longer of two cooldowns', () => {
    const ring = new KeyRing([key(1)]);
    const e = ring.get(fps[0]!)!;
    ring.cooldown(e, 'm', 9_000, 'quota_per_day');
    ring.cooldown(e, 'm', 2_000, 'quota_per_minute');
    expect(e.cooldowns.get('m')).toEqual({ until: 9_000, reason: 'quota_per_day' });
  });

  it('never picks a disabled key, and says none when all are disabled', () => {
    const ring = new KeyRing(keys.slice(0, 2));
    ring.disable(ring.get(fps[0]!)!, 'key_invalid', 'API key not valid', 0);
    expect(picks(ring, 3)).toEqual([fps[1], fps[1], fps[1]]);
    ring.disable(ring.get(fps[1]!)!, 'key_leaked', 'leaked', 0);
    expect(ring.pick('m', none, 0)).toEqual({ kind: 'none' });
    expect(ring.firstFree('m', 0)).toBeUndefined();
  });

  it('skips keys this request already tried', () => {
    const ring = new KeyRing(keys);
    const p = ring.pick('m', new Set([fps[0]!, fps[1]!]), 0);
    expect(p.kind === 'ok' && p.entry.fp).toBe(fps[2]);
    expect(ring.pick('m', new Set(fps), 0)).toEqual({ kind: 'none' });
  });

  it('reset clears one key or all', () => {
    const ring = new KeyRing(keys);
    for (const fp of fps) ring.disable(ring.get(fp)!, 'key_invalid', '', 0);
    expect(ring.reset(fps[1])).toBe(true);
    expect(ring.counts(0)).toMatchObject({ disabled: 2, available: 1 });
    expect(ring.reset('nope')).toBe(false);
    ring.reset();
    expect(ring.counts(0)).toMatchObject({ disabled: 0, available: 3 });
  });
});

describe('reloading the key list', () => {
  it('keeps the health of unchanged keys and deactivates removed ones', () => {
    const ring = new KeyRing(keys);
    const first = ring.get(fps[0]!)!;
    const removed = ring.get(fps[2]!)!;
    ring.disable(first, 'key_invalid', 'bad', 0);
    ring.cooldown(ring.get(fps[1]!)!, 'm', 10_000, 'x');
    const r = ring.replace([key(1), key(2), key(4)]);
    expect(r).toEqual({ added: 1, removed: 1, kept: 2 });
    expect(ring.get(fps[0]!)).toBe(first);
    expect(first.disabled?.reason).toBe('key_invalid');
    expect(ring.get(fps[1]!)!.cooldowns.get('m')?.until).toBe(10_000);
    expect(removed.active).toBe(false);
    expect(ring.get(fps[2]!)).toBeUndefined();
    // key 1 disabled, key 2 cooling for m: only the new key serves m.
    expect(picks(ring, 2, 'm', 0)).toEqual([fingerprint(key(4)), fingerprint(key(4))]);
  });
});

describe('snapshots', () => {
  it('round-trip disabled flags and live cooldowns by fingerprint, dropping expired ones', () => {
    const ring = new KeyRing(keys);
    ring.disable(ring.get(fps[0]!)!, 'key_leaked', 'leaked', 5);
    ring.cooldown(ring.get(fps[1]!)!, 'm', 10_000, 'quota_per_day');
    ring.cooldown(ring.get(fps[2]!)!, 'm', 100, 'quota_per_minute');
    const snap = ring.snapshot(500);
    expect(JSON.stringify(snap)).not.toContain('AIza');
    expect(Object.keys(snap).sort()).toEqual([fps[0], fps[1]].sort());
    const again = new KeyRing(keys);
    again.restore(snap, 500);
    expect(again.get(fps[0]!)!.disabled).toEqual({ reason: 'key_leaked', message: 'leaked', at: 5 });
    expect(again.pick('m', new Set([fps[0]!]), 500)).toMatchObject({ kind: 'ok', entry: { fp: fps[2] } });
  });
});

describe('removed keys keep their state for a while', () => {
  const DAY = 24 * 3600_000;

  it('a key removed and added back keeps its disabled flag and its cooldowns', () => {
    const ring = new KeyRing(keys);
    ring.disable(ring.get(fps[0]!)!, 'operator', 'hand', 0);
    ring.cooldown(ring.get(fps[1]!)!, 'm', 5 * DAY, 'quota');
    ring.replace([key(3)], 0);
    ring.replace(keys, DAY);
    expect(ring.get(fps[0]!)!.disabled?.reason).toBe('operator');
    expect(ring.cooldownOf(ring.get(fps[1]!)!, 'm', DAY)?.until).toBe(5 * DAY);
  });

  it('the state of a removed key survives a restart (snapshot and restore) until it is listed again', () => {
    const ring = new KeyRing(keys);
    ring.disable(ring.get(fps[0]!)!, 'key_invalid', 'bad', 0);
    ring.replace([key(2)], 0);
    const restarted = new KeyRing([key(2)]);
    restarted.restore(JSON.parse(JSON.stringify(ring.snapshot(0))), DAY);
    restarted.replace(keys, DAY);
    expect(restarted.get(fps[0]!)!.disabled?.reason).toBe('key_invalid');
  });

  it('is forgotten after 7 days', () => {
    const ring = new KeyRing(keys);
    ring.disable(ring.get(fps[0]!)!, 'operator', 'hand', 0);
    ring.replace([key(2)], 0);
    ring.replace(keys, 7 * DAY + 1);
    expect(ring.get(fps[0]!)!.disabled).toBeUndefined();
  });
});

describe('leases: the keyring owns its in-flight counters', () => {
  it('a lease counts the key in flight and against its budget until released, once', () => {
    const ring = new KeyRing(keys);
    const reserved: string[] = [];
    let ended = 0;
    ring.useBudget({ gate: () => undefined, reserve: (fp, model) => (reserved.push(`${fp} ${model}`), () => ended++) });
    const entry = ring.all()[0]!;
    const lease = ring.lease(entry, 'm', 1_234);
    expect([entry.inFlight, entry.lastUsed, reserved]).toEqual([1, 1_234, [`${fps[0]} m`]]);
    // Ties go to the fewest in flight: the leased key is passed over.
    expect(ring.pick('m', none, 0)).toMatchObject({ kind: 'ok', entry: { fp: fps[1] } });
    lease.release();
    lease.release();
    expect([entry.inFlight, ended]).toEqual([0, 1]);
  });

  it('a budget gate holds keys back like a cooldown, in pick and firstFree alike', () => {
    const ring = new KeyRing([key(1)]);
    ring.useBudget({ gate: () => 5_000, reserve: () => () => {} });
    expect(ring.pick('m', none, 0)).toEqual({ kind: 'cooling', retryAt: 5_000 });
    expect(ring.firstFree('m', 0)).toBe(5_000);
    expect(ring.firstFree('m', 0, false)).toBeUndefined(); // no cooldown: only the budget
  });
});

describe('overloaded models: a signal about the model, not the key', () => {
  it('counts overloaded answers in a row; an answer or a quiet spell starts the row again', () => {
    const ring = new KeyRing(keys);
    expect([ring.overloaded('m', 0), ring.overloaded('m', 100), ring.overloaded('m', 200)]).toEqual([1, 2, 3]);
    expect(ring.overloaded('other', 200)).toBe(1);
    ring.answered('m');
    expect(ring.overloaded('m', 300)).toBe(1);
    expect(ring.overloaded('m', 300 + OVERLOAD_QUIET_MS)).toBe(1);
    // No key was benched by any of it.
    expect(ring.pick('m', none, 0).kind).toBe('ok');
    expect(ring.all().every((e) => e.cooldowns.size === 0)).toBe(true);
  });
});

describe('messages kept by the keyring are scrubbed of every held key, whatever its shape', () => {
  const odd = 'odd-shaped-key-0123456789abcdefgh';
  it('disable, cooldown and a restored state file keep the fingerprint only', () => {
    const ring = new KeyRing([odd]);
    const e = ring.all()[0]!;
    ring.disable(e, 'key_leaked', `leaked: api_key:${odd}`, 1);
    ring.cooldown(e, 'gemini-2.5-flash', 10, 'quota_per_minute', `quota of ${odd}`);
    expect(JSON.stringify(ring.snapshot(0))).not.toContain(odd);
    expect(e.disabled?.message).toBe(`leaked: api_key:[key ${fingerprint(odd)}]`);
    const again = new KeyRing([odd]);
    again.restore({ [e.fp]: { disabled: { reason: 'key_leaked', message: `old file: ${odd}`, at: 1 }, cooldowns: { m: { until: 50, reason: 'x', message: odd } } } }, 0);
    expect(JSON.stringify(again.snapshot(0))).not.toContain(odd);
  });
});

describe('a request bound to one key (its uploaded files belong to it)', () => {
  it('pick and firstFree consider that key alone', () => {
    const ring = new KeyRing(keys);
    const [a, b] = ring.all();
    expect(ring.pick('m', none, 0, b!.fp)).toMatchObject({ kind: 'ok', entry: { fp: b!.fp } });
    ring.cooldown(b!, 'm', 9_000, 'quota_per_minute');
    expect(ring.pick('m', none, 0, b!.fp)).toEqual({ kind: 'cooling', retryAt: 9_000 });
    expect(ring.firstFree('m', 0, true, b!.fp)).toBe(9_000);
    // The other keys are free, but not for this request.
    expect(ring.firstFree('m', 0)).toBeUndefined();
    expect(ring.pick('m', none, 0).kind === 'ok' && ring.pick('m', none, 0, a!.fp)).toMatchObject({ kind: 'ok', entry: { fp: a!.fp } });
  });
});
