// The pool's metrics for GET /metrics: requests by route, model, status and outcome; attempts by
// key fingerprint, upstream, model and result; upstream latency; keys by state; cooldowns by
// reason. Keys appear only as fingerprints. Counters are updated on the hot path with one Map
// lookup each; gauges are read from the live KeyRing and UpstreamSet when scraped.
import type { KeyRing } from '../keys';
import { CollectedGauge, Counter, Histogram, Registry } from './prometheus';
import type { UpstreamSet } from '../upstreams';

export interface MetricsSource {
  keys: KeyRing;
  upstreams: UpstreamSet;
  now(): number;
}

/** Series per metric: far above any real pool (keys x models), far below a memory problem. */
const MAX_SERIES = 20_000;
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export class PoolMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter;
  private readonly duration: Histogram;
  private readonly attempts: Counter;
  private readonly latency: Histogram;
  private readonly keyEvents: Counter;
  private readonly tokens: Counter;
  private readonly started = Date.now();

  constructor(src: MetricsSource) {
    const r = this.registry;
    this.requests = r.add(new Counter('opengemini_requests_total', 'Client requests by route, model, HTTP status and outcome.', ['route', 'model', 'status', 'outcome'], MAX_SERIES));
    this.duration = r.add(new Histogram('opengemini_request_duration_seconds', 'Time from request to the last byte (streams included), by route.', ['route'], 100, LATENCY_BUCKETS));
    this.attempts = r.add(new Counter('opengemini_attempts_total', 'Attempts by key fingerprint, upstream, model and result (ok or the fault code).', ['key', 'upstream', 'model', 'result'], MAX_SERIES));
    this.latency = r.add(new Histogram('opengemini_upstream_latency_seconds', 'Time to the response headers of each attempt, by upstream.', ['upstream'], 1_000, LATENCY_BUCKETS));
    this.keyEvents = r.add(new Counter('opengemini_key_events_total', 'Cooldowns started and keys disabled, by key fingerprint and reason.', ['key', 'event', 'reason'], MAX_SERIES));
    this.tokens = r.add(new Counter('opengemini_tokens_total', 'Tokens by model and direction (in = prompt, out = completion and thoughts).', ['model', 'direction'], 2_000));

    r.add(
      new CollectedGauge('opengemini_keys', 'Keys by state: available, cooling (some model), disabled.', ['state'], () => {
        const c = src.keys.counts(src.now());
        return [[['available'], c.available], [['cooling'], c.cooling], [['disabled'], c.disabled]];
      }),
    );
    r.add(
      new CollectedGauge('opengemini_cooldowns', 'Active (key, model) cooldowns by reason (quota_per_minute, quota_per_day, ...).', ['reason'], () => {
        const now = src.now();
        const by = new Map<string, number>();
        for (const e of src.keys.all()) for (const c of e.cooldowns.values()) if (c.until > now) by.set(c.reason, (by.get(c.reason) ?? 0) + 1);
        return [...by].map(([reason, n]) => [[reason], n] as const);
      }),
    );
    r.add(
      new CollectedGauge('opengemini_key_cooldown_seconds', 'Seconds left of each active cooldown, by key fingerprint, model and reason.', ['key', 'model', 'reason'], function* () {
        const now = src.now();
        for (const e of src.keys.all()) for (const [model, c] of e.cooldowns) if (c.until > now) yield [[e.fp, model, c.reason], Math.ceil((c.until - now) / 1000)] as const;
      }),
    );
    r.add(
      new CollectedGauge('opengemini_key_disabled', 'Disabled keys (1), by key fingerprint and reason.', ['key', 'reason'], function* () {
        for (const e of src.keys.all()) if (e.disabled) yield [[e.fp, e.disabled.reason], 1] as const;
      }),
    );
    r.add(
      new CollectedGauge('opengemini_upstream_up', 'Whether each upstream admits requests now (circuit closed or due for a probe).', ['upstream'], function* () {
        const now = src.now();
        for (const u of src.upstreams.all()) yield [[u.id], u.breaker.available(now) ? 1 : 0] as const;
      }),
    );
    r.add(
      new CollectedGauge('opengemini_upstream_circuit', 'Circuit breaker state of each upstream (1 for the current state).', ['upstream', 'state'], function* () {
        for (const u of src.upstreams.all()) yield [[u.id, u.breaker.state], 1] as const;
      }),
    );
    r.add(new CollectedGauge('process_resident_memory_bytes', 'Resident memory size in bytes.', [], () => [[[], process.memoryUsage.rss()]]));
    r.add(new CollectedGauge('process_start_time_seconds', 'Start time of the process since the epoch, in seconds.', [], () => [[[], Math.round(this.started / 1000)]]));
  }

  /** One client request, when its answer is finished. */
  request(route: string, model: string, status: number, seconds: number, tokens: { in: number; out: number } | undefined): void {
    const outcome = status >= 200 && status < 400 ? 'ok' : status === 429 ? 'rate_limited' : status === 499 ? 'client_closed' : 'error';
    this.requests.inc([route, model, String(status), outcome]);
    this.duration.observe([route], seconds);
    if (tokens) {
      if (tokens.in) this.tokens.inc([model, 'in'], tokens.in);
      if (tokens.out) this.tokens.inc([model, 'out'], tokens.out);
    }
  }

  /** One attempt with a key through an upstream: `result` is `ok` or the fault code. */
  attempt(keyFp: string, upstream: string, model: string, result: string, latencyMs: number): void {
    this.attempts.inc([keyFp, upstream, model, result]);
    this.latency.observe([upstream], latencyMs / 1000);
  }

  /** A key was cooled down or disabled. */
  keyEvent(keyFp: string, event: 'cooldown' | 'disabled', reason: string): void {
    this.keyEvents.inc([keyFp, event, reason]);
  }

  render(): string {
    return this.registry.render();
  }
}
