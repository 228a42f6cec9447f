// Usage counters: per key fingerprint per model per Pacific day, and per client key per day.
// Bounded: only the last USAGE_DAYS days are kept, and at most MAX_MODELS models per key-day (the
// model name comes from clients, so a client cycling random names must not grow memory).
import type { Tokens } from './usage-scan';

export interface Counters {
  requests: number;
  tokensIn: number;
  tokensOut: number;
  /** Attempts answered 429 (quota) by Gemini. */
  rateLimited: number;
  /** Attempts that failed for any other reason. */
  errors: number;
}

/** day -> fingerprint -> model -> counters (client keys use model `*`). */
export type UsageTable = Record<string, Record<string, Record<string, Counters>>>;

export interface UsageSnapshot {
  keys: UsageTable;
  clients: UsageTable;
}

const MAX_MODELS = 64;
const OTHER_MODEL = '(other)';

const zero = (): Counters => ({ requests: 0, tokensIn: 0, tokensOut: 0, rateLimited: 0, errors: 0 });

export type Outcome = 'ok' | 'rate_limited' | 'error';

export class Usage {
  private keys: UsageTable = {};
  private clients: UsageTable = {};

  constructor(private readonly days: number) {}

  private cell(table: UsageTable, day: string, fp: string, model: string): Counters {
    const byFp = (table[day] ??= {});
    const byModel = (byFp[fp] ??= {});
    let c = byModel[model];
    if (!c) {
      if (Object.keys(byModel).length >= MAX_MODELS) model = OTHER_MODEL;
      c = byModel[model] ??= zero();
    }
    return c;
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
  recordKey(day: string, keyFp: string, model: string, outcome: Outcome, tokens?: Tokens): void {
    Usage.add(this.cell(this.keys, day, keyFp, model), outcome, tokens);
    this.prune();
  }

  /** One request from a client (whatever the number of attempts it took). */
  recordClient(day: string, clientFp: string, outcome: Outcome, tokens?: Tokens): void {
    Usage.add(this.cell(this.clients, day, clientFp, '*'), outcome, tokens);
  }

  keyDay(day: string, keyFp: string): Record<string, Counters> {
    return this.keys[day]?.[keyFp] ?? {};
  }

  clientDay(day: string): Record<string, Counters> {
    const out: Record<string, Counters> = {};
    for (const [fp, models] of Object.entries(this.clients[day] ?? {})) out[fp] = models['*'] ?? zero();
    return out;
  }

  /** Sum over every key and model of one day. */
  totalDay(day: string): Counters {
    const t = zero();
    for (const models of Object.values(this.keys[day] ?? {})) {
      for (const c of Object.values(models)) {
        t.requests += c.requests;
        t.tokensIn += c.tokensIn;
        t.tokensOut += c.tokensOut;
        t.rateLimited += c.rateLimited;
        t.errors += c.errors;
      }
    }
    return t;
  }

  /** Keeps the newest `days` days (day strings sort chronologically). */
  private prune(): void {
    for (const table of [this.keys, this.clients]) {
      const days = Object.keys(table);
      if (days.length <= this.days) continue;
      for (const d of days.sort().slice(0, days.length - this.days)) delete table[d];
    }
  }

  snapshot(): UsageSnapshot {
    return { keys: this.keys, clients: this.clients };
  }

  restore(s: Partial<UsageSnapshot>): void {
    if (s.keys && typeof s.keys === 'object') this.keys = s.keys;
    if (s.clients && typeof s.clients === 'object') this.clients = s.clients;
    this.prune();
  }
}
