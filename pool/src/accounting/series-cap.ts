// Label values of the pool's metrics partly come from clients (the model name), and every distinct
// label set is a series kept in memory and printed on every scrape. A SeriesCap bounds both: a
// value longer than MAX_LABEL_LENGTH is replaced by `(other)`, and once a metric has `max` label
// sets every new one is counted under a single set whose labels are all `(other)`. Real pools stay
// far below the caps (keys x models x results); a client inventing model names cannot.
// It also holds what the hot path counted since the last scrape (`Series.pending`): adding to a
// number in a series found by a few Map lookups costs a fraction of prom-client's `inc` (which
// hashes and validates the label object on every call), and metrics.ts hands the sums to
// prom-client when /metrics is read.

export const OVERFLOW = '(other)';
/** Longer than any Gemini model name or Worker URL an operator would use. */
export const MAX_LABEL_LENGTH = 128;

/** One label set: the labels handed to prom-client, and what was counted under it since the last drain. */
export interface Series<N extends string> {
  readonly labels: Record<N, string>;
  pending: number;
  /** A histogram's observations so far (tally-histogram.ts): a count per bucket, then the sum. */
  observed?: Float64Array;
}

/** Values -> series, one Map level per label: no joined string to build and hash per lookup. */
type Level = Map<string, Level | Series<string>>;

export class SeriesCap<N extends string> {
  private readonly root: Level = new Map();
  /** Every series made (the overflow one included, once used), for `drain`. */
  private readonly made: Series<N>[] = [];
  private readonly overflow: Series<N>;
  private overflowUsed = false;

  constructor(
    readonly names: readonly N[],
    readonly max: number,
  ) {
    this.overflow = { labels: Object.fromEntries(names.map((n) => [n, OVERFLOW])) as Record<N, string>, pending: 0 };
  }

  /** The series to count `values` (in `names` order) under. */
  series(values: readonly string[]): Series<N> {
    return this.find(values) ?? this.add(values);
  }

  /** Hands every series counted since the last drain to `use`, and zeroes it. */
  drain(use: (labels: Record<N, string>, n: number) => void): void {
    for (const s of this.made) {
      if (s.pending === 0) continue;
      use(s.labels, s.pending);
      s.pending = 0;
    }
  }

  /** Every series with observations (a histogram's), with them. */
  each(use: (labels: Record<N, string>, observed: Float64Array) => void): void {
    for (const s of this.made) if (s.observed) use(s.labels, s.observed);
  }

  private find(values: readonly string[]): Series<N> | undefined {
    let node: Level | Series<string> | undefined = this.root;
    for (let i = 0; i < values.length && node; i++) node = (node as Level).get(values[i]!);
    return node as Series<N> | undefined;
  }

  private add(values: readonly string[]): Series<N> {
    // A value past the limit is never a key of the table: its set is looked up with it cut, so
    // every long value lands in the one `(other)` series of its neighbours.
    if (values.some((v) => v.length > MAX_LABEL_LENGTH)) {
      values = values.map((v) => (v.length > MAX_LABEL_LENGTH ? OVERFLOW : v));
      const known = this.find(values);
      if (known) return known;
    }
    if (this.made.length - (this.overflowUsed ? 1 : 0) >= this.max) {
      if (!this.overflowUsed) {
        this.overflowUsed = true;
        this.made.push(this.overflow);
      }
      return this.overflow;
    }
    const labels = {} as Record<N, string>;
    this.names.forEach((n, i) => (labels[n] = values[i]!));
    const series: Series<N> = { labels, pending: 0 };
    let node = this.root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = node.get(values[i]!) as Level | undefined;
      if (!next) node.set(values[i]!, (next = new Map()));
      node = next;
    }
    node.set(values[values.length - 1]!, series as Series<string>);
    this.made.push(series);
    return series;
  }
}
