// Where a Worker runs, from Cloudflare's answer headers, and what the pool says when Google
// refuses that place: the per-upstream hint, and the one warning when every upstream is refused.
import { describe, expect, it } from 'vitest';
import { allRegionBlockedMessage, placeOf, placeView, REGION_BLOCKED, UpstreamSet, type Upstream } from '../src/upstreams';

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? null });

describe('placeOf', () => {
  it.each([
    ['a Worker without placement: the edge that took the request', { 'cf-ray': '8f1c2a3b4d5e6f70-HKG' }, { colo: 'HKG', edge: 'HKG' }],
    ['a placed Worker: where it ran, and the edge', { 'cf-ray': '8f1c2a3b4d5e6f70-HKG', 'cf-placement': 'remote-ORD' }, { colo: 'ORD', edge: 'HKG', placement: 'remote' }],
    ['placement that kept it at the edge', { 'cf-ray': '8f1c2a3b4d5e6f70-sjc', 'cf-placement': 'local-SJC' }, { colo: 'SJC', edge: 'SJC', placement: 'local' }],
    ['an unreadable cf-placement: the edge alone', { 'cf-ray': '8f1c2a3b4d5e6f70-HKG', 'cf-placement': 'elsewhere' }, { colo: 'HKG', edge: 'HKG' }],
  ])('%s', (_name, h, want) => {
    expect(placeOf(headers(h), 42)).toEqual({ ...want, seenAt: 42 });
  });

  it.each([
    ['no cf-ray (not through Cloudflare)', {}],
    ['a ray without a data centre', { 'cf-ray': '8f1c2a3b4d5e6f70' }],
    ['a ray that is not one', { 'cf-ray': `${'a'.repeat(5000)}-HKG` }],
    ['markup in the code', { 'cf-ray': '8f1c2a3b4d5e6f70-<b>' }],
  ])('nothing for %s', (_name, h) => {
    expect(placeOf(headers(h), 1)).toBeUndefined();
  });
});

function upstreamSet(ids: string[], events = {}) {
  const set = new UpstreamSet({ threshold: 5, backoffMs: 1000, maxBackoffMs: 1000 }, events);
  set.replace(ids.map((id) => ({ id, secret: undefined, transport: () => ({ send: () => Promise.reject(new Error('unused')), close: async () => {} }) })));
  return set;
}
const withPlace = (u: Upstream, colo: string) => Object.assign(u.transport, { place: { colo, edge: colo, seenAt: 0 } });

describe('region-blocked upstreams', () => {
  it('a refused Worker gets a hint naming where it runs and the placement setting; an answer clears it', () => {
    const set = upstreamSet(['https://a.example']);
    const a = set.all()[0]!;
    withPlace(a, 'HKG');
    expect(placeView(a, 'direct')).toEqual({ runsIn: 'HKG', colo: 'HKG' });
    set.recordFailure(a, REGION_BLOCKED, 1);
    expect(placeView(a, 'direct').hint).toMatch(/^runs in HKG: set placement \(Settings -> Runtime -> Placement/);
    set.recordSuccess(a, 10);
    expect(placeView(a, 'direct').hint).toBeUndefined();
  });

  it('other failures give no hint', () => {
    const set = upstreamSet(['https://a.example']);
    set.recordFailure(set.all()[0]!, 'upstream_network', 1);
    expect(placeView(set.all()[0]!, 'direct')).toEqual({});
  });

  it('direct mode refused: points at Workers and HTTPS_PROXY, not placement', () => {
    const set = upstreamSet(['direct']);
    set.recordFailure(set.all()[0]!, REGION_BLOCKED, 1);
    expect(placeView(set.all()[0]!, 'direct').hint).toMatch(/this server's location.*upstreams\.txt.*HTTPS_PROXY/);
    expect(allRegionBlockedMessage(set.all(), 'direct')).toMatch(/^direct mode: /);
  });

  it('warns once when every Worker is refused, naming where they run; again only after one answered', () => {
    const warnings: string[] = [];
    const set = upstreamSet(['https://a.example', 'https://b.example'], { allRegionBlocked: (list: readonly Upstream[]) => warnings.push(allRegionBlockedMessage(list, 'direct')) });
    const [a, b] = set.all() as [Upstream, Upstream];
    withPlace(a, 'HKG');
    withPlace(b, 'HKG');
    set.recordFailure(a, REGION_BLOCKED, 1);
    expect(set.allRegionBlocked()).toBe(false);
    expect(warnings).toEqual([]);
    set.recordFailure(b, REGION_BLOCKED, 2);
    set.recordFailure(a, REGION_BLOCKED, 3);
    expect(set.allRegionBlocked()).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/^every Worker is region-blocked \(they run in HKG\): .*set placement on each/)]);
    set.recordSuccess(b, 10);
    expect(set.allRegionBlocked()).toBe(false);
    set.recordFailure(b, REGION_BLOCKED, 4);
    expect(warnings).toHaveLength(2);
  });
});
