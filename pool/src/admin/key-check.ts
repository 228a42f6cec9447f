// Checking keys with a cheap probe: a models list (GET /v1beta/models?pageSize=1), which costs
// no generation quota, sent with the key through its own upstream. A key the probe finds dead is
// disabled with Google's reason; a key that was disabled automatically and now answers is
// enabled again (never one the operator disabled). Probes run with bounded concurrency as one job
// at a time, whose progress the dashboard polls.
import type { ErrorCode } from '@opengemini/shared';
import { type PoolContext, attempt, decideFor, messageOf, settleAnswer, settleFailure } from '../proxy';
import type { KeyEntry } from '../keys';
import { DIRECT_ID, regionWarning, type Upstream } from '../upstreams';

export type CheckOutcome = 'ok' | 'enabled' | 'disabled' | 'quota' | 'upstream_error' | 'error';

export interface CheckResult {
  key: string;
  outcome: CheckOutcome;
  /** HTTP status of the probe, when there was one. */
  status?: number;
  /** The fault code (`key_invalid`, `quota_per_minute`, `upstream_timeout`...). */
  code?: ErrorCode;
  /** Google's message (scrubbed), for failures. */
  message?: string;
  ms: number;
}

export interface CheckJob {
  id: number;
  startedAt: string;
  finishedAt?: string;
  running: boolean;
  total: number;
  done: number;
  counts: Record<CheckOutcome, number>;
  results: CheckResult[];
  /** Set when the job ends with every upstream region-blocked: then no key can work, whatever its state. */
  warning?: string;
}

export const PROBE_PATH = '/v1beta/models?pageSize=1';
const PROBE_TIMEOUT_MS = 20_000;

/** The operator's own disable is not undone by a probe; automatic ones (key_*) are. */
export const disabledAutomatically = (e: KeyEntry) => e.disabled !== undefined && e.disabled.reason.startsWith('key_');

/**
 * Probes one key through its own Worker, with the attempt loop's own parts: one attempt, read the
 * way every answer is read, and what it found settled as any request's would be (a dead key
 * disabled, a quota cooled down, a failed Worker counted), except that a probe's success gives an
 * automatically disabled key back. `through`: that Worker instead of the key's own (the start-up
 * check asks every Worker), when its breaker admits a request.
 */
export async function probeKey(ctx: PoolContext, entry: KeyEntry, through?: Upstream): Promise<CheckResult> {
  const started = ctx.now();
  const done = (r: Omit<CheckResult, 'key' | 'ms'>): CheckResult => ({ key: entry.fp, ...r, ms: ctx.now() - started });
  let upstream: Upstream;
  if (through) {
    if (!through.breaker.acquire(started)) return done({ outcome: 'upstream_error', code: 'all_upstreams_down', message: 'its circuit breaker is open' });
    upstream = through;
  } else {
    const pick = ctx.upstreams.pick(entry.fp, new Set(), started);
    if (pick.kind === 'down') return done({ outcome: 'upstream_error', code: 'all_upstreams_down', message: 'every upstream is down' });
    upstream = pick.upstream;
  }
  const headers: Record<string, string> = { 'x-goog-api-key': entry.key };
  if (upstream.secret) headers['x-opengemini-secret'] = upstream.secret;
  const result = await attempt({ transport: upstream.transport, request: { method: 'GET', path: PROBE_PATH, headers, body: undefined }, stream: false, expect: 'json', timeoutMs: PROBE_TIMEOUT_MS });
  const a = { entry, upstream, model: '*', latencyMs: ctx.now() - started };
  if (result.kind === 'whole') {
    settleAnswer(ctx, a);
    if (disabledAutomatically(entry)) {
      ctx.keys.enable(entry);
      return done({ outcome: 'enabled', status: result.status });
    }
    return done({ outcome: 'ok', status: result.status });
  }
  if (result.kind !== 'failure') return done({ outcome: 'error', message: 'cancelled' });
  const { fault, status, body } = result.failure;
  const d = decideFor(ctx, fault, a.model, 1);
  const message = messageOf(body);
  settleFailure(ctx, a, d, message);
  const outcome: CheckOutcome = fault.kind === 'key' ? 'disabled' : fault.kind === 'quota' ? 'quota' : fault.kind === 'upstream' ? 'upstream_error' : 'error';
  return done({ outcome, status, code: d.code, message });
}

const zeroCounts = (): Record<CheckOutcome, number> => ({ ok: 0, enabled: 0, disabled: 0, quota: 0, upstream_error: 0, error: 0 });

export class KeyChecker {
  private current: CheckJob | undefined;
  private seq = 0;

  constructor(
    private readonly ctx: PoolContext,
    private readonly concurrency: number,
    private readonly onChange: () => void,
  ) {}

  get job(): CheckJob | undefined {
    return this.current;
  }

  /** Starts a job over `entries`; undefined when one is already running. */
  start(entries: readonly KeyEntry[]): CheckJob | undefined {
    if (this.current?.running) return undefined;
    const job: CheckJob = { id: ++this.seq, startedAt: new Date(this.ctx.now()).toISOString(), running: true, total: entries.length, done: 0, counts: zeroCounts(), results: [] };
    this.current = job;
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const entry = entries[next++]!;
        const r = entry.active ? await probeKey(this.ctx, entry).catch((err: Error) => ({ key: entry.fp, outcome: 'error' as const, message: err.message, ms: 0 })) : { key: entry.fp, outcome: 'error' as const, message: 'the key left key.txt', ms: 0 };
        job.results.push(r);
        job.counts[r.outcome]++;
        job.done++;
      }
    };
    void Promise.all(Array.from({ length: Math.min(this.concurrency, entries.length) }, worker)).then(() => {
      job.running = false;
      job.finishedAt = new Date(this.ctx.now()).toISOString();
      const warning = regionWarning(this.ctx.upstreams, DIRECT_ID);
      if (warning) job.warning = warning;
      this.onChange();
    });
    if (entries.length === 0) {
      job.running = false;
      job.finishedAt = job.startedAt;
    }
    return job;
  }
}
