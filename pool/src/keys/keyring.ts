// The keys and their health: per (key, model) cooldowns, disabled keys with their reason, and the
// selection policy (round robin over healthy keys, ties toward the fewest in flight), and the
// leases of keys in use (its own in-flight counters, and the daily budgets' reservations). It
// knows nothing of HTTP or retries: the attempt loop leases a key, and settle.ts reports back.
import { fingerprint } from '@opengemini/shared';
import { holdKeys, scrubHeldKeys } from './held-keys';

export interface Cooldown {
  /** Epoch ms when the (key, model) may be used again. */
  until: number;
  /** Why, as the contract names it: `quota_per_minute`, `quota_per_day`, `gemini_unavailable`... */
  reason: string;
  /** The upstream's own message (already scrubbed of keys), for the operator to read. */
  message?: string;
}

export interface Disabled {
  /** A fault code (`key_invalid`, `key_leaked`...) or `operator` when disabled by hand. */
  reason: string;
  /** The upstream's own message, already scrubbed of keys. */
  message: string;
  at: number;
}

export interface KeyEntry {
  readonly key: string;
  readonly fp: string;
  /** Position in key.txt: the round-robin order. */
  index: number;
  disabled: Disabled | undefined;
  readonly cooldowns: Map<string, Cooldown>;
  inFlight: number;
  /** False once the key left key.txt: in-flight requests finish, no new ones start. */
  active: boolean;
  /** When an attempt last went out with this key (epoch ms). */
  lastUsed: number | undefined;
}

/**
 * A further reason to skip a key for a model (the daily budgets): the instant it may serve that
 * model again, or undefined when it may now. Treated like a cooldown by `pick` and `firstFree`.
 */
export type Gate = (entry: KeyEntry, model: string, now: number) => number | undefined;

export type Pick =
  | { kind: 'ok'; entry: KeyEntry }
  /** Every usable key is cooling down for this model; the first frees up at `retryAt`. */
  | { kind: 'cooling'; retryAt: number }
  /** No key can serve: all disabled, already tried by this request, or none loaded. */
  | { kind: 'none' };

/** Daily budgets as the keyring consults them (budgets.ts): a gate, and a reservation per lease. */
export interface KeyBudget {
  gate: Gate;
  /** Counts an attempt against (key, model family) while it is in flight; returns its end. */
  reserve(fp: string, model: string): () => void;
}

/** A key in use by one attempt: `release()` (idempotent) ends it. */
export interface Lease {
  readonly entry: KeyEntry;
  release(): void;
}

/** What survives a restart, keyed by fingerprint (the state file never holds a key). */
export interface KeyringSnapshot {
  /** `removedAt`: the key is no longer listed; its state waits RETAIN_REMOVED_MS for it to return. */
  [fp: string]: { disabled?: Disabled; cooldowns?: Record<string, Cooldown>; lastUsed?: number; removedAt?: number };
}

/** After this long without an overloaded answer, a model's row of them starts again. */
export const OVERLOAD_QUIET_MS = 30_000;

/** How long the state of a removed key is kept, so a key removed and added back keeps its flag. */
export const RETAIN_REMOVED_MS = 7 * 24 * 3600_000;

interface Retired {
  disabled: Disabled | undefined;
  cooldowns: Map<string, Cooldown>;
  lastUsed: number | undefined;
  removedAt: number;
}

export class KeyRing {
  private entries: KeyEntry[] = [];
  private byFp = new Map<string, KeyEntry>();
  private cursor = 0;
  /** Removed keys' disabled flag and cooldowns, by fingerprint (never the key itself). */
  private readonly retired = new Map<string, Retired>();
  /** The daily budgets, once loaded (none: no key is held back by a budget). */
  private budget: KeyBudget | undefined;
  /** Per model, not per key: overloaded answers in a row and when the last came (epoch ms). */
  private readonly overload = new Map<string, { streak: number; at: number }>();

  constructor(keys: readonly string[] = []) {
    this.replace(keys);
  }

  /**
   * Applies a new key list (start-up or reload). Unchanged keys keep their entry, so their
   * cooldowns, disabled flag and in-flight count survive; removed keys are marked inactive and
   * their state is kept RETAIN_REMOVED_MS, given back if they are listed again.
   */
  replace(keys: readonly string[], now = Date.now()): { added: number; removed: number; kept: number } {
    this.pruneRetired(now);
    holdKeys(keys);
    const next: KeyEntry[] = [];
    const nextByFp = new Map<string, KeyEntry>();
    let added = 0;
    let kept = 0;
    for (const key of keys) {
      const fp = fingerprint(key);
      const old = this.byFp.get(fp);
      const entry: KeyEntry =
        old && old.key === key ? old : { key, fp, index: 0, disabled: undefined, cooldowns: new Map(), inFlight: 0, active: true, lastUsed: undefined };
      if (entry === old) kept++;
      else {
        added++;
        const back = this.retired.get(fp);
        if (back) {
          this.retired.delete(fp);
          entry.disabled = back.disabled;
          for (const [model, c] of back.cooldowns) entry.cooldowns.set(model, c);
          entry.lastUsed = back.lastUsed;
        }
      }
      entry.index = next.length;
      next.push(entry);
      nextByFp.set(fp, entry);
    }
    let removed = 0;
    for (const old of this.entries) {
      if (nextByFp.get(old.fp) !== old) {
        old.active = false;
        removed++;
        if (!nextByFp.has(old.fp) && (old.disabled || old.cooldowns.size)) {
          this.retired.set(old.fp, { disabled: old.disabled, cooldowns: new Map(old.cooldowns), lastUsed: old.lastUsed, removedAt: now });
        }
      }
    }
    this.entries = next;
    this.byFp = nextByFp;
    this.cursor = next.length ? this.cursor % next.length : 0;
    return { added, removed, kept };
  }

  /** Makes `pick` and `firstFree` honour the daily budgets, and leases reserve budget. */
  useBudget(budget: KeyBudget | undefined): void {
    this.budget = budget;
  }

  /**
   * Takes `entry` for one attempt on `model`: counted in flight (and against its budget) from
   * now, synchronously with the pick, so no other request sees the budget before this counts.
   */
  lease(entry: KeyEntry, model: string, now: number): Lease {
    entry.inFlight++;
    entry.lastUsed = now;
    const unreserve = this.budget?.reserve(entry.fp, model);
    let released = false;
    return {
      entry,
      release() {
        if (released) return;
        released = true;
        entry.inFlight--;
        unreserve?.();
      },
    };
  }

  /**
   * Notes an overloaded answer (Gemini 503) for `model`, a signal about the model and not about
   * the key; returns how many came in a row (a quiet OVERLOAD_QUIET_MS starts a new row).
   */
  overloaded(model: string, now: number): number {
    const o = this.overload.get(model);
    const streak = o && now - o.at < OVERLOAD_QUIET_MS ? o.streak + 1 : 1;
    if (this.overload.size >= 1_000 && !o) this.overload.clear(); // model names come from clients
    this.overload.set(model, { streak, at: now });
    return streak;
  }

  /** `model` answered: its overload row ends. */
  answered(model: string): void {
    if (this.overload.size) this.overload.delete(model);
  }

  get size(): number {
    return this.entries.length;
  }

  all(): readonly KeyEntry[] {
    return this.entries;
  }

  get(fp: string): KeyEntry | undefined {
    return this.byFp.get(fp);
  }

  /** The cooldown in force for (entry, model) at `now`, if any. Expired ones are dropped. */
  cooldownOf(entry: KeyEntry, model: string, now: number): Cooldown | undefined {
    const c = entry.cooldowns.get(model);
    if (c && c.until <= now) {
      entry.cooldowns.delete(model);
      return undefined;
    }
    return c;
  }

  /**
   * Picks a key for `model`, skipping disabled keys, keys cooling down for that model and keys in
   * `exclude` (already tried by this request). Walks the ring from the cursor and takes the key
   * with the fewest requests in flight, the earliest in ring order on ties; the cursor then moves
   * past it, so at rest traffic rotates over every key instead of sticking to the first one.
   * `only`: the one key that may serve (a request bound to the key of its files, file-keys.ts).
   */
  pick(model: string, exclude: ReadonlySet<string>, now: number, only?: string): Pick {
    const gate = this.budget?.gate;
    const n = this.entries.length;
    let best: KeyEntry | undefined;
    let firstFree = Infinity;
    for (let i = 0; i < n; i++) {
      const e = this.entries[(this.cursor + i) % n]!;
      if (e.disabled || exclude.has(e.fp) || (only !== undefined && e.fp !== only)) continue;
      const c = this.cooldownOf(e, model, now);
      const until = c ? c.until : gate?.(e, model, now);
      if (until !== undefined) {
        if (until < firstFree) firstFree = until;
        continue;
      }
      if (!best || e.inFlight < best.inFlight) {
        best = e;
        if (e.inFlight === 0) break; // nobody can beat zero: stop scanning
      }
    }
    if (best) {
      this.cursor = (best.index + 1) % n;
      return { kind: 'ok', entry: best };
    }
    return firstFree === Infinity ? { kind: 'none' } : { kind: 'cooling', retryAt: firstFree };
  }

  /**
   * When every key that is not disabled is cooling down for `model`: the instant the first one
   * frees up. Undefined when some key is usable now, or when no key is enabled at all.
   * `budgets: false` looks at cooldowns alone (to tell a spent budget from a cooldown).
   */
  firstFree(model: string, now: number, budgets = true, only?: string): number | undefined {
    const gate = budgets ? this.budget?.gate : undefined;
    let first = Infinity;
    for (const e of this.entries) {
      if (e.disabled || (only !== undefined && e.fp !== only)) continue;
      const until = this.cooldownOf(e, model, now)?.until ?? gate?.(e, model, now);
      if (until === undefined) return undefined;
      if (until < first) first = until;
    }
    return first === Infinity ? undefined : first;
  }

  /** Cools (key, model) down until `until`; a longer cooldown already in force is kept. */
  cooldown(entry: KeyEntry, model: string, until: number, reason: string, message?: string): void {
    const c = entry.cooldowns.get(model);
    if (!c || c.until < until) entry.cooldowns.set(model, message ? { until, reason, message: scrubHeldKeys(message) } : { until, reason });
  }

  /** Ends the cooldowns of one key: for one model, or all. Returns how many ended. */
  clearCooldowns(entry: KeyEntry, model?: string): number {
    if (model === undefined) {
      const n = entry.cooldowns.size;
      entry.cooldowns.clear();
      return n;
    }
    return entry.cooldowns.delete(model) ? 1 : 0;
  }

  disable(entry: KeyEntry, reason: string, message: string, now: number): void {
    // Scrubbed here, where it is kept: /status, /admin/keys and state.json all read it from here.
    entry.disabled = { reason, message: scrubHeldKeys(message), at: now };
  }

  enable(entry: KeyEntry): boolean {
    const was = entry.disabled !== undefined;
    entry.disabled = undefined;
    return was;
  }

  /** Clears cooldowns and the disabled flag of one key (by fingerprint) or all. False if unknown. */
  reset(fp?: string): boolean {
    const targets = fp === undefined ? this.entries : [this.byFp.get(fp)].filter((e): e is KeyEntry => !!e);
    for (const e of targets) {
      e.disabled = undefined;
      e.cooldowns.clear();
    }
    return fp === undefined || targets.length > 0;
  }

  /** Counts for /health: available means usable for at least one model right now. */
  counts(now: number): { total: number; available: number; cooling: number; disabled: number } {
    let disabled = 0;
    let cooling = 0;
    for (const e of this.entries) {
      if (e.disabled) disabled++;
      else if ([...e.cooldowns.values()].some((c) => c.until > now)) cooling++;
    }
    return { total: this.entries.length, available: this.entries.length - disabled - cooling, cooling, disabled };
  }

  private pruneRetired(now: number): void {
    for (const [fp, r] of this.retired) if (now - r.removedAt > RETAIN_REMOVED_MS) this.retired.delete(fp);
  }

  snapshot(now: number): KeyringSnapshot {
    const out: KeyringSnapshot = {};
    this.pruneRetired(now);
    for (const [fp, r] of this.retired) {
      const cooldowns: Record<string, Cooldown> = {};
      for (const [model, c] of r.cooldowns) if (c.until > now) cooldowns[model] = c;
      if (!r.disabled && Object.keys(cooldowns).length === 0) continue;
      const saved: KeyringSnapshot[string] = { cooldowns, removedAt: r.removedAt };
      if (r.disabled) saved.disabled = r.disabled;
      if (r.lastUsed !== undefined) saved.lastUsed = r.lastUsed;
      out[fp] = saved;
    }
    for (const e of this.entries) {
      const cooldowns: Record<string, Cooldown> = {};
      for (const [model, c] of e.cooldowns) if (c.until > now) cooldowns[model] = c;
      if (!e.disabled && Object.keys(cooldowns).length === 0 && e.lastUsed === undefined) continue;
      const saved: KeyringSnapshot[string] = { cooldowns };
      if (e.disabled) saved.disabled = e.disabled;
      if (e.lastUsed !== undefined) saved.lastUsed = e.lastUsed;
      out[e.fp] = saved;
    }
    return out;
  }

  /**
   * Restores saved health onto the keys present now; the state of keys no longer listed waits
   * (RETAIN_REMOVED_MS from their removal) for them to be listed again.
   */
  restore(snapshot: KeyringSnapshot, now: number): void {
    for (const [fp, saved] of Object.entries(snapshot)) {
      const e = this.byFp.get(fp);
      if (!e) {
        const removedAt = typeof saved.removedAt === 'number' ? saved.removedAt : now;
        const cooldowns = new Map(Object.entries(saved.cooldowns ?? {}).filter(([, c]) => c.until > now));
        if ((saved.disabled || cooldowns.size) && now - removedAt <= RETAIN_REMOVED_MS) {
          this.retired.set(fp, { disabled: saved.disabled, cooldowns, lastUsed: typeof saved.lastUsed === 'number' ? saved.lastUsed : undefined, removedAt });
        }
        continue;
      }
      // A state file written before literal scrubbing may hold a key in a message: cleaned on the way in.
      if (saved.disabled) e.disabled = { ...saved.disabled, message: scrubHeldKeys(String(saved.disabled.message ?? '')) };
      if (typeof saved.lastUsed === 'number') e.lastUsed = saved.lastUsed;
      for (const [model, c] of Object.entries(saved.cooldowns ?? {})) if (c.until > now) e.cooldowns.set(model, c.message ? { ...c, message: scrubHeldKeys(c.message) } : c);
    }
  }
}
