// A minimal Prometheus registry: counters, gauges and histograms with labels, rendered in the
// text exposition format (version 0.0.4). Small on purpose (the pool needs a dozen metrics, not a
// client library); every metric caps its number of label sets, because some label values come
// from clients (model names) and must not grow memory without limit.

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const OVERFLOW = '(other)';

/** Label values may hold anything: backslash, double quote and newline are escaped. */
export function escapeLabel(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

function labelText(names: readonly string[], values: readonly string[], extra = ''): string {
  if (names.length === 0 && !extra) return '';
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) parts.push(extra);
  return `{${parts.join(',')}}`;
}

function num(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

interface Metric {
  render(out: string[]): void;
}

abstract class Labelled<T> implements Metric {
  protected readonly series = new Map<string, { values: string[]; data: T }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly maxSeries: number,
  ) {}

  protected abstract fresh(): T;

  /**
   * The same series again, looked up label by label (a Map per label): counting on the hot path
   * then builds no key string. Only label sets that have a series are in it, so it stays bounded.
   */
  private readonly tree = new Map<string, unknown>();

  protected get(values: readonly string[]): T {
    let node: Map<string, unknown> | undefined = this.tree;
    const last = values.length - 1;
    for (let i = 0; i < last && node; i++) node = node.get(values[i]!) as Map<string, unknown> | undefined;
    const hit = last >= 0 ? (node?.get(values[last]!) as { data: T } | undefined) : undefined;
    return hit ? hit.data : this.lookup(values);
  }

  private lookup(values: readonly string[]): T {
    const id = values.join('\u0000');
    let s = this.series.get(id);
    if (!s) {
      // Past the cap, new label sets share one overflow series instead of growing the map.
      const overflow = values.map(() => OVERFLOW);
      if (this.series.size >= this.maxSeries && values.some((v, i) => v !== overflow[i])) return this.lookup(overflow);
      s = { values: [...values], data: this.fresh() };
      this.series.set(id, s);
      if (values.length) {
        let node = this.tree;
        for (let i = 0; i < values.length - 1; i++) {
          let next = node.get(values[i]!) as Map<string, unknown> | undefined;
          if (!next) node.set(values[i]!, (next = new Map()));
          node = next;
        }
        node.set(values[values.length - 1]!, s);
      }
    }
    return s.data;
  }

  abstract render(out: string[]): void;
}

export class Counter extends Labelled<{ v: number }> {
  protected fresh() {
    return { v: 0 };
  }

  inc(values: readonly string[], by = 1): void {
    this.get(values).v += by;
  }

  value(values: readonly string[]): number {
    return this.series.get(values.join('\u0000'))?.data.v ?? 0;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`);
    for (const s of this.series.values()) out.push(`${this.name}${labelText(this.labelNames, s.values)} ${num(s.data.v)}`);
  }
}

export class Histogram extends Labelled<{ counts: number[]; sum: number; count: number }> {
  constructor(name: string, help: string, labelNames: readonly string[], maxSeries: number, readonly buckets: readonly number[]) {
    super(name, help, labelNames, maxSeries);
  }

  protected fresh() {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }

  observe(values: readonly string[], v: number): void {
    const d = this.get(values);
    d.sum += v;
    d.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) d.counts[i]!++;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) => out.push(`${this.name}_bucket${labelText(this.labelNames, s.values, `le="${num(le)}"`)} ${s.data.counts[i]}`));
      out.push(`${this.name}_bucket${labelText(this.labelNames, s.values, 'le="+Inf"')} ${s.data.count}`);
      out.push(`${this.name}_sum${labelText(this.labelNames, s.values)} ${num(s.data.sum)}`);
      out.push(`${this.name}_count${labelText(this.labelNames, s.values)} ${s.data.count}`);
    }
  }
}

/** A gauge whose samples are read at scrape time (key states, circuits): nothing to keep in sync. */
export class CollectedGauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly collect: () => Iterable<[values: readonly string[], value: number]>,
  ) {}

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`);
    for (const [values, v] of this.collect()) out.push(`${this.name}${labelText(this.labelNames, values)} ${num(v)}`);
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];

  add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }

  render(): string {
    const out: string[] = [];
    for (const m of this.metrics) m.render(out);
    return `${out.join('\n')}\n`;
  }
}
