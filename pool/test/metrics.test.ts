import { describe, expect, it } from 'vitest';
import { KeyRing } from '../src/keys/keyring';
import { PoolMetrics } from '../src/accounting/metrics';
import { CollectedGauge, Counter, Histogram, Registry, escapeLabel } from '../src/accounting/prometheus';
import { UpstreamSet } from '../src/upstreams/upstreams';

describe('the Prometheus text format', () => {
  it('renders counters with HELP, TYPE and escaped labels', () => {
    const r = new Registry();
    const c = r.add(new Counter('x_total', 'Things.', ['a', 'b'], 10));
    c.inc(['1', 'say "hi"\\\n']);
    c.inc(['1', 'say "hi"\\\n'], 2);
    expect(r.render()).toBe('# HELP x_total Things.\n# TYPE x_total counter\nx_total{a="1",b="say \\"hi\\"\\\\\\n"} 3\n');
    expect(escapeLabel('…abcd#12ab34')).toBe('…abcd#12ab34');
  });

  it('renders histograms with cumulative buckets, +Inf, sum and count', () => {
    const r = new Registry();
    const h = r.add(new Histogram('lat_seconds', 'Latency.', ['u'], 10, [0.1, 1]));
    h.observe(['a'], 0.05);
    h.observe(['a'], 0.5);
    h.observe(['a'], 5);
    expect(r.render().split('\n')).toEqual([
      '# HELP lat_seconds Latency.',
      '# TYPE lat_seconds histogram',
      'lat_seconds_bucket{u="a",le="0.1"} 1',
      'lat_seconds_bucket{u="a",le="1"} 2',
      'lat_seconds_bucket{u="a",le="+Inf"} 3',
      'lat_seconds_sum{u="a"} 5.55',
      'lat_seconds_count{u="a"} 3',
      '',
    ]);
  });

  it('caps label sets: past the limit new ones share one (other) series', () => {
    const c = new Counter('m_total', 'M.', ['model'], 3);
    for (let i = 0; i < 10; i++) c.inc([`model-${i}`]);
    const out: string[] = [];
    c.render(out);
    expect(out.slice(2)).toEqual(['m_total{model="model-0"} 1', 'm_total{model="model-1"} 1', 'm_total{model="model-2"} 1', 'm_total{model="(other)"} 7']);
  });

  it('several labels: label sets sharing a prefix stay apart, the same set built anew counts into one series', () => {
    const c = new Counter('m_total', 'M.', ['route', 'model', 'status'], 3);
    for (const status of [200, 200, 429]) c.inc(['/v1/chat/completions', ['gemini', '2.5'].join('-'), String(status)]);
    c.inc(['/v1/embeddings', 'gemini-2.5', '200'], 5);
    c.inc(['/v1/chat/completions', 'gemini-2.5', '500']); // past the cap of 3, though its prefix exists
    c.inc(['/v1/chat/completions', 'gemini-2.5', '200']);
    const out: string[] = [];
    c.render(out);
    expect(out.slice(2)).toEqual([
      'm_total{route="/v1/chat/completions",model="gemini-2.5",status="200"} 3',
      'm_total{route="/v1/chat/completions",model="gemini-2.5",status="429"} 1',
      'm_total{route="/v1/embeddings",model="gemini-2.5",status="200"} 5',
      'm_total{route="(other)",model="(other)",status="(other)"} 1',
    ]);
    expect(c.value(['/v1/chat/completions', 'gemini-2.5', '200'])).toBe(3);
  });

  it('collected gauges are read at scrape time', () => {
    let v = 1;
    const r = new Registry();
    r.add(new CollectedGauge('g', 'G.', [], () => [[[], v]]));
    expect(r.render()).toContain('\ng 1\n');
    v = 2;
    expect(r.render()).toContain('\ng 2\n');
  });
});

describe('pool metrics', () => {
  it('keys by state and cooldowns by reason, labelled by fingerprint', () => {
    const keys = new KeyRing(['AIzaMetrics000000000000000000000000001', 'AIzaMetrics000000000000000000000000002']);
    const [a, b] = keys.all();
    keys.cooldown(a!, 'gemini-2.5-flash', 10_000, 'quota_per_minute');
    keys.disable(b!, 'key_invalid', 'bad', 0);
    const m = new PoolMetrics({ keys, upstreams: new UpstreamSet({ threshold: 1, backoffMs: 1, maxBackoffMs: 1 }), now: () => 1_000 });
    m.request('/v1/chat/completions', 'gemini-2.5-flash', 429, 0.2, { in: 3, out: 0 });
    const text = m.render();
    expect(text).toContain('opengemini_keys{state="cooling"} 1');
    expect(text).toContain('opengemini_keys{state="disabled"} 1');
    expect(text).toContain('opengemini_cooldowns{reason="quota_per_minute"} 1');
    expect(text).toContain(`opengemini_key_cooldown_seconds{key="${a!.fp}",model="gemini-2.5-flash",reason="quota_per_minute"} 9`);
    expect(text).toContain(`opengemini_key_disabled{key="${b!.fp}",reason="key_invalid"} 1`);
    expect(text).toContain('opengemini_requests_total{route="/v1/chat/completions",model="gemini-2.5-flash",status="429",outcome="rate_limited"} 1');
    expect(text).toContain('opengemini_tokens_total{model="gemini-2.5-flash",direction="in"} 3');
    expect(text).not.toContain('AIza');
  });
});
