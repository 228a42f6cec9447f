// A Prometheus histogram counted in plain numbers on the hot path and rendered by prom-client's
// registry when /metrics is read. prom-client's own Histogram.observe makes, validates and hashes
// a label object on every call (twice per request here: the request's duration and its attempt's
// latency); this one adds to a bucket of a series found by SeriesCap's Map lookups, and builds the
// exposition (the same lines prom-client's Histogram writes, tested side by side) at the scrape.
import type { MetricObjectWithValues, MetricValueWithName, Registry } from 'prom-client';
import type { SeriesCap } from './series-cap';

export class TallyHistogram<N extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly cap: SeriesCap<N>,
    private readonly buckets: readonly number[],
    registers: Registry[],
  ) {
    // The registry takes any object with prom-client's metric surface (name, get, reset).
    for (const r of registers) r.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** One observation of `value` for the label values `values` (in the cap's label order). */
  observe(values: readonly string[], value: number): void {
    // As prom-client refuses one: a NaN would make the series' sum NaN for good.
    if (!Number.isFinite(value)) return;
    const s = this.cap.series(values);
    const n = this.buckets.length;
    // Counts per bucket (the last for values above every bound), then the sum.
    const tally = (s.observed ??= new Float64Array(n + 2));
    let i = 0;
    while (i < n && value > this.buckets[i]!) i++;
    tally[i]!++;
    tally[n + 1]! += value;
  }

  /** What prom-client's registry renders: cumulative buckets, +Inf, sum and count per series. */
  async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const values: MetricValueWithName<string>[] = [];
    const n = this.buckets.length;
    this.cap.each((labels, tally) => {
      let below = 0;
      for (let i = 0; i < n; i++) {
        below += tally[i]!;
        values.push({ labels: { le: this.buckets[i]!, ...labels }, value: below, metricName: `${this.name}_bucket` });
      }
      const count = below + tally[n]!;
      values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...labels }, value: tally[n + 1]!, metricName: `${this.name}_sum` });
      values.push({ labels: { ...labels }, value: count, metricName: `${this.name}_count` });
    });
    return { name: this.name, help: this.help, type: this.type as never, aggregator: this.aggregator, values, collect: () => undefined };
  }

  /** Zeroes every series (prom-client's own reset forgets them; a series here stays, at zero). */
  reset(): void {
    this.cap.each((_labels, tally) => tally.fill(0));
  }
}
