// The attempt loop, the one place that knows when an answer is committed:
//   pick a key -> pick its upstream -> send -> classify by the contract -> retry or answer.
// One time budget per request across all attempts; each attempt uses another key or another
// upstream; nothing is retried once a byte has reached the client. Streams are peeked (status,
// headers and first chunk) before committing, then pumped chunk by chunk.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Fault, decodeFault, faultStatus } from '@opengemini/shared';
import type { Config } from '../config';
import { type Dialect, type PoolError, errorBody, errorEvent, errorHeaders } from '../http';
import { type FileKeys, type Gate, type KeyEntry, type KeyRing, onlyKeyGate, scrubHeldKeys } from '../keys';
import type { PoolMetrics } from '../accounting';
import { nextPacificMidnight } from '../accounting';
import { ErrorEventScanner, StreamScrubber, findErrorEvent, pump, readAll, readFirstEvent, scrubChunk } from './relay';
import { type Decision, decide } from '../policy';
import { Cancel, type HeaderGetter, isTimeoutError, type UpstreamReply } from '../upstreams';
import type { Upstream, UpstreamSet } from '../upstreams';
import { type Outcome, Usage } from '../accounting';
import { scanUsage, type Tokens } from '../accounting';

export interface ForwardContext {
  config: Config;
  keys: KeyRing;
  upstreams: UpstreamSet;
  usage: Usage;
  state: { schedule(): void; flushNow(): Promise<void> };
  now(): number;
  random(): number;
  /** Counters for GET /metrics (absent in tests that do not look). */
  metrics?: PoolMetrics;
  /** Skips keys that spent their daily budget for a model's family (budgets.ts). */
  gate?: Gate;
  /** Counts an attempt against the key's budget while in flight; returns its end (budgets.ts). */
  reserve?: (fp: string, model: string) => () => void;
  /** Which key each uploaded Gemini file belongs to (keys/file-keys.ts). */
  files?: FileKeys;
}

export interface ForwardRequest {
  dialect: Dialect;
  method: string;
  /** Upstream path and query, the client's key already removed. */
  path: string;
  body: Buffer | undefined;
  /** Client headers worth passing on (content-type, accept, x-goog-*). */
  headers: Record<string, string>;
  /** The model (for cooldowns and usage); `*` for calls that are not about one model. */
  model: string;
  stream: boolean;
  clientFp: string;
  /** Sees a buffered successful answer (the models cache). */
  onBody?: (status: number, contentType: string, body: Buffer) => void;
  /** Extra headers of a buffered successful answer to pass back (the upload protocol's). */
  replyHeaders?: (upstream: HeaderGetter) => Record<string, string>;
  /** The only key this request may use: the Gemini files it names belong to it (file-keys.ts). */
  keyFp?: string;
}

/** What the request log line reports. */
export interface ForwardResult {
  status: number;
  attempts: number;
  keyFp: string | undefined;
  upstream: string | undefined;
  code: string | undefined;
  tokens: Tokens | undefined;
  /** The fault code of each failed attempt, in order (for the log line). */
  faults: string[];
}

/** A failed attempt whose answer may become the final one. */
interface Failure {
  status: number;
  contentType: string | null;
  body: Buffer;
  fault: Fault;
  decision: Decision;
}

const ERROR_BODY_LIMIT = 1 << 20;
const BODY_LIMIT = 256 << 20;
const NO_HEADERS: HeaderGetter = { get: () => null };
const CLIENT_GONE = Symbol('client gone');
const ignore = () => {};
const BUDGET = Symbol('budget');

/**
 * MAX_ATTEMPTS, or by default min(keys + upstreams - 1, 5): with one upstream that is the
 * issue's min(keys, 5); each further upstream adds one attempt, so a failed upstream (which
 * moves the same key elsewhere) does not use up the attempt another key needed.
 */
export function attemptLimit(configured: number, keys: number, upstreams: number): number {
  if (configured > 0) return configured;
  return Math.max(1, Math.min(keys + Math.max(upstreams, 1) - 1, 5));
}

/** Waits `ms`, or less if the client leaves meanwhile. */
function sleep(ms: number, client: Cancel): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || client.cancelled) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      client.onCancel(undefined);
      resolve();
    }
    client.onCancel(done);
  });
}

/** How much of an upstream's answer is read: a success whole, an error only to report it. */
const wholeLimit = (status: number): number => (status >= 200 && status < 300 ? BODY_LIMIT : ERROR_BODY_LIMIT);

function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The upstream's error message for /status: error.message of either envelope, else the text. */
export function messageOf(body: Buffer): string {
  const parsed = parseJson(body) as { error?: { message?: unknown } } | { error?: { message?: unknown } }[] | undefined;
  const env = Array.isArray(parsed) ? parsed[0] : parsed;
  const m = env?.error?.message;
  // Scrub first, then cut: a cut through a key would leave a piece the scrubber cannot see.
  return (typeof m === 'string' ? scrubHeldKeys(m) : scrubHeldKeys(body.toString('utf8')).slice(0, 300)).slice(0, 500);
}

export async function forward(ctx: ForwardContext, fr: ForwardRequest, req: IncomingMessage, res: ServerResponse): Promise<ForwardResult> {
  // Bound to a file's key: that key alone is eligible, through the usual choice and its answers.
  if (fr.keyFp !== undefined) ctx = { ...ctx, gate: onlyKeyGate(fr.keyFp, ctx.gate) };
  const { config, keys, upstreams } = ctx;
  const start = ctx.now();
  const deadline = start + config.REQUEST_TIMEOUT_MS;
  const maxAttempts = attemptLimit(config.MAX_ATTEMPTS, keys.size, upstreams.size);
  const triedKeys = new Set<string>();
  const failedUpstreams = new Set<string>();
  const result: ForwardResult = { status: 0, attempts: 0, keyFp: undefined, upstream: undefined, code: undefined, tokens: undefined, faults: [] };
  let pinned: KeyEntry | undefined;
  let last: Failure | undefined;

  // The client hanging up cancels whatever is in flight (an attempt or a back-off), at once.
  const client = new Cancel();
  const onClientClose = () => {
    if (!res.writableFinished) client.cancel(CLIENT_GONE);
  };
  res.once('close', onClientClose);
  req.once('aborted', onClientClose);

  const finish = (r: Partial<ForwardResult>): ForwardResult => {
    res.off('close', onClientClose);
    req.off('aborted', onClientClose);
    Object.assign(result, r);
    const outcome: Outcome = result.status >= 200 && result.status < 400 ? 'ok' : result.status === 429 ? 'rate_limited' : 'error';
    ctx.usage.recordClient(ctx.now(), fr.clientFp, fr.model, outcome, result.tokens);
    ctx.state.schedule();
    return result;
  };

  const answerPoolError = (e: PoolError): ForwardResult => {
    if (!res.headersSent && !res.destroyed) res.writeHead(e.status, errorHeaders(e)).end(errorBody(fr.dialect, e));
    return finish({ status: e.status, code: e.code });
  };

  const answerFailure = (f: Failure): ForwardResult => {
    const parsed = parseJson(f.body);
    if (parsed === undefined) {
      // Not an envelope (a proxy's HTML page, a dropped connection): say what happened in ours.
      const text = f.body.length ? `: ${scrubHeldKeys(f.body.toString('utf8')).slice(0, 300)}` : '';
      return answerPoolError({ status: f.status, type: 'server_error', code: f.decision.code, message: `The upstream failed (${f.decision.code})${text}` });
    }
    const headers: Record<string, string> = { 'content-type': f.contentType ?? 'application/json' };
    if (f.fault.kind === 'quota' && f.fault.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(f.fault.retryAfterMs / 1000)));
    if (!res.headersSent && !res.destroyed) res.writeHead(f.status, headers).end(scrubChunk(f.body));
    return finish({ status: f.status, code: f.decision.code });
  };

  /** Applies a decision to the key, the upstream and the counters. */
  const apply = (entry: KeyEntry, up: Upstream, d: Decision, latency: number, message: string, committed = false): void => {
    const now = ctx.now();
    if (!committed) ctx.metrics?.attempt(entry.fp, up.id, fr.model, d.code, latency);
    if (d.key.action !== 'none') ctx.metrics?.keyEvent(entry.fp, d.key.action === 'disable' ? 'disabled' : 'cooldown', d.code);
    switch (d.key.action) {
      case 'cooldown':
        keys.cooldown(entry, fr.model, now + d.key.ms, d.code, message);
        break;
      case 'spent_for_day':
        keys.cooldown(entry, fr.model, nextPacificMidnight(now), d.code, message);
        void ctx.state.flushNow();
        break;
      case 'disable':
        keys.disable(entry, d.code, message, now);
        void ctx.state.flushNow(); // a disabled flag is never lost to a crash
        break;
      case 'none':
        break;
    }
    // After commit the upstream's success was already counted; only a failure still matters.
    if (d.upstream === 'fail') upstreams.recordFailure(up, d.code, now);
    else if (!committed) upstreams.recordSuccess(up, latency);
    // The path to Gemini failed (not a timeout, which may have reached it): the key spent nothing.
    if (!committed && d.code.startsWith('upstream_') && d.code !== 'upstream_timeout') return;
    ctx.usage.recordKey(now, entry.fp, fr.model, d.code.startsWith('quota_') ? 'rate_limited' : 'error');
  };

  while (true) {
    if (client.cancelled) return finish({ status: 499, code: 'client_closed' });
    const now = ctx.now();
    if (result.attempts >= maxAttempts) break;
    if (now >= deadline) {
      return answerPoolError({ status: 504, type: 'server_error', code: 'upstream_timeout', message: `No answer within REQUEST_TIMEOUT_MS (${config.REQUEST_TIMEOUT_MS} ms) after ${result.attempts} attempt(s).` });
    }

    // 1. A key: the pinned one (its upstream failed, it did not), else the next healthy one.
    let entry: KeyEntry;
    if (pinned && pinned.active && !pinned.disabled) {
      entry = pinned;
    } else {
      const p = keys.pick(fr.model, triedKeys, now, ctx.gate);
      if (p.kind !== 'ok') return answerNoKey(ctx, fr, last, answerFailure, answerPoolError);
      entry = p.entry;
    }
    pinned = undefined;

    // 2. Its upstream: the sticky one unless down or already failed for this request.
    const up = upstreams.pick(entry.fp, failedUpstreams, now);
    if (up.kind === 'down') {
      if (last && last.fault.kind !== 'upstream') return answerNoKey(ctx, fr, last, answerFailure, answerPoolError);
      return answerPoolError({
        status: 503,
        type: 'server_error',
        code: 'all_upstreams_down',
        retryAfterMs: up.retryAt - now,
        message: `Every upstream is down (${upstreams.size} configured${last ? `; last error: ${last.decision.code}` : ''}); the next probe is in ${Math.max(1, Math.ceil((up.retryAt - now) / 1000))} s.`,
      });
    }
    const upstream = up.upstream;
    result.attempts++;
    result.keyFp = entry.fp;
    result.upstream = upstream.id;

    // 3. Send, within what is left of the budget.
    const cancel = new Cancel();
    const attemptMs = config.ATTEMPT_TIMEOUT_MS > 0 ? Math.min(config.ATTEMPT_TIMEOUT_MS, deadline - now) : deadline - now;
    const timer = setTimeout(() => cancel.cancel(BUDGET), attemptMs);
    client.onCancel((reason) => cancel.cancel(reason));
    const cleanup = () => {
      clearTimeout(timer);
      client.onCancel(undefined);
    };
    const headers: Record<string, string> = { ...fr.headers };
    if (fr.dialect === 'gemini') headers['x-goog-api-key'] = entry.key;
    else headers['authorization'] = `Bearer ${entry.key}`;
    if (upstream.secret) headers['x-opengemini-secret'] = upstream.secret;

    entry.inFlight++;
    entry.lastUsed = now;
    // Synchronous with the pick above: no other request can see the budget before this counts.
    const unreserve = ctx.reserve?.(entry.fp, fr.model);
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        entry.inFlight--;
        unreserve?.();
      }
    };

    let reply: UpstreamReply | undefined;
    let failure: Failure | undefined;
    let first: Buffer | null = null;
    let whole: Buffer | undefined;
    let status = 0;
    let replyHeaders = NO_HEADERS;
    const errorAnswer = (body: Buffer): Failure => {
      const fault = decodeFault(status, replyHeaders, parseJson(body));
      return { status, contentType: replyHeaders.get('content-type'), body, fault, decision: decide(fault, policy(config), result.attempts, ctx.random) };
    };
    const { transport } = upstream;
    try {
      if (!fr.stream && transport.fetchWhole) {
        // The common answer, read whole: the transport's lean path (no stream, no AbortSignal).
        const w = await transport.fetchWhole({ method: fr.method, path: fr.path, headers, body: fr.body, cancel, limit: wholeLimit });
        status = w.status;
        replyHeaders = w.headers;
        if (status >= 200 && status < 300) whole = w.body;
        else failure = errorAnswer(w.body);
      } else {
        reply = await transport.send({ method: fr.method, path: fr.path, headers, body: fr.body, signal: cancel.signal() });
        status = reply.status;
        replyHeaders = reply.headers;
        // Errors are handled where the body is read; this keeps a late abort from going unhandled.
        reply.body.on('error', ignore);
        if (reply.status >= 200 && reply.status < 300) {
          if (fr.stream) {
            first = await readFirstEvent(reply.body);
            const event = first && findErrorEvent(first);
            if (event) {
              reply.body.destroy();
              const code = (event as { error?: { code?: unknown } }).error?.code;
              const fault = decodeFault(typeof code === 'number' ? code : 500, NO_HEADERS, event);
              failure = { status: 502, contentType: 'application/json', body: Buffer.from(JSON.stringify(event)), fault, decision: decide(fault, policy(config), result.attempts, ctx.random) };
              failure.status = statusOf(event, fault);
            }
          } else {
            whole = await readAll(reply.body, BODY_LIMIT);
          }
        } else {
          failure = errorAnswer(await readAll(reply.body, ERROR_BODY_LIMIT));
        }
      }
    } catch (err) {
      reply?.body.destroy();
      if (cancel.reason === CLIENT_GONE) {
        cleanup();
        release();
        if (up.probe) upstream.breaker.abandon();
        return finish({ status: 499, code: 'client_closed' });
      }
      const timedOut = cancel.reason === BUDGET || isTimeoutError(err) || isTimeoutError((err as Error).cause);
      const fault: Fault = { kind: 'upstream', reason: timedOut ? 'timeout' : 'network' };
      failure = { status: timedOut ? 504 : 502, contentType: null, body: Buffer.alloc(0), fault, decision: decide(fault, policy(config), result.attempts, ctx.random) };
    }
    const latency = ctx.now() - now;

    if (failure) {
      cleanup();
      release();
      apply(entry, upstream, failure.decision, latency, messageOf(failure.body));
      last = failure;
      result.faults.push(failure.decision.code);
      if (failure.decision.retry === 'none') return answerFailure(failure);
      if (failure.decision.retry === 'other_upstream') {
        failedUpstreams.add(upstream.id);
        pinned = entry;
      } else {
        triedKeys.add(entry.fp);
      }
      await sleep(Math.min(failure.decision.backoffMs, deadline - ctx.now()), client);
      continue;
    }

    // 4. Success: commit.
    upstreams.recordSuccess(upstream, latency);
    ctx.metrics?.attempt(entry.fp, upstream.id, fr.model, 'ok', latency);
    const contentType = replyHeaders.get('content-type') ?? 'application/json';
    if (whole !== undefined) {
      cleanup();
      release();
      const tokens = scanUsage(whole);
      ctx.usage.recordKey(ctx.now(), entry.fp, fr.model, 'ok', tokens);
      const out = scrubChunk(whole);
      fr.onBody?.(status, contentType, out);
      if (!res.destroyed) res.writeHead(status, { ...fr.replyHeaders?.(replyHeaders), 'content-type': contentType, 'content-length': String(out.length) }).end(out);
      return finish({ status, tokens });
    }

    // A stream: the budget covered reaching the first byte; from here undici's body timeout
    // (STREAM_IDLE_TIMEOUT_MS of silence) bounds it, and the client can abort it at any time.
    clearTimeout(timer);
    res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    let tokens: Tokens | undefined;
    let midFault: Decision | undefined;
    const scanner = new ErrorEventScanner();
    const scrubber = new StreamScrubber();
    const onChunk = (chunk: Buffer) => {
      tokens = scanUsage(chunk) ?? tokens;
      const event = midFault ? undefined : scanner.push(chunk);
      if (event) {
        const code = (event as { error?: { code?: unknown } }).error?.code;
        const fault = decodeFault(typeof code === 'number' ? code : 500, NO_HEADERS, event);
        midFault = decide(fault, policy(config), result.attempts, ctx.random);
        apply(entry, upstream, midFault, ctx.now() - now, messageOf(Buffer.from(JSON.stringify(event))), true);
      }
    };
    if (first) {
      onChunk(first);
      const out = scrubber.push(first);
      if (out.length) res.write(out);
    }
    try {
      const how = await pump(reply!.body, res, { onChunk, scrubber });
      if (how === 'end') res.end();
      if (!midFault) ctx.usage.recordKey(ctx.now(), entry.fp, fr.model, 'ok', tokens);
      return finish({ status: how === 'client' ? 499 : status, tokens, code: midFault?.code ?? (how === 'client' ? 'client_closed' : undefined) });
    } catch (err) {
      // The upstream broke mid-stream: nothing can be retried; say so in-band and close.
      const timedOut = isTimeoutError(err);
      const fault: Fault = { kind: 'upstream', reason: timedOut ? 'timeout' : 'network' };
      const d = decide(fault, policy(config), result.attempts, ctx.random);
      apply(entry, upstream, d, ctx.now() - now, (err as Error).message, true);
      if (!res.destroyed) {
        res.end(errorEvent(fr.dialect, { status: 502, type: 'server_error', code: d.code, message: 'The upstream stream broke after it had started; the answer is incomplete.' }));
      }
      return finish({ status, tokens, code: d.code });
    } finally {
      cleanup();
      release();
    }
  }
  return answerNoKey(ctx, fr, last, answerFailure, answerPoolError);
}

function policy(config: Config) {
  return { quotaCooldownMs: config.QUOTA_COOLDOWN_MS, geminiCooldownMs: config.GEMINI_COOLDOWN_MS };
}

/** The HTTP status for an SSE error event caught before committing: its own, else the fault's. */
export function statusOf(event: unknown, fault: Fault): number {
  const code = (event as { error?: { code?: unknown } }).error?.code;
  return typeof code === 'number' && code >= 400 && code < 600 ? code : faultStatus(fault);
}

/**
 * No key can take another attempt. Every key cooling down: 429 with Retry-After for the first
 * to free up. Otherwise the last real error if there was one (Gemini's status and message), else
 * a 503 saying no key is usable.
 */
function answerNoKey(
  ctx: ForwardContext,
  fr: ForwardRequest,
  last: Failure | undefined,
  answerFailure: (f: Failure) => ForwardResult,
  answerPoolError: (e: PoolError) => ForwardResult,
): ForwardResult {
  if (last && last.fault.kind !== 'quota') return answerFailure(last);
  const now = ctx.now();
  const firstFree = ctx.keys.firstFree(fr.model, now, ctx.gate);
  if (firstFree !== undefined) {
    const usable = ctx.keys.all().filter((e) => !e.disabled).length;
    // Keys held back by their daily budget rather than by a cooldown: say so, they are not broken.
    if (ctx.gate && ctx.keys.firstFree(fr.model, now) === undefined) {
      return answerPoolError({
        status: 429,
        type: 'rate_limit_error',
        code: 'daily_budget_spent',
        retryAfterMs: firstFree - now,
        message: `Every usable key has spent its daily budget for model ${fr.model} or is cooling down; budgets reset at midnight Pacific time, in ${Math.max(1, Math.ceil((firstFree - now) / 60_000))} min.`,
      });
    }
    return answerPoolError({
      status: 429,
      type: 'rate_limit_error',
      code: 'all_keys_cooling',
      retryAfterMs: firstFree - now,
      message: `All ${usable} usable key(s) are cooling down for model ${fr.model}; the first frees up in ${Math.max(1, Math.ceil((firstFree - now) / 1000))} s.${last ? ` Last error: ${messageOf(last.body)}` : ''}`,
    });
  }
  if (last) return answerFailure(last);
  const { total, disabled } = ctx.keys.counts(now);
  return answerPoolError({
    status: 503,
    type: 'server_error',
    code: 'no_usable_key',
    message: total === 0 ? 'No keys are loaded: add Gemini API keys to key.txt.' : `No usable key: ${disabled} of ${total} key(s) are disabled (see /status; POST /admin/reset re-enables them).`,
  });
}
