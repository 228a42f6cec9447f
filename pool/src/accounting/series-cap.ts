// Label values of the pool's metrics partly come from clients (the model name), and every distinct
// label set is a series kept in memory and printed on every scrape. A SeriesCap bounds both: a
// value longer than MAX_LABEL_LENGTH is replaced by `(other)`, and once a metric has `max` label
// sets every new one is counted under a single set whose labels are all `(other)`. Real pools stay
// far below the caps (keys x models x results); a client inventing model names cannot.

export const OVERFLOW = '(other)';
/** Longer than any Gemini model name or Worker URL an operator would use. */
export const MAX_LABEL_LENGTH = 128;

export class SeriesCap<N extends string> {
  /** Every label set seen, by its values joined, as the object handed to prom-client: built once
   * (the hot path adds to a counter per request and per attempt, with the same few sets). */
  private readonly sets = new Map<string, Record<N, string>>();
  private readonly overflow: Record<N, string>;

  constructor(
    readonly names: readonly N[],
    readonly max: number,
  ) {
    this.overflow = Object.fromEntries(names.map((n) => [n, OVERFLOW])) as Record<N, string>;
  }

  /** The labels to count `values` (in `names` order) under. */
  labels(values: readonly string[]): Record<N, string> {
    let id = values.join('\u0000');
    let kept = values;
    // Only a set this long can hold a value past the limit: its values are cut first, so every
    // long value is the one `(other)` series.
    if (id.length > MAX_LABEL_LENGTH) {
      kept = values.map((v) => (v.length > MAX_LABEL_LENGTH ? OVERFLOW : v));
      id = kept.join('\u0000');
    }
    const known = this.sets.get(id);
    if (known) return known;
    if (this.sets.size >= this.max) return this.overflow;
    const out = {} as Record<N, string>;
    this.names.forEach((n, i) => (out[n] = kept[i]!));
    this.sets.set(id, out);
    return out;
  }
}
