// Checking keys with a cheap probe: a models list (GET /v1beta/models?pageSize=1), which costs
// no generation quota, sent with the key through its own upstream. A key the probe finds dead is
// disabled with Google's reason; a key that was disabled automatically and now answers is
// enabled again (never one the operator disabled). Probes run with bounded concurrency as one job
// at a time, whose progress the dashboard polls.
import { decodeFault, faultCode } from '@opengemini/shared';
import type { ForwardContext } from '../proxy';
import { messageOf } from '../proxy';
import type { KeyEntry } from '../keys';
import { readAll } from '../proxy';

export type CheckOutcome = 'ok' | 'enabled' | 'disabled' | 'quota' | 'upstream_error' | 'error';

export interface CheckResult {
  key: string;
  outcome: CheckOutcome;
  /** HTTP status of the probe, when there was one. */
  status?: number;
  /** The fault code (`key_invalid`, `quota_per_minute`, `upstream_timeout`...). */
  code?: string;
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
}

export const PROBE_PATH = '/v1beta/models?pageSize=1';
const PROBE_TIMEOUT_MS = 20_000;

/** The operator's own disable is not undone by a probe; automatic ones (key_*) are. */
export const disabledAutomatically = (e: KeyEntry) => e.disabled !== undefined && e.disabled.reason.startsWith('key_');

export async function probeKey(ctx: ForwardContext, entry: KeyEntry): Promise<CheckResult> {
  const started = ctx.now();
  const done = (r: Omit<CheckResult, 'key' | 'ms'>): CheckResult => ({ key: entry.fp, ...r, ms: ctx.now() - started });
  const pick = ctx.upstreams.pick(entry.fp, new Set(), started);
  if (pick.kind === 'down') return done({ outcome: 'upstream_error', code: 'all_upstreams_down', message: 'every upstream is down' });
  const up = pick.upstream;
  const headers: Record<string, string> = { 'x-goog-api-key': entry.key };
  if (up.secret) headers['x-opengemini-secret'] = up.secret;
  let status: number;
  let body: Buffer;
  let replyHeaders;
  try {
    const reply = await up.transport.send({ method: 'GET', path: PROBE_PATH, headers, body: undefined, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    status = reply.status;
    replyHeaders = reply.headers;
    body = await readAll(reply.body, 1 << 20);
  } catch (err) {
    ctx.upstreams.recordFailure(up, 'upstream_network', ctx.now());
    return done({ outcome: 'upstream_error', code: 'upstream_network', message: (err as Error).message.slice(0, 300) });
  }
  const now = ctx.now();
  if (status >= 200 && status < 300) {
    ctx.upstreams.recordSuccess(up, now - started);
    if (disabledAutomatically(entry)) {
      entry.disabled = undefined;
      return done({ outcome: 'enabled', status });
    }
    return done({ outcome: 'ok', status });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const fault = decodeFault(status, replyHeaders, parsed);
  const code = faultCode(fault);
  const message = messageOf(body);
  switch (fault.kind) {
    case 'key':
      ctx.upstreams.recordSuccess(up, now - started);
      if (!entry.disabled || disabledAutomatically(entry)) ctx.keys.disable(entry, code, message, now);
      ctx.metrics?.keyEvent(entry.fp, 'disabled', code);
      return done({ outcome: 'disabled', status, code, message });
    case 'quota':
      ctx.upstreams.recordSuccess(up, now - started);
      return done({ outcome: 'quota', status, code, message });
    case 'upstream':
      ctx.upstreams.recordFailure(up, code, now);
      return done({ outcome: 'upstream_error', status, code, message });
    default:
      ctx.upstreams.recordSuccess(up, now - started);
      return done({ outcome: 'error', status, code, message });
  }
}

const zeroCounts = (): Record<CheckOutcome, number> => ({ ok: 0, enabled: 0, disabled: 0, quota: 0, upstream_error: 0, error: 0 });

export class KeyChecker {
  private current: CheckJob | undefined;
  private seq = 0;

  constructor(
    private readonly ctx: ForwardContext,
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
      this.onChange();
    });
    if (entries.length === 0) {
      job.running = false;
      job.finishedAt = job.startedAt;
    }
    return job;
  }
}
