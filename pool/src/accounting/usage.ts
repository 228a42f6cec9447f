// Usage accounting: per key fingerprint per model per Pacific day (attempts), per client key per
// model per day (requests), and an hourly series for the dashboard's chart. Bounded: the last
// USAGE_DAYS days are kept and older days are folded into all-time totals; at most MAX_MODELS
// models per key-day (model names come from clients: one cycling random names must not grow
// memory); the hourly series keeps HOURS_KEPT hours.
import { pacificDay } from './pacific-day';
import type { Counters } from './counters';
import type { Tokens } from './usage-scan';

export type { Counters } from './counters';

/** One hour of traffic, for the chart and the last-24-hours totals. */
export interface Hour {
  /** Client requests that ended in this hour, and how many of them succeeded. */
  requests: number;
  ok: number;
  /** Client requests that ended in an error (a 429 to the client included). */
  errors: number;
  /** Attempts Gemini answered 429 (the pool usually hid them by moving to another key). */
  rateLimited: number;
  tokensIn: number;
  tokensOut: number;
}

/** day -> fingerprint -> model -> counters. */
export type UsageTable = Record<string, Record<string, Record<string, Counters>>>;

export interface UsageSnapshot {
  keys: UsageTable;
  clients: UsageTable;
  /** Hour start (epoch ms, as a string key) -> counters. */
  hours?: Record<string, Hour>;
  /** Everything older than the retention, folded. */
  totals?: { keys: Counters; clients: Counters; since?: string };
}

const MAX_MODELS = 64;
const OTHER_MODEL = '(other)';
const HOUR = 3_600_000;
export const HOURS_KEPT = 72;

export const zeroCounters = (): Counters => ({ requests: 0, tokensIn: 0, tokensOut: 0, rateLimited: 0, errors: 0 });
export const zeroHour = (): Hour => ({ requests: 0, ok: 0, errors: 0, rateLimited: 0, tokensIn: 0, tokensOut: 0 });

export function addCounters(into: Counters, c: Counters): Counters {
  into.requests += c.requests;
  into.tokensIn += c.tokensIn;
  into.tokensOut += c.tokensOut;
  into.rateLimited += c.rateLimited;
  into.errors += c.errors;
  return into;
}

export type Outcome = 'ok' | 'rate_limited' | 'error';

export class Usage {
  private keys: UsageTable = {};
  private clients: UsageTable = {};
  private hours: Record<string, Hour> = {};
  private totals = { keys: zeroCounters(), clients: zeroCounters(), since: undefined as string | undefined };
  /** The hour every request of the last hour lands in: a numeric-keyed lookup per request is not free. */
  private hourStart = Number.NaN;
  private hourNow: Hour | undefined;

  constructor(private readonly days: number) {}

  /** The Pacific day of `now` (pacificDay caches the current day itself). */
  dayOf(now: number): string {
    return pacificDay(now);
  }

  private cell(table: UsageTable, day: string, fp: string, model: string): Counters {
    const byFp = (table[day] ??= {});
    const byModel = (byFp[fp] ??= {});
    let c = byModel[model];
    if (!c) {
      if (Object.keys(byModel).length >= MAX_MODELS) model = OTHER_MODEL;
      c = byModel[model] ??= zeroCounters();
    }
    return c;
  }

  private hour(now: number): Hour {
    const start = now - (now % HOUR);
    if (start === this.hourStart && this.hourNow) return this.hourNow;
    let h = this.hours[start];
    if (!h) {
      h = this.hours[start] = zeroHour();
      const cutoff = start - HOURS_KEPT * HOUR;
      for (const k of Object.keys(this.hours)) if (Number(k) <= cutoff) delete this.hours[k];
    }
    this.hourStart = start;
    this.hourNow = h;
    return h;
  }

  private static add(c: Counters, outcome: Outcome, tokens: Tokens | undefined): void {
    c.requests++;
    if (outcome === 'rate_limited') c.rateLimited++;
    else if (outcome === 'error') c.errors++;
    if (tokens) {
      c.tokensIn += tokens.in;
      c.tokensOut += tokens.out;
    }
  }

  /** One attempt with a key. */
  recordKey(now: number, keyFp: string, model: string, outcome: Outcome, tokens?: Tokens): void {
    const day = this.dayOf(now);
    const fresh = this.keys[day] === undefined;
    Usage.add(this.cell(this.keys, day, keyFp, model), outcome, tokens);
    if (outcome === 'rate_limited') this.hour(now).rateLimited++;
    if (fresh) this.prune();
  }

  /** One request from a client (whatever the number of attempts it took). */
  recordClient(now: number, clientFp: string, model: string, outcome: Outcome, tokens?: Tokens): void {
    const day = this.dayOf(now);
    const fresh = this.clients[day] === undefined;
    Usage.add(this.cell(this.clients, day, clientFp, model), outcome, tokens);
    const h = this.hour(now);
    h.requests++;
    if (outcome === 'ok') h.ok++;
    else h.errors++;
    if (tokens) {
      h.tokensIn += tokens.in;
      h.tokensOut += tokens.out;
    }
    if (fresh) this.prune();
  }

  keyDay(day: string, keyFp: string): Record<string, Counters> {
    return this.keys[day]?.[keyFp] ?? {};
  }

  /** Per client key: its counters of one day, summed over models. */
  clientDay(day: string): Record<string, Counters> {
    const out: Record<string, Counters> = {};
    for (const [fp, models] of Object.entries(this.clients[day] ?? {})) {
      const t = (out[fp] = zeroCounters());
      for (const c of Object.values(models)) addCounters(t, c);
    }
    return out;
  }

  /** Per client key: its counters of one day, per model. */
  clientModels(day: string, clientFp: string): Record<string, Counters> {
    return this.clients[day]?.[clientFp] ?? {};
  }

  /** Sum over every key and model of one day (attempts). */
  totalDay(day: string): Counters {
    const t = zeroCounters();
    for (const models of Object.values(this.keys[day] ?? {})) for (const c of Object.values(models)) addCounters(t, c);
    return t;
  }

  /** Sum over every client of one day (requests as the clients saw them). */
  clientTotalDay(day: string): Counters {
    const t = zeroCounters();
    for (const models of Object.values(this.clients[day] ?? {})) for (const c of Object.values(models)) addCounters(t, c);
    return t;
  }

  /** The last `count` hours up to `now`, oldest first, empty hours included. */
  series(now: number, count: number): { start: number; counters: Hour }[] {
    const last = now - (now % HOUR);
    const out: { start: number; counters: Hour }[] = [];
    for (let start = last - (count - 1) * HOUR; start <= last; start += HOUR) out.push({ start, counters: this.hours[start] ?? zeroHour() });
    return out;
  }

  /** The days kept, oldest first. */
  keptDays(): string[] {
    return [...new Set([...Object.keys(this.keys), ...Object.keys(this.clients)])].sort();
  }

  /** The raw tables of the kept days (the admin API's usage export). */
  table(kind: 'keys' | 'clients'): Readonly<UsageTable> {
    return kind === 'keys' ? this.keys : this.clients;
  }

  allTimeFolded(): { keys: Counters; clients: Counters; since?: string } {
    return this.totals.since ? { keys: this.totals.keys, clients: this.totals.clients, since: this.totals.since } : { keys: this.totals.keys, clients: this.totals.clients };
  }

  /** Keeps the newest `days` days (day strings sort chronologically); older ones are folded. */
  private prune(): void {
    for (const [kind, table] of [['keys', this.keys], ['clients', this.clients]] as const) {
      const days = Object.keys(table);
      if (days.length <= this.days) continue;
      for (const d of days.sort().slice(0, days.length - this.days)) {
        for (const models of Object.values(table[d] ?? {})) for (const c of Object.values(models)) addCounters(this.totals[kind], c);
        if (!this.totals.since || d < this.totals.since) this.totals.since = d;
        delete table[d];
      }
    }
  }

  snapshot(): UsageSnapshot {
    return { keys: this.keys, clients: this.clients, hours: this.hours, totals: this.allTimeFolded() };
  }

  restore(s: Partial<UsageSnapshot>): void {
    if (s.keys && typeof s.keys === 'object') this.keys = s.keys;
    if (s.clients && typeof s.clients === 'object') this.clients = s.clients;
    if (s.hours && typeof s.hours === 'object') this.hours = s.hours;
    this.hourStart = Number.NaN;
    this.hourNow = undefined;
    if (s.totals && typeof s.totals === 'object' && s.totals.keys && s.totals.clients) {
      this.totals = { keys: { ...zeroCounters(), ...s.totals.keys }, clients: { ...zeroCounters(), ...s.totals.clients }, since: s.totals.since };
    }
    this.prune();
  }
}
