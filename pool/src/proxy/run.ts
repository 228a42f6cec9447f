// The bookkeeping of one request across its attempts: its time budget, the attempts it used,
// the keys and Workers it tried, its last failure, and the log line's facts. No decisions here.
import { type FaultCode, type GiveUp, formatAttempts } from '@opengemini/shared';
import type { Outcome, Tokens } from '../accounting';
import type { KeyEntry } from '../keys';
import type { Decision } from '../policy';
import type { Failure } from './attempt';
import type { PoolContext } from './context';
import type { Sent } from './reply';
import type { ProxyRequest } from './request';
import type { Attempted } from './settle';

const ONE_ANSWERED = formatAttempts({ sent: 1, outcomes: ['ok'] });
const NONE: ReadonlySet<string> = new Set();

/** What the request's log line reports. */
export interface ProxyOutcome extends Sent {
  /** Attempts sent (instant refusals included). */
  attempts: number;
  keyFp: string | undefined;
  upstream: string | undefined;
  /** The fault code of each failed attempt, in order. */
  faults: FaultCode[];
}

/**
 * MAX_ATTEMPTS, or by default min(keys + upstreams, 5): each Worker adds one attempt, so a path
 * fault (which moves the same key to another Worker, or retries the only one after a short
 * backoff) does not use up the attempt another key needed. Instant refusals are not counted.
 */
export function attemptLimit(configured: number, keys: number, upstreams: number): number {
  if (configured > 0) return configured;
  return Math.max(1, Math.min(keys + Math.max(upstreams, 1), 5));
}

export class Run {
  readonly deadline: number;
  readonly maxAttempts: number;
  /** Attempts that count against MAX_ATTEMPTS (slow, uncertain failures and answers). */
  counted = 0;
  /** Every attempt sent; bounded by MAX_ATTEMPTS plus one instant refusal per key. */
  sent = 0;
  /** Made on first use, as is the next: most requests never fail an attempt. */
  private tried: Set<string> | undefined;
  private failedPaths: Set<string> | undefined;

  /** Keys refused or failed during this request (a key cooled down is skipped anyway). */
  get triedKeys(): ReadonlySet<string> {
    return this.tried ?? NONE;
  }

  /** Workers whose path failed during this request. */
  get failedUpstreams(): ReadonlySet<string> {
    return this.failedPaths ?? NONE;
  }

  /** Lets the keys tried be tried again (no other key is usable). */
  forgetTriedKeys(): void {
    this.tried = undefined;
  }

  /** Lets the Workers failed be tried again (only they are left). */
  forgetFailedUpstreams(): void {
    this.failedPaths = undefined;
  }

  /** Times a path fault was retried on a Worker already failed (the only one left). */
  sameWorkerRetries = 0;
  /** A key whose Worker failed: the next attempt takes it again, elsewhere. */
  pinned: KeyEntry | undefined;
  last: Failure | undefined;
  readonly faults: FaultCode[] = [];
  private keyFp: string | undefined;
  private upstream: string | undefined;

  constructor(
    private readonly ctx: PoolContext,
    private readonly pr: ProxyRequest,
  ) {
    const { config, keys, upstreams } = ctx;
    this.deadline = ctx.now() + config.REQUEST_TIMEOUT_MS;
    this.maxAttempts = attemptLimit(config.MAX_ATTEMPTS, keys.size, upstreams.size);
  }

  /** Whether another attempt may be sent. */
  get attemptsLeft(): boolean {
    return this.counted < this.maxAttempts && this.sent < this.maxAttempts + this.ctx.keys.size;
  }

  /** ms left of the request's budget. */
  left(): number {
    return Math.max(0, this.deadline - this.ctx.now());
  }

  /** The time one attempt may take: ATTEMPT_TIMEOUT_MS, within what is left of the budget. */
  attemptTimeout(): number {
    const per = this.ctx.config.ATTEMPT_TIMEOUT_MS;
    return per > 0 ? Math.min(per, this.left()) : this.left();
  }

  started(a: { entry: KeyEntry; upstream: { id: string } }): void {
    this.sent++;
    this.keyFp = a.entry.fp;
    this.upstream = a.upstream.id;
  }

  /** An attempt failed and `d` was decided: remember what the next attempt must avoid. */
  failed(a: Attempted, f: Failure, d: Decision): void {
    if (!d.instant) this.counted++;
    this.last = f;
    this.faults.push(d.code);
    if (d.retry === 'same_key_elsewhere') {
      (this.failedPaths ??= new Set()).add(a.upstream.id);
      this.pinned = a.entry;
    } else {
      (this.tried ??= new Set()).add(a.entry.fp);
    }
  }

  /** The x-opengemini-attempts header: what each attempt met (`ok` last when `answered`), and why the loop gave up. */
  trail(answered: boolean, end?: GiveUp): string {
    // Most requests: one attempt, answered.
    if (answered && this.sent === 1 && this.faults.length === 0) return ONE_ANSWERED;
    return formatAttempts({ sent: this.sent, outcomes: answered ? [...this.faults, 'ok'] : this.faults, end });
  }

  /** The request is over: count it for its client key and make the log line's facts. */
  end(sent: Sent): ProxyOutcome {
    const outcome: Outcome = sent.status >= 200 && sent.status < 400 ? 'ok' : sent.status === 429 ? 'rate_limited' : 'error';
    this.ctx.usage.recordClient(this.ctx.now(), this.pr.clientFp, this.pr.model, outcome, sent.tokens);
    this.ctx.state.schedule();
    // Not `{ ...sent, attempts, … }`: V8 adds each property after a spread the slow way (3.9 us here).
    return Object.assign({}, sent, { attempts: this.sent, keyFp: this.keyFp, upstream: this.upstream, faults: this.faults });
  }
}

export type { Tokens };
