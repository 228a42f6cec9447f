// A data route's body, read as the bytes that came (forwarded as they are), bounded in size and
// in time. Fastify's own buffer parser bounds only the size; the time was left to Node's
// requestTimeout, whose expiry can only be a bare `408` written on the socket (the 'clientError'
// path has no request, so no route and no dialect). Here a body that trickles past
// BODY_TIMEOUT_MS fails the parse with the catalogue's `request_timeout`, which the route's error
// handler answers in its own envelope, and Fastify closes the connection after it.
import type { IncomingMessage } from 'node:http';
import { apiError } from '@opengemini/shared';
import { type FastifyRequest, errorCodes } from 'fastify';
import type { PoolError } from './errors';

/** A body that did not arrive in time: rendered as the catalogue's `request_timeout` (408). */
export class BodyTimeout extends Error {
  readonly statusCode = 408;
  readonly info: PoolError;

  constructor(ms: number, received: number) {
    const message = `The request body did not arrive within BODY_TIMEOUT_MS (${ms} ms; ${received} bytes came).`;
    super(message);
    this.info = apiError('request_timeout', message);
  }
}

/** A body being read: when its parse began, and how to fail it. */
interface Arriving {
  since: number;
  late(): void;
}

/**
 * The bodies still arriving at one data plugin, each failed once `timeoutMs` has passed since its
 * parse began: one sweep every tenth of the timeout (at most every second), not a timer per request. Most bodies
 * arrive within the tick their headers came in, so a timer per request was set and cleared at once,
 * and Node dropped and rebuilt its timer list for that duration every time (a heap insertion each).
 */
class BodyClock {
  private readonly arriving = new Set<Arriving>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  add(a: Arriving): void {
    this.arriving.add(a);
    this.sweeper ??= setInterval(() => this.sweep(), Math.max(10, Math.min(1_000, Math.floor(this.timeoutMs / 10)))).unref();
  }

  delete(a: Arriving): void {
    this.arriving.delete(a);
  }

  private sweep(): void {
    // Stopped only once a sweep finds nothing: a busy server keeps one interval running.
    if (this.arriving.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
      return;
    }
    const now = performance.now();
    for (const a of this.arriving) if (now - a.since >= this.timeoutMs) a.late();
  }
}

/**
 * The content-type parser of the data routes: the body as one Buffer, refused by Content-Length
 * over `limit` before a byte is read (413), cut off at `limit` when chunked (413), and failed with
 * BodyTimeout when it has not all arrived `timeoutMs` after the parse began (the headers are in).
 */
export function boundedBody(limit: number, timeoutMs: number) {
  const clock = new BodyClock(timeoutMs);
  return (request: FastifyRequest, payload: IncomingMessage, done: (err: Error | null, body?: Buffer) => void): void => {
    const declared = Number(request.headers['content-length']);
    if (declared > limit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    const chunks: Buffer[] = [];
    let size = 0;
    const arriving: Arriving = { since: performance.now(), late: () => finish(new BodyTimeout(timeoutMs, size)) };
    const finish = (err: Error | null) => {
      clock.delete(arriving);
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', finish);
      // What still comes after a refusal is read and dropped; the refusal closes the connection.
      if (err) return done(err);
      if (!Number.isNaN(declared) && size !== declared) return done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      // A copy, as Fastify's own parser makes: a chunk may be a view of a larger socket read.
      done(null, Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    clock.add(arriving);
    payload.on('data', onData);
    payload.once('end', onEnd);
    payload.once('error', finish);
  };
}
