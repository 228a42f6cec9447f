// One attempt: send the request through one transport, read the answer the one way every answer
// is read (HTTP to a Worker and direct mode alike), and say what came back, as a tagged result:
//   whole    a successful answer read whole (bounded by MAX_ANSWER_BYTES);
//   stream   a successful stream, its first event read and checked, the rest not yet consumed;
//   failure  a labelled fault (the Worker's, Gemini's via the Worker, or the path's);
//   cancelled the client left.
// No policy here: what a failure means is the failure table's business (policy/).
import type { Readable } from 'node:stream';
import { type ApiErrorInfo, type Fault, apiError, decodeFault, faultStatus } from '@opengemini/shared';
import { scrubHeldKeys } from '../keys';
import { Cancel, type HeaderGetter, isTimeoutError, type Transport, type UpstreamReply, type UpstreamRequest } from '../upstreams';
import { BodyTooLarge, findErrorEvent, readAll, readFirstEvent } from './relay';
import type { Expect } from './request';

/** The largest successful answer read whole; a bigger one is refused rather than held in memory. */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
/** An error answer is read only to report it. */
const ERROR_BODY_LIMIT = 1024 * 1024;

export interface Failure {
  status: number;
  contentType: string | null;
  /** What came back (an error envelope, or the start of whatever else), for the log and the client. */
  body: Buffer;
  fault: Fault;
  /** The pool's own error for it, rendered in the route's dialect (not an upstream's envelope). */
  own?: ApiErrorInfo;
}

export type AttemptResult =
  | { kind: 'whole'; status: number; headers: HeaderGetter; body: Buffer }
  | { kind: 'stream'; status: number; headers: HeaderGetter; first: Buffer; body: Readable }
  | { kind: 'failure'; failure: Failure }
  | { kind: 'cancelled' };

export interface AttemptInput {
  transport: Transport;
  request: Omit<UpstreamRequest, 'signal' | 'cancel'>;
  stream: boolean;
  expect: Expect;
  /** Longest wait for the answer (whole) or its first event (stream), in ms. */
  timeoutMs: number;
  /** The client's side: cancelling it ends the attempt at once. */
  client?: Cancel;
  /** The most bytes of a whole answer (MAX_ANSWER_BYTES). */
  limit?: number;
}

const TIMED_OUT = Symbol('attempt timed out');
const CLIENT_GONE = Symbol('client gone');
const NO_HEADERS: HeaderGetter = { get: () => null };
const ignore = () => {};

export async function attempt(input: AttemptInput): Promise<AttemptResult> {
  const cancel = new Cancel();
  const timer = setTimeout(() => cancel.cancel(TIMED_OUT), input.timeoutMs);
  input.client?.onCancel(() => cancel.cancel(CLIENT_GONE));
  let body: Readable | undefined;
  let sent: Promise<UpstreamReply> | undefined;
  try {
    const r = input.request;
    sent = input.transport.send(new Call(r.method, r.path, r.headers, r.body, cancel));
    const reply = await untilCancelled(sent, cancel);
    body = reply.body;
    // Errors are handled where the body is read; this keeps a late abort from going unhandled.
    body.on('error', ignore);
    const { status, headers } = reply;
    if (status < 200 || status >= 300) {
      const text = await readAll(body, ERROR_BODY_LIMIT);
      return failed({ status, contentType: headers.get('content-type'), body: text, fault: decodeFault(status, headers, parseJson(text)) });
    }
    if (input.stream) {
      const first = await readFirstEvent(body);
      const event = first && findErrorEvent(first);
      if (event) {
        body.destroy();
        return failed(eventFailure(event));
      }
      if (!first || !looksLike(first, headers, input.expect)) {
        body.destroy();
        return failed(notAnAnswer(first, headers, input.expect));
      }
      return { kind: 'stream', status, headers, first, body };
    }
    const whole = await readAll(body, input.limit ?? MAX_ANSWER_BYTES);
    if (!looksLike(whole, headers, input.expect)) return failed(notAnAnswer(whole, headers, input.expect));
    return { kind: 'whole', status, headers, body: whole };
  } catch (err) {
    body?.destroy();
    // A reply that arrives after the attempt ended (it was queued) is dropped at once.
    void sent?.then((r) => r.body.destroy(), ignore);
    if (cancel.reason === CLIENT_GONE) return { kind: 'cancelled' };
    if (err instanceof BodyTooLarge) return failed(tooLarge(input.limit ?? MAX_ANSWER_BYTES));
    const timedOut = cancel.reason === TIMED_OUT || isTimeoutError(err) || isTimeoutError((err as Error).cause);
    return failed({ status: timedOut ? 504 : 502, contentType: null, body: Buffer.from((err as Error).message ?? ''), fault: { kind: 'upstream', reason: timedOut ? 'timeout' : 'network' } });
  } finally {
    // A committed stream is bounded by the transport's idle timeout from here, and the relay
    // watches the client itself.
    clearTimeout(timer);
    input.client?.onCancel(undefined);
  }
}

const failed = (failure: Failure): AttemptResult => ({ kind: 'failure', failure });

/**
 * The request as handed to the transport. A class, not an object literal: a literal with a getter
 * (and a spread) is built the slow way, 2.5 us per attempt; this is 0.2.
 */
class Call implements UpstreamRequest {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly headers: Record<string, string>,
    readonly body: Buffer | undefined,
    readonly cancel: Cancel,
  ) {}

  /** The AbortSignal is made only for a transport that reads it (direct mode's fetch). */
  get signal(): AbortSignal {
    return this.cancel.signal();
  }
}

/**
 * `sent`, or a rejection as soon as `cancel` is cancelled: undici fails a request still queued for
 * a connection only once it gets one, so do not wait for it. (One promise: Promise.race with a
 * second one cost 1.4 us per attempt.)
 */
function untilCancelled<T>(sent: Promise<T>, cancel: Cancel): Promise<T> {
  return new Promise((resolve, reject) => {
    cancel.once('abort', () => reject(cancel.reason as Error));
    sent.then(resolve, reject);
  });
}

function tooLarge(limit: number): Failure {
  // Nobody's fault and not worth another key: the same question gives the same answer.
  const message = `The answer is larger than ${limit} bytes, more than this pool relays whole; ask for a stream.`;
  const own = apiError('answer_too_large', message);
  return { status: own.status, contentType: 'application/json', body: Buffer.from(message), fault: { kind: 'client', reason: 'too_large' }, own };
}

type ErrorEvent = { type?: unknown; error?: { code?: unknown }; response?: { error?: { code?: unknown } } };

/**
 * The error an SSE error event carries, as `{error}`: chat's and Anthropic's and Responses'
 * `error` event have it as `error`, Responses' `response.failed` as `response.error`.
 */
function envelopeOf(event: unknown): { error?: { code?: unknown } } {
  const e = event as ErrorEvent;
  return e.type === 'response.failed' ? { error: e.response?.error ?? {} } : e;
}

/** The fault a Worker's SSE error event carries (a numeric `error.code` is an HTTP status). */
export function faultOfEvent(event: unknown): Fault {
  const env = envelopeOf(event);
  const code = env.error?.code;
  return decodeFault(typeof code === 'number' ? code : 500, NO_HEADERS, env);
}

/** A Worker's SSE error event caught before committing: its fault, and its own status. The body
 * is the event itself (an error envelope in every dialect but `response.failed`'s, told as its error). */
function eventFailure(event: unknown): Failure {
  const fault = faultOfEvent(event);
  const body = (event as ErrorEvent).type === 'response.failed' ? envelopeOf(event) : event;
  return { status: statusOf(event, fault), contentType: 'application/json', body: Buffer.from(JSON.stringify(body)), fault };
}

/** The HTTP status for an SSE error event caught before committing: its own, else the fault's. */
export function statusOf(event: unknown, fault: Fault): number {
  const code = envelopeOf(event).error?.code;
  return typeof code === 'number' && code >= 400 && code < 600 ? code : faultStatus(fault);
}

/** A 200 that is not what was asked for (an HTML page, an empty body): the Worker's fault. */
function notAnAnswer(got: Buffer | null, headers: HeaderGetter, expect: Expect): Failure {
  const what = !got?.length ? 'an empty body' : `${headers.get('content-type') ?? 'no content-type'}: ${got.subarray(0, 200).toString('utf8')}`;
  return { status: 502, contentType: null, body: Buffer.from(`a 200 that is not ${expect === 'sse' ? 'an SSE stream' : 'JSON'} (${what})`), fault: { kind: 'upstream', reason: 'worker_fault' } };
}

const SSE_STARTS = ['data:', ':', 'event:', 'id:', 'retry:'].map((s) => Buffer.from(s));

/** Whether the start of a 200's body is what `expect` asks for (JSON, or SSE frames). */
export function looksLike(start: Buffer, headers: HeaderGetter, expect: Expect): boolean {
  if (expect === 'any') return true;
  let i = 0;
  while (i < start.length && (start[i] === 0x20 || start[i] === 0x0a || start[i] === 0x0d || start[i] === 0x09)) i++;
  if (i >= start.length) return false;
  const type = headers.get('content-type') ?? '';
  if (expect === 'sse') return type.includes('text/event-stream') && SSE_STARTS.some((s) => start.subarray(i, i + s.length).equals(s));
  return type.includes('json') && (start[i] === 0x7b || start[i] === 0x5b); // { or [
}

/** The upstream's error message for logs and /status: error.message of either envelope, else the text. */
export function messageOf(body: Buffer): string {
  const parsed = parseJson(body) as { error?: { message?: unknown } } | { error?: { message?: unknown } }[] | undefined;
  const env = Array.isArray(parsed) ? parsed[0] : parsed;
  const m = env?.error?.message;
  // Scrub first, then cut: a cut through a key would leave a piece the scrubber cannot see.
  return (typeof m === 'string' ? scrubHeldKeys(m) : scrubHeldKeys(body.toString('utf8')).slice(0, 300)).slice(0, 500);
}

function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}
