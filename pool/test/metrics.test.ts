import { describe, expect, it } from 'vitest';
import { KeyRing } from '../src/keys/keyring';
import { PoolMetrics } from '../src/accounting/metrics';
import { MAX_LABEL_LENGTH, OVERFLOW, SeriesCap } from '../src/accounting/series-cap';
import { UpstreamSet } from '../src/upstreams/upstreams';

const noUpstreams = () => new UpstreamSet({ threshold: 1, backoffMs: 1, maxBackoffMs: 1 });

describe('series caps', () => {
  it('past the limit new label sets share one (other) series; known ones keep counting as themselves', () => {
    const cap = new SeriesCap(['route', 'model'] as const, 3);
    expect(cap.series(['/v1', 'a']).labels).toEqual({ route: '/v1', model: 'a' });
    cap.series(['/v1', 'b']);
    cap.series(['/v1', 'c']);
    expect(cap.series(['/v1', 'd']).labels).toEqual({ route: OVERFLOW, model: OVERFLOW });
    expect(cap.series(['/v1', 'a']).labels).toEqual({ route: '/v1', model: 'a' });
  });

  it('a value longer than the label length limit becomes (other), whatever its prefix', () => {
    const cap = new SeriesCap(['model'] as const, 10);
    expect(cap.series(['m'.repeat(MAX_LABEL_LENGTH)]).labels).toEqual({ model: 'm'.repeat(MAX_LABEL_LENGTH) });
    expect(cap.series(['m'.repeat(MAX_LABEL_LENGTH + 1)]).labels).toEqual({ model: OVERFLOW });
    expect(cap.series(['n'.repeat(16_000)]).labels).toEqual({ model: OVERFLOW });
  });
});

describe('pool metrics', () => {
  it('keys by state and cooldowns by reason, labelled by fingerprint; the names of the exporter before prom-client', async () => {
    const keys = new KeyRing(['AIzaMetrics000000000000000000000000001', 'AIzaMetrics000000000000000000000000002']);
    const [a, b] = keys.all();
    keys.cooldown(a!, 'gemini-2.5-flash', 10_000, 'quota_per_minute');
    keys.disable(b!, 'key_invalid', 'bad', 0);
    const m = new PoolMetrics({ keys, upstreams: noUpstreams(), now: () => 1_000 });
    m.request('/v1/chat/completions', 'gemini-2.5-flash', 429, 0.2, { in: 3, out: 0 });
    m.attempt(a!.fp, 'https://w.example', 'gemini-2.5-flash', 'quota_per_minute', 120);
    m.keyEvent(a!.fp, 'cooldown', 'quota_per_minute');
    const text = await m.render();
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('opengemini_keys{state="cooling"} 1');
    expect(text).toContain('opengemini_keys{state="disabled"} 1');
    expect(text).toContain('opengemini_cooldowns{reason="quota_per_minute"} 1');
    expect(text).toContain(`opengemini_key_cooldown_seconds{key="${a!.fp}",model="gemini-2.5-flash",reason="quota_per_minute"} 9`);
    expect(text).toContain(`opengemini_key_disabled{key="${b!.fp}",reason="key_invalid"} 1`);
    expect(text).toContain('opengemini_requests_total{route="/v1/chat/completions",model="gemini-2.5-flash",status="429",outcome="rate_limited"} 1');
    expect(text).toContain('opengemini_request_duration_seconds_bucket{le="0.25",route="/v1/chat/completions"} 1');
    expect(text).toContain(`opengemini_attempts_total{key="${a!.fp}",upstream="https://w.example",model="gemini-2.5-flash",result="quota_per_minute"} 1`);
    expect(text).toContain('opengemini_upstream_latency_seconds_count{upstream="https://w.example"} 1');
    expect(text).toContain(`opengemini_key_events_total{key="${a!.fp}",event="cooldown",reason="quota_per_minute"} 1`);
    expect(text).toContain('opengemini_tokens_total{model="gemini-2.5-flash",direction="in"} 3');
    expect(text).toMatch(/\nprocess_resident_memory_bytes \d+/);
    expect(text).toMatch(/\nprocess_start_time_seconds \d+/);
    expect(text).not.toContain('AIza');
  });

  it('gauges follow the keys at each scrape: a cooldown that ended leaves no series behind', async () => {
    let now = 1_000;
    const keys = new KeyRing(['AIzaMetrics000000000000000000000000003']);
    keys.cooldown(keys.all()[0]!, 'gemini-2.5-pro', 5_000, 'quota_per_minute');
    const m = new PoolMetrics({ keys, upstreams: noUpstreams(), now: () => now });
    expect(await m.render()).toContain('opengemini_cooldowns{reason="quota_per_minute"} 1');
    now += 10_000;
    const text = await m.render();
    expect(text).not.toContain('opengemini_cooldowns{');
    expect(text).not.toContain('opengemini_key_cooldown_seconds{');
    expect(text).toContain('opengemini_keys{state="available"} 1');
  });

  it('counters counted between scrapes add up across scrapes (the hot path counts in plain numbers, each scrape takes them)', async () => {
    const m = new PoolMetrics({ keys: new KeyRing([]), upstreams: noUpstreams(), now: () => 0 });
    const line = 'opengemini_requests_total{route="/v1/chat/completions",model="gemini-2.5-flash",status="200",outcome="ok"}';
    m.request('/v1/chat/completions', 'gemini-2.5-flash', 200, 0.01, { in: 5, out: 7 });
    m.request('/v1/chat/completions', 'gemini-2.5-flash', 200, 0.01, { in: 5, out: 0 });
    let text = await m.render();
    expect(text).toContain(`${line} 2`);
    expect(text).toContain('opengemini_tokens_total{model="gemini-2.5-flash",direction="in"} 10');
    expect(text).toContain('opengemini_tokens_total{model="gemini-2.5-flash",direction="out"} 7');
    expect(await m.render()).toContain(`${line} 2`); // a scrape with nothing new changes nothing
    m.request('/v1/chat/completions', 'gemini-2.5-flash', 200, 0.01, { in: 1, out: 1 });
    text = await m.render();
    expect(text).toContain(`${line} 3`);
    expect(text).toContain('opengemini_tokens_total{model="gemini-2.5-flash",direction="in"} 11');
    expect(text).toContain('opengemini_request_duration_seconds_count{route="/v1/chat/completions"} 3');
  });

  it('past the cap new label sets count as one (other) series, summed with the rest at the scrape', async () => {
    const cap = new SeriesCap(['model'] as const, 2);
    cap.series(['a']).pending += 1;
    cap.series(['b']).pending += 2;
    cap.series(['c']).pending += 3;
    cap.series(['d']).pending += 4;
    cap.series(['x'.repeat(MAX_LABEL_LENGTH + 1)]).pending += 5;
    const seen: Record<string, number> = {};
    cap.drain((labels, n) => (seen[labels.model] = (seen[labels.model] ?? 0) + n));
    expect(seen).toEqual({ a: 1, b: 2, [OVERFLOW]: 12 });
    cap.drain((labels) => expect.unreachable(`nothing pending after a drain, got ${labels.model}`));
  });

  it('label values are escaped in the text format', async () => {
    const m = new PoolMetrics({ keys: new KeyRing([]), upstreams: noUpstreams(), now: () => 0 });
    m.request('/v1/chat/completions', 'say "hi"\\\n', 400, 0.01, undefined);
    expect(await m.render()).toContain('model="say \\"hi\\"\\\\\\n"');
  });
});

describe('TallyHistogram writes what prom-client\'s Histogram writes for the same observations', () => {
  it('buckets (values on a bound, above every bound, zero), sum, count, several series, and reset', async () => {
    const { Histogram, Registry } = await import('prom-client');
    const { TallyHistogram } = await import('../src/accounting/tally-histogram');
    const buckets = [0.05, 0.1, 1, 10];
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({ name: 'h_seconds', help: 'A histogram.', labelNames: ['route'], buckets, registers: [theirs] });
    const tally = new TallyHistogram('h_seconds', 'A histogram.', new SeriesCap(['route'] as const, 10), buckets, [ours]);
    const observations: [string, number][] = [['/a', 0], ['/a', 0.05], ['/a', 0.0500001], ['/b', 10], ['/b', 11], ['/a', 3.25], ['/b', 0.1]];
    for (const [route, v] of observations) {
      reference.observe({ route }, v);
      tally.observe([route], v);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('h_seconds_bucket{le="0.05",route="/a"} 2');
    expect(text).toContain('h_seconds_count{route="/b"} 3');
    // The JSON form too (key order and prom-client's exemplar: null aside).
    const json = async (r: InstanceType<typeof Registry>) => (await r.getMetricsAsJSON()).map((m) => ({ name: m.name, type: m.type, values: m.values.map((v) => ({ metricName: (v as { metricName?: string }).metricName, labels: v.labels, value: v.value })) }));
    expect(await json(ours)).toEqual(await json(theirs));
    theirs.resetMetrics();
    ours.resetMetrics();
    reference.observe({ route: '/a' }, 0.2);
    tally.observe(['/a'], 0.2);
    // A value that is not a number is left out (prom-client throws on it): the sum stays a number.
    tally.observe(['/a'], Number.NaN);
    tally.observe(['/a'], Number.POSITIVE_INFINITY);
    expect(await ours.metrics()).not.toMatch(/NaN|Inf[^"]/);
    // prom-client forgets reset series; the tally keeps them at zero: compare the /a lines only.
    const lines = (t: string) => t.split('\n').filter((l) => l.includes('route="/a"'));
    expect(lines(await ours.metrics())).toEqual(lines(await theirs.metrics()));
  });
});
