// The one writer of a proxied response: the pool's own errors, an upstream's error passed on, a
// whole answer, and a committed stream (head, chunks, and an in-band error if it breaks). Every
// byte is scrubbed of keys on its way out. Each function returns what the log line reports.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { ATTEMPTS_HEADER, type ErrorCode, type Fault, type FaultCode, SSE_HEADERS, retryAfterSeconds } from '@opengemini/shared';
import { scrubHeldKeys } from '../keys';
import { scanUsage, type Tokens } from '../accounting';
import { type Dialect, type PoolError, errorBody, errorEvent, errorHeaders } from '../http';
import { isTimeoutError } from '../upstreams';
import { type Failure, faultOfEvent } from './attempt';
import { ErrorEventScanner, StreamScrubber, pump, scrubChunk } from './relay';

/** What was sent, for the log line and the counters. */
export interface Sent {
  status: number;
  code?: ErrorCode | undefined;
  tokens?: Tokens | undefined;
}

const open = (res: ServerResponse) => !res.headersSent && !res.destroyed;

// Header objects are built with Object.assign, not `{ ...a, name: value }`: V8 adds a property
// after a spread the slow way, 0.7 us each (request.ts, run.ts likewise).

// Each writer takes the x-opengemini-attempts value and puts it in the head's own object: a header
// set with res.setHeader first would send every other header through Node's slow path.

/** One of the pool's own errors, in the route's dialect. */
export function replyError(res: ServerResponse, dialect: Dialect, e: PoolError, attempts: string): Sent {
  if (open(res)) {
    const headers = errorHeaders(e);
    headers[ATTEMPTS_HEADER] = attempts;
    res.writeHead(e.status, headers).end(errorBody(dialect, e));
  }
  return { status: e.status, code: e.code };
}

/** An upstream's error answer passed on as it came (scrubbed), or told in our envelope when it is not one. */
export function replyFailure(res: ServerResponse, dialect: Dialect, f: Failure, code: FaultCode, attempts: string): Sent {
  if (f.own) return replyError(res, dialect, f.own, attempts);
  const envelope = isJson(f.body);
  if (!envelope) {
    // Not an envelope (a proxy's HTML page, a dropped connection): say what happened in ours.
    const text = f.body.length ? `: ${scrubHeldKeys(f.body.toString('utf8')).slice(0, 300)}` : '';
    return replyError(res, dialect, { code, status: f.status, type: 'server_error', message: `The upstream failed (${code})${text}` }, attempts);
  }
  const headers: Record<string, string> = { 'content-type': f.contentType ?? 'application/json' };
  if (f.fault.kind === 'quota' && f.fault.retryAfterMs !== undefined) headers['retry-after'] = retryAfterSeconds(f.fault.retryAfterMs);
  headers[ATTEMPTS_HEADER] = attempts;
  if (open(res)) res.writeHead(f.status, headers).end(scrubChunk(f.body));
  return { status: f.status, code };
}

/** A whole successful answer; `headers` is the caller's own object, completed here. */
export function replyWhole(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer, attempts: string): Sent {
  const out = scrubChunk(body);
  headers['content-length'] = String(out.length);
  headers[ATTEMPTS_HEADER] = attempts;
  if (!res.destroyed) res.writeHead(status, headers).end(out);
  return { status, tokens: scanUsage(body) };
}

export interface StreamHooks {
  /** A Worker's error event after the commit (Gemini failed mid-answer): nothing can be retried. */
  onFault(fault: Fault, message: string): FaultCode;
  /** The stream itself broke (the path failed): nothing can be retried. */
  onBreak(fault: Fault, message: string): FaultCode;
}

/**
 * Commits a stream: the head, the first event, then every chunk as it arrives (no buffering,
 * backpressure honoured), scanning for token counts and error events. `tokens` is undefined and
 * `code` set when it did not end well.
 */
export async function relayStream(res: ServerResponse, dialect: Dialect, s: { status: number; contentType: string | null; attempts: string; first: Buffer; body: Readable }, hooks: StreamHooks): Promise<Sent & { complete: boolean }> {
  res.writeHead(s.status, Object.assign({}, SSE_HEADERS, { 'content-type': s.contentType ?? SSE_HEADERS['content-type']!, [ATTEMPTS_HEADER]: s.attempts }));
  res.flushHeaders();
  let tokens: Tokens | undefined;
  let midFault: FaultCode | undefined;
  const scanner = new ErrorEventScanner();
  const scrubber = new StreamScrubber();
  const onChunk = (chunk: Buffer) => {
    tokens = scanUsage(chunk) ?? tokens;
    const event = midFault ? undefined : scanner.push(chunk);
    if (event) midFault = hooks.onFault(faultOfEvent(event), JSON.stringify(event));
  };
  onChunk(s.first);
  const out = scrubber.push(s.first);
  if (out.length) res.write(out);
  try {
    const how = await pump(s.body, res, { onChunk, scrubber });
    if (how === 'end') res.end();
    if (how === 'client') return { status: 499, code: midFault ?? 'client_closed', tokens, complete: false };
    return { status: s.status, code: midFault, tokens, complete: midFault === undefined };
  } catch (err) {
    const fault: Fault = { kind: 'upstream', reason: isTimeoutError(err) ? 'timeout' : 'network' };
    const code = hooks.onBreak(fault, (err as Error).message);
    if (!res.destroyed) res.end(errorEvent(dialect, { status: 502, type: 'server_error', code, message: 'The upstream stream broke after it had started; the answer is incomplete.' }));
    return { status: s.status, code, tokens, complete: false };
  }
}

function isJson(buf: Buffer): boolean {
  try {
    JSON.parse(buf.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
