// Daily request budgets per key for each model family (for example pro 50, flash 1500): a key
// that has spent its budget for a family is skipped for that family until midnight Pacific time,
// before Google has to answer with a 429 (repeated 429s get keys suspended). Defaults apply to
// every key; a key can have its own (a paid key with higher limits). What a key spent is read
// from the usage counters, so it survives restarts and matches what the dashboard shows.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../state';
import { MODEL_FAMILIES, type ModelFamily, modelFamily } from '@opengemini/shared';
import type { Gate, KeyBudget, KeyEntry } from './keyring';
import { nextPacificMidnight } from '../accounting';
import type { Usage } from '../accounting';


/** family -> requests per Pacific day. A family left out has no budget. */
export type Limits = Partial<Record<ModelFamily, number>>;

export interface BudgetSettings {
  defaults: Limits;
  /** Key fingerprint -> its own limits (they replace the defaults family by family). */
  perKey: Record<string, Limits>;
}

export const MAX_BUDGET = 1_000_000_000;

/** Model name -> family, remembered: the gate asks for every model of every key it looks at. */
const families = new Map<string, ModelFamily>();

/** The family a model's requests are budgeted under; `*` (model lists, no quota) has none. */
export function budgetFamily(model: string): ModelFamily | undefined {
  if (model === '*') return undefined;
  let f = families.get(model);
  if (f === undefined) {
    if (families.size >= 1_000) families.clear(); // model names come from clients
    families.set(model, (f = modelFamily(model)));
  }
  return f;
}

/** Validates limits from JSON: an object of known families to whole numbers >= 0. */
export function parseLimits(value: unknown, field: string): Limits | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${field} must be an object like {"pro": 50, "flash": 1500}`;
  const out: Limits = {};
  for (const [k, v] of Object.entries(value)) {
    if (!(MODEL_FAMILIES as readonly string[]).includes(k)) return `${field}.${k}: unknown model family (one of ${MODEL_FAMILIES.join(', ')})`;
    if (v === null) continue; // null clears a family
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_BUDGET) return `${field}.${k} must be a whole number from 0 to ${MAX_BUDGET}, or null for no budget`;
    out[k as ModelFamily] = v;
  }
  return out;
}

/** `pro=50,flash=1500` (the KEY_BUDGETS variable) -> limits; a string is the error. */
export function parseLimitsText(text: string): Limits | string {
  const obj: Record<string, number> = {};
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const m = /^\s*([a-z-]+)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m) return `"${part.trim()}" is not family=number`;
    obj[m[1]!] = Number(m[2]);
  }
  return parseLimits(obj, 'KEY_BUDGETS');
}

const noop = () => {};

export class Budgets implements KeyBudget {
  private settings: BudgetSettings = { defaults: {}, perKey: {} };
  /** True when any budget is set (otherwise the gate is not consulted at all); kept with `settings`. */
  private any = false;
  /** Attempts in flight per `fp family`: not in the usage counters yet, but already spending. */
  private readonly inFlight = new Map<string, number>();
  readonly path: string;

  constructor(
    dataDir: string,
    private readonly usage: Usage,
  ) {
    this.path = join(dataDir, 'budgets.json');
  }

  /** Reads budgets.json; without one, `initial` (KEY_BUDGETS) are the defaults. */
  async load(initial: Limits, warn: (m: string) => void): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.apply({ defaults: initial, perKey: {} });
      return;
    }
    const parsed = this.validate(safeJson(text));
    if (typeof parsed === 'string') {
      warn(`${this.path} ignored: ${parsed}`);
      this.apply({ defaults: initial, perKey: {} });
    } else {
      this.apply(parsed);
    }
  }

  /** Checks settings sent by the admin API; a string names the bad field. */
  validate(value: unknown): BudgetSettings | string {
    if (typeof value !== 'object' || value === null) return 'the body must be {"defaults": {...}, "perKey": {...}}';
    const v = value as { defaults?: unknown; perKey?: unknown };
    const defaults = parseLimits(v.defaults ?? {}, 'defaults');
    if (typeof defaults === 'string') return defaults;
    const perKey: Record<string, Limits> = {};
    if (v.perKey !== undefined) {
      if (typeof v.perKey !== 'object' || v.perKey === null || Array.isArray(v.perKey)) return 'perKey must be an object of key fingerprint -> limits';
      for (const [fp, limits] of Object.entries(v.perKey)) {
        const l = parseLimits(limits, `perKey.${fp}`);
        if (typeof l === 'string') return l;
        if (Object.keys(l).length) perKey[fp] = l;
      }
    }
    return { defaults, perKey };
  }

  get(): BudgetSettings {
    return this.settings;
  }

  async set(settings: BudgetSettings): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(settings, null, 2)}\n`);
    this.apply(settings);
  }

  private apply(settings: BudgetSettings): void {
    this.settings = settings;
    this.any = Object.keys(settings.defaults).length > 0 || Object.keys(settings.perKey).length > 0;
  }

  /** True when any budget is set (otherwise the gate is not consulted at all). */
  get active(): boolean {
    return this.any;
  }

  limit(fp: string, family: ModelFamily): number | undefined {
    return this.settings.perKey[fp]?.[family] ?? this.settings.defaults[family];
  }

  /** Requests a key spent today on a family: attempts Gemini did not refuse for quota. */
  spent(fp: string, family: ModelFamily, now: number): number {
    let n = 0;
    for (const [model, c] of Object.entries(this.usage.keyDay(this.usage.dayOf(now), fp))) {
      if (budgetFamily(model) === family) n += c.requests - c.rateLimited;
    }
    return n;
  }

  /**
   * For the keyring: a key whose family budget is spent, counting its attempts in flight, is held
   * back until the next midnight. Without the in-flight ones, concurrent requests all see the
   * last unit of budget free and overshoot it.
   */
  readonly gate: Gate = (entry: KeyEntry, model: string, now: number) => {
    if (!this.active) return undefined;
    const family = budgetFamily(model);
    if (!family) return undefined;
    const limit = this.limit(entry.fp, family);
    if (limit === undefined || this.spent(entry.fp, family, now) + (this.inFlight.get(`${entry.fp} ${family}`) ?? 0) < limit) return undefined;
    return nextPacificMidnight(now);
  };

  /**
   * For the keyring: counts an attempt of `fp` on `model` as in flight from the moment the key is
   * picked; the returned function (idempotent) ends it once the attempt is in the usage counters
   * (or was not counted there because it never reached Gemini).
   */
  readonly reserve = (fp: string, model: string): (() => void) => {
    if (!this.any) return noop;
    const family = budgetFamily(model);
    if (!family || this.limit(fp, family) === undefined) return noop;
    const slot = `${fp} ${family}`;
    this.inFlight.set(slot, (this.inFlight.get(slot) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.inFlight.get(slot) ?? 1) - 1;
      if (n > 0) this.inFlight.set(slot, n);
      else this.inFlight.delete(slot);
    };
  };

  /** Budget use of one key today, for the families that have a budget. */
  use(fp: string, now: number): Partial<Record<ModelFamily, { spent: number; limit: number }>> {
    const out: Partial<Record<ModelFamily, { spent: number; limit: number }>> = {};
    if (!this.active) return out;
    for (const family of MODEL_FAMILIES) {
      const limit = this.limit(fp, family);
      if (limit !== undefined) out[family] = { spent: this.spent(fp, family, now), limit };
    }
    return out;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
