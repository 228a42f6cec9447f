import { describe, expect, it } from 'vitest';
import { fingerprint } from '@opengemini/shared';
import type { Transport } from '../src/upstreams/transport';
import { UpstreamSet } from '../src/upstreams/upstreams';

const fake = (): Transport => ({ send: () => Promise.reject(new Error('unused')), close: () => Promise.resolve() });
const defs = (ids: string[]) => ids.map((id) => ({ id, secret: undefined, transport: fake }));
const keyFps = Array.from({ length: 200 }, (_, i) => fingerprint(`AIza${String(i).padStart(35, 'k')}`));
const none = new Set<string>();

function assignment(set: UpstreamSet, now = 0): Map<string, string> {
  const m = new Map<string, string>();
  for (const fp of keyFps) {
    const p = set.pick(fp, none, now);
    if (p.kind === 'ok') m.set(fp, p.upstream.id);
  }
  return m;
}

describe('key -> upstream stickiness (rendezvous hashing)', () => {
  it('sends a key to the same upstream every time and spreads keys over all upstreams', () => {
    const set = new UpstreamSet({ threshold: 1, backoffMs: 1_000, maxBackoffMs: 1_000 });
    set.replace(defs(['https://a', 'https://b', 'https://c']));
    const first = assignment(set);
    expect(assignment(set)).toEqual(first);
    const counts = new Map<string, number>();
    for (const id of first.values()) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const id of ['https://a', 'https://b', 'https://c']) expect(counts.get(id)).toBeGreaterThan(40);
  });

  it('moves only the keys of an upstream that is down, and moves them back when it recovers', () => {
    const set = new UpstreamSet({ threshold: 1, backoffMs: 1_000, maxBackoffMs: 1_000 });
    set.replace(defs(['https://a', 'https://b', 'https://c']));
    const before = assignment(set);
    const b = set.all().find((u) => u.id === 'https://b')!;
    set.recordFailure(b, 'upstream_network', 0);
    const during = assignment(set, 10);
    for (const [fp, id] of before) {
      if (id === 'https://b') expect(during.get(fp)).not.toBe('https://b');
      else expect(during.get(fp)).toBe(id);
    }
    set.recordSuccess(b, 5);
    expect(assignment(set, 20)).toEqual(before);
  });

  it('adding an upstream moves only the keys it wins; reload keeps breakers of kept upstreams', () => {
    const set = new UpstreamSet({ threshold: 1, backoffMs: 1_000, maxBackoffMs: 1_000 });
    set.replace(defs(['https://a', 'https://b']));
    const before = assignment(set);
    const a = set.all()[0]!;
    const r = set.replace(defs(['https://a', 'https://b', 'https://c']));
    expect(r).toMatchObject({ added: 1, kept: 2, removed: [] });
    expect(set.all()[0]).toBe(a);
    for (const [fp, id] of assignment(set)) if (id !== 'https://c') expect(before.get(fp)).toBe(id);
  });

  it('says when the first upstream can be probed when all are down or excluded', () => {
    const set = new UpstreamSet({ threshold: 1, backoffMs: 1_000, maxBackoffMs: 1_000 });
    set.replace(defs(['https://a', 'https://b']));
    set.recordFailure(set.all()[0]!, 'x', 0);
    expect(set.upCount(100)).toBe(1);
    // b is excluded (it failed for this request) but its breaker is closed: come back now.
    expect(set.pick(keyFps[0]!, new Set(['https://b']), 100)).toEqual({ kind: 'down', retryAt: 100 });
    set.recordFailure(set.all()[1]!, 'x', 500);
    expect(set.pick(keyFps[0]!, new Set(), 600)).toEqual({ kind: 'down', retryAt: 1_000 });
  });
});
