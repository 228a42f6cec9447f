import { describe, expect, it } from 'vitest';
import { type KeyRow, keyRow, queryRows } from '../src/admin/admin-views';
import { KeyRing } from '../src/keys/keyring';
import { Usage } from '../src/accounting/usage';

const now = Date.parse('2025-06-01T12:00:00Z');
const keys = Array.from({ length: 6 }, (_, i) => `AIzaViews${String(i).padStart(30, '0')}`);

function rows(): KeyRow[] {
  const ring = new KeyRing(keys);
  const usage = new Usage(7);
  const e = ring.all();
  ring.disable(e[1]!, 'key_leaked', 'Your API key was reported as leaked.', now - 1000);
  ring.disable(e[4]!, 'operator', 'Disabled by the operator', now - 1000);
  ring.cooldown(e[2]!, 'gemini-2.5-pro', now + 30_000, 'quota_per_day', 'Quota exceeded for metric: generate_content_free_tier_requests');
  ring.cooldown(e[3]!, 'gemini-2.5-flash', now + 5_000, 'quota_per_minute');
  ring.cooldown(e[3]!, 'gemini-2.5-pro', now - 1, 'quota_per_minute'); // expired: not shown
  for (let i = 0; i < 5; i++) usage.recordKey(now, e[5]!.fp, 'gemini-2.5-flash', 'ok');
  usage.recordKey(now, e[0]!.fp, 'gemini-2.5-flash', 'rate_limited');
  e[0]!.lastUsed = now - 5_000;
  return e.map((x) => keyRow(x, usage, undefined, now));
}

describe('key rows', () => {
  it('state, reasons with messages, live cooldowns only, usage today and last use', () => {
    const r = rows();
    expect(r.map((x) => x.state)).toEqual(['ok', 'disabled', 'cooling', 'cooling', 'disabled', 'ok']);
    expect(r[1]?.disabled).toMatchObject({ reason: 'key_leaked', byOperator: false, message: 'Your API key was reported as leaked.' });
    expect(r[4]?.disabled?.byOperator).toBe(true);
    expect(r[2]?.cooldowns).toEqual([{ model: 'gemini-2.5-pro', until: new Date(now + 30_000).toISOString(), reason: 'quota_per_day', message: 'Quota exceeded for metric: generate_content_free_tier_requests' }]);
    expect(r[3]?.cooldowns.map((c) => c.model)).toEqual(['gemini-2.5-flash']);
    expect(r[5]?.today.requests).toBe(5);
    expect(r[0]?.lastUsed).toBe(new Date(now - 5_000).toISOString());
    expect(r[1]?.lastUsed).toBeNull();
    expect(JSON.stringify(r)).not.toContain('AIza');
  });
});

describe('queryRows', () => {
  const fps = (q: Parameters<typeof queryRows>[1]) => queryRows(rows(), q).items.map((r) => r.index);

  it.each([
    [{}, [0, 1, 2, 3, 4, 5]],
    [{ state: 'disabled' as const }, [1, 4]],
    [{ state: 'cooling' as const }, [2, 3]],
    [{ q: 'leaked' }, [1]],
    [{ q: 'GEMINI-2.5-PRO' }, [2]],
    [{ q: 'generate_content_free' }, [2]],
    [{ sort: 'requests' as const, order: 'desc' as const }, [5, 0, 1, 2, 3, 4]],
    [{ sort: 'state' as const }, [1, 4, 2, 3, 0, 5]],
    [{ sort: 'cooldown' as const }, [3, 2, 0, 1, 4, 5]],
    [{ sort: 'rateLimited' as const, order: 'desc' as const }, [0, 1, 2, 3, 4, 5]],
    [{ offset: 2, limit: 2 }, [2, 3]],
  ])('%j -> %j', (q, want) => {
    expect(fps(q)).toEqual(want);
  });

  it('counts matches before paging', () => {
    expect(queryRows(rows(), { state: 'cooling', limit: 1 })).toMatchObject({ matched: 2 });
  });
});
