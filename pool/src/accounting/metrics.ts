// The pool's metrics for GET /metrics, on prom-client: requests by route, model, status and
// outcome; attempts by key fingerprint, upstream, model and result; upstream latency; keys by
// state; cooldowns by reason; and prom-client's process and Node.js metrics. Keys appear only as
// fingerprints. The hot path adds to plain numbers per label set (series-cap.ts, which also caps
// the label sets that come from clients); the counters take the sums when scraped, the histograms
// are rendered from their tallies then (tally-histogram.ts), and the gauges are read from the live
// KeyRing and UpstreamSet.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { KeyRing } from '../keys';
import type { UpstreamSet } from '../upstreams';
import { MAX_LABEL_LENGTH, OVERFLOW, SeriesCap } from './series-cap';
import { TallyHistogram } from './tally-histogram';

export interface MetricsSource {
  keys: KeyRing;
  upstreams: UpstreamSet;
  now(): number;
}

/** Series per metric: far above any real pool (keys x models), far below a memory problem. */
const MAX_SERIES = 20_000;
/** Series per metric whose only free label is the model. */
const MAX_MODEL_SERIES = 2_000;
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

let processRegistry: Registry | undefined;
/** prom-client's process_* and nodejs_* metrics, collected once per process (they are the process's, not a pool's). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const short = (v: string) => (v.length > MAX_LABEL_LENGTH ? OVERFLOW : v);

/** A prom-client Counter that takes what was counted in `cap`'s series when it is read (a scrape). */
function drainedCounter<N extends string>(cap: SeriesCap<N>, name: string, help: string, registers: Registry[]): Counter<N> {
  return new Counter<N>({
    name,
    help,
    labelNames: cap.names,
    registers,
    collect() {
      cap.drain((labels, n) => this.inc(labels, n));
    },
  });
}

export class PoolMetrics {
  /** What GET /metrics renders: this pool's metrics and the process's. */
  readonly registry: Registry;
  private readonly requestsCap = new SeriesCap(['route', 'model', 'status', 'outcome'] as const, MAX_SERIES);
  private readonly duration: TallyHistogram<'route'>;
  private readonly attemptsCap = new SeriesCap(['key', 'upstream', 'model', 'result'] as const, MAX_SERIES);
  private readonly latency: TallyHistogram<'upstream'>;
  private readonly keyEventsCap = new SeriesCap(['key', 'event', 'reason'] as const, MAX_SERIES);
  private readonly tokensCap = new SeriesCap(['model', 'direction'] as const, MAX_MODEL_SERIES);

  constructor(src: MetricsSource) {
    const own = new Registry();
    const registers = [own];
    drainedCounter(this.requestsCap, 'opengemini_requests_total', 'Client requests by route, model, HTTP status and outcome.', registers);
    this.duration = new TallyHistogram('opengemini_request_duration_seconds', 'Time from request to the last byte (streams included), by route.', new SeriesCap(['route'] as const, 100), LATENCY_BUCKETS, registers);
    drainedCounter(this.attemptsCap, 'opengemini_attempts_total', 'Attempts by key fingerprint, upstream, model and result (ok or the fault code).', registers);
    this.latency = new TallyHistogram('opengemini_upstream_latency_seconds', 'Time to the response headers of each attempt, by upstream.', new SeriesCap(['upstream'] as const, 1_000), LATENCY_BUCKETS, registers);
    drainedCounter(this.keyEventsCap, 'opengemini_key_events_total', 'Cooldowns started and keys disabled, by key fingerprint and reason.', registers);
    drainedCounter(this.tokensCap, 'opengemini_tokens_total', 'Tokens by model and direction (in = prompt, out = completion and thoughts).', registers);

    new Gauge({
      name: 'opengemini_keys',
      help: 'Keys by state: available, cooling (some model), disabled.',
      labelNames: ['state'],
      registers,
      collect() {
        const c = src.keys.counts(src.now());
        this.set({ state: 'available' }, c.available);
        this.set({ state: 'cooling' }, c.cooling);
        this.set({ state: 'disabled' }, c.disabled);
      },
    });
    new Gauge({
      name: 'opengemini_cooldowns',
      help: 'Active (key, model) cooldowns by reason (quota_per_minute, quota_per_day, ...).',
      labelNames: ['reason'],
      registers,
      collect() {
        const now = src.now();
        this.reset();
        const by = new Map<string, number>();
        for (const e of src.keys.all()) for (const c of e.cooldowns.values()) if (c.until > now) by.set(c.reason, (by.get(c.reason) ?? 0) + 1);
        for (const [reason, n] of by) this.set({ reason: short(reason) }, n);
      },
    });
    new Gauge({
      name: 'opengemini_key_cooldown_seconds',
      help: 'Seconds left of each active cooldown, by key fingerprint, model and reason.',
      labelNames: ['key', 'model', 'reason'],
      registers,
      collect() {
        const now = src.now();
        this.reset();
        let n = 0;
        for (const e of src.keys.all()) {
          for (const [model, c] of e.cooldowns) {
            // Read afresh at each scrape: past the cap the rest is left out rather than summed.
            if (c.until > now && n++ < MAX_SERIES) this.set({ key: e.fp, model: short(model), reason: short(c.reason) }, Math.ceil((c.until - now) / 1000));
          }
        }
      },
    });
    new Gauge({
      name: 'opengemini_key_disabled',
      help: 'Disabled keys (1), by key fingerprint and reason.',
      labelNames: ['key', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const e of src.keys.all()) if (e.disabled) this.set({ key: e.fp, reason: short(e.disabled.reason) }, 1);
      },
    });
    new Gauge({
      name: 'opengemini_upstream_up',
      help: 'Whether each upstream admits requests now (circuit closed or due for a probe).',
      labelNames: ['upstream'],
      registers,
      collect() {
        const now = src.now();
        this.reset();
        for (const u of src.upstreams.all()) this.set({ upstream: u.id }, u.breaker.available(now) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'opengemini_upstream_circuit',
      help: 'Circuit breaker state of each upstream (1 for the current state).',
      labelNames: ['upstream', 'state'],
      registers,
      collect() {
        this.reset();
        for (const u of src.upstreams.all()) this.set({ upstream: u.id, state: u.breaker.state }, 1);
      },
    });
    this.registry = Registry.merge([own, processMetrics()]);
  }

  /** One client request, when its answer is finished. */
  request(route: string, model: string, status: number, seconds: number, tokens: { in: number; out: number } | undefined): void {
    const outcome = status >= 200 && status < 400 ? 'ok' : status === 429 ? 'rate_limited' : status === 499 ? 'client_closed' : 'error';
    this.requestsCap.series([route, model, String(status), outcome]).pending++;
    this.duration.observe([route], seconds);
    if (tokens) {
      if (tokens.in) this.tokensCap.series([model, 'in']).pending += tokens.in;
      if (tokens.out) this.tokensCap.series([model, 'out']).pending += tokens.out;
    }
  }

  /** One attempt with a key through an upstream: `result` is `ok` or the fault code. */
  attempt(keyFp: string, upstream: string, model: string, result: string, latencyMs: number): void {
    this.attemptsCap.series([keyFp, upstream, model, result]).pending++;
    this.latency.observe([upstream], latencyMs / 1000);
  }

  /** A key was cooled down or disabled. */
  keyEvent(keyFp: string, event: 'cooldown' | 'disabled', reason: string): void {
    this.keyEventsCap.series([keyFp, event, reason]).pending++;
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
