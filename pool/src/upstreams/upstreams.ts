// The upstream Workers (or the one in-process direct upstream): their transports, circuit
// breakers and stats, and which upstream serves which key. Each key sticks to one upstream by
// rendezvous hashing over the list, so Google sees each key from one egress; a key moves only
// while its upstream is unavailable, and adding or removing an upstream moves only its own keys.
import { faultCode, fnv1a32 } from '@opengemini/shared';
import { Breaker, type BreakerOptions, type BreakerSnapshot } from './breaker';
import type { Transport } from './transport';

/** The failure Google gives a caller in a place it does not serve ("User location is not supported"). */
export const REGION_BLOCKED = faultCode({ kind: 'upstream', reason: 'region_blocked' });

export interface UpstreamStats {
  requests: number;
  errors: number;
  /** Exponentially weighted average time to response headers (ms). */
  latencyMs: number;
  lastError: string | undefined;
  lastErrorAt: number | undefined;
  /** Its last answer was Google refusing its location (cleared by the next answer that is not). */
  regionBlocked: boolean;
}

export interface UpstreamEvents {
  /** Every upstream is region-blocked now (called once each time that becomes true). */
  allRegionBlocked?(upstreams: readonly Upstream[]): void;
}

export interface Upstream {
  /** Normalised base URL (or `direct`): its identity, safe to log (secrets are kept apart). */
  readonly id: string;
  readonly transport: Transport;
  /** Sent as x-opengemini-secret. */
  readonly secret: string | undefined;
  readonly breaker: Breaker;
  readonly stats: UpstreamStats;
}

export interface UpstreamDef {
  id: string;
  secret: string | undefined;
  transport: () => Transport;
}

export type UpstreamPick = { kind: 'ok'; upstream: Upstream; probe: boolean } | { kind: 'down'; retryAt: number };

export type UpstreamSnapshot = Record<string, BreakerSnapshot>;

/** 32-bit FNV-1a, then a final avalanche (murmur3 fmix) so similar strings score independently. */
function score(text: string): number {
  let h = fnv1a32(text);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class UpstreamSet {
  private list: Upstream[] = [];
  /** Rendezvous order per key fingerprint; cleared whenever the list changes. */
  private order = new Map<string, Upstream[]>();
  /** allRegionBlocked was reported and no upstream has answered since. */
  private allBlockedReported = false;

  constructor(
    private readonly breakerOpts: BreakerOptions,
    private readonly events: UpstreamEvents = {},
  ) {}

  /**
   * Applies a new list. Upstreams still listed keep their transport, breaker and stats; removed
   * ones are returned so the caller can close them once their in-flight requests finish.
   */
  replace(defs: readonly UpstreamDef[]): { added: number; kept: number; removed: Upstream[] } {
    const old = new Map(this.list.map((u) => [u.id, u]));
    const next: Upstream[] = [];
    let added = 0;
    for (const def of defs) {
      const prev = old.get(def.id);
      if (prev && prev.secret === def.secret) {
        next.push(prev);
        old.delete(def.id);
        continue;
      }
      added++;
      next.push({
        id: def.id,
        secret: def.secret,
        transport: def.transport(),
        breaker: new Breaker(this.breakerOpts),
        stats: { requests: 0, errors: 0, latencyMs: 0, lastError: undefined, lastErrorAt: undefined, regionBlocked: false },
      });
    }
    this.list = next;
    this.order.clear();
    this.allBlockedReported = false;
    return { added, kept: next.length - added, removed: [...old.values()] };
  }

  all(): readonly Upstream[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  /** Upstreams ranked for a key: highest rendezvous score first. Stable while the list is. */
  rank(keyFp: string): Upstream[] {
    let ranked = this.order.get(keyFp);
    if (!ranked) {
      ranked = this.list
        .map((u) => ({ u, s: score(`${u.id}\n${keyFp}`) }))
        .sort((a, b) => b.s - a.s || (a.u.id < b.u.id ? -1 : 1))
        .map((x) => x.u);
      if (this.order.size > 10_000) this.order.clear(); // bounded: keys come and go on reloads
      this.order.set(keyFp, ranked);
    }
    return ranked;
  }

  /**
   * The upstream for a key: its first-ranked upstream whose breaker admits a request, skipping
   * those in `exclude` (already failed during this request). `down` carries when the first
   * breaker will admit a probe.
   */
  pick(keyFp: string, exclude: ReadonlySet<string>, now: number): UpstreamPick {
    let retryAt = Infinity;
    for (const u of this.rank(keyFp)) {
      // An excluded upstream still counts for when to come back: now if its breaker is closed.
      const admitted = !exclude.has(u.id) && u.breaker.acquire(now);
      if (admitted) return { kind: 'ok', upstream: u, probe: admitted === 'probe' };
      retryAt = Math.min(retryAt, u.breaker.available(now) ? now : u.breaker.openUntil);
    }
    return { kind: 'down', retryAt: retryAt === Infinity ? now : Math.max(retryAt, now) };
  }

  /** Number of upstreams that would admit a request now. */
  upCount(now: number): number {
    return this.list.filter((u) => u.breaker.available(now)).length;
  }

  recordSuccess(u: Upstream, latencyMs: number): void {
    u.stats.requests++;
    u.stats.latencyMs = u.stats.latencyMs === 0 ? latencyMs : u.stats.latencyMs * 0.8 + latencyMs * 0.2;
    u.breaker.success();
    u.stats.regionBlocked = false;
    this.allBlockedReported = false;
  }

  recordFailure(u: Upstream, reason: string, now: number): void {
    u.stats.requests++;
    u.stats.errors++;
    u.stats.lastError = reason;
    u.stats.lastErrorAt = now;
    u.breaker.failure(now);
    if (reason !== REGION_BLOCKED) return;
    u.stats.regionBlocked = true;
    if (!this.allBlockedReported && this.allRegionBlocked()) {
      this.allBlockedReported = true;
      this.events.allRegionBlocked?.(this.list);
    }
  }

  /** True when there are upstreams and Google refused the location of each on its last answer. */
  allRegionBlocked(): boolean {
    return this.list.length > 0 && this.list.every((u) => u.stats.regionBlocked);
  }

  snapshot(): UpstreamSnapshot {
    const out: UpstreamSnapshot = {};
    for (const u of this.list) if (u.breaker.state !== 'closed' || u.breaker.failures > 0) out[u.id] = u.breaker.snapshot();
    return out;
  }

  restore(s: UpstreamSnapshot): void {
    for (const u of this.list) {
      const saved = s[u.id];
      if (saved) u.breaker.restore(saved);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.list.map((u) => u.transport.close()));
  }
}
