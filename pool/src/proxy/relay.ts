// Moving bytes between an upstream reply and the client: reading a body whole (bounded),
// peeking at the first chunk of a stream, finding SSE error events, and pumping a committed
// stream chunk by chunk with backpressure and no buffering. No policy here.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { heldKeyScrubber } from '../keys';

/** An answer went past the bytes its reader accepts. */
export class BodyTooLarge extends Error {}

/**
 * Reads a whole body into one Buffer; destroys the stream and throws BodyTooLarge past `limit`
 * bytes, rethrows its error, and throws if it closes before its end. Plain listeners rather than
 * `for await`: an async iterator costs a promise per chunk and its end-of-stream watcher, on
 * every whole answer.
 */
export function readAll(body: Readable, limit: number): Promise<Buffer> {
  if (body.readableEnded) return Promise.resolve(Buffer.alloc(0));
  if (body.destroyed) return Promise.reject(body.errored ?? new Error('upstream closed the body before its end'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = listen(body, 'upstream closed the body before its end', reject, {
      data(chunk) {
        size += chunk.length;
        if (size > limit) {
          stop();
          body.destroy();
          reject(new BodyTooLarge(`upstream body larger than ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      },
      end() {
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      },
    });
  });
}

/**
 * Waits for the first chunk of a stream without consuming the rest: resolves with the chunk
 * (the stream is left paused) or null if the body ended empty; rejects if it broke.
 */
export function firstChunk(body: Readable): Promise<Buffer | null> {
  if (body.readableEnded) return Promise.resolve(null);
  if (body.destroyed) return Promise.reject(new Error('upstream closed the stream before its first byte'));
  return new Promise((resolve, reject) => {
    const stop = listen(body, 'upstream closed the stream before its first byte', reject, {
      data(chunk) {
        stop();
        body.pause();
        resolve(chunk);
      },
      end() {
        resolve(null);
      },
    });
  });
}

/**
 * Listens to a body's data, end, error and close, and resumes it (a stream paused by an
 * earlier reader stays paused until told otherwise). `end`, an error and a close before the end
 * stop listening by themselves (the last two reject); `data` calls the returned stop when it is
 * done with the body.
 */
function listen(
  body: Readable,
  closedEarly: string,
  reject: (err: Error) => void,
  on: { data: (chunk: Buffer) => void; end: () => void },
): () => void {
  const stop = () => {
    body.off('data', on.data);
    body.off('end', onEnd);
    body.off('error', onError);
    body.off('close', onClose);
  };
  const onEnd = () => {
    stop();
    on.end();
  };
  const onError = (err: Error) => {
    stop();
    reject(err);
  };
  const onClose = () => {
    stop();
    reject(new Error(closedEarly));
  };
  body.on('data', on.data);
  body.once('end', onEnd);
  body.once('error', onError);
  body.once('close', onClose);
  body.resume();
  return stop;
}

/**
 * How an error event starts in each dialect: OpenAI chat `data: {"error":...}`, Anthropic and
 * Responses `data: {"type":"error",...}` (after their `event: error` line), and Responses'
 * `response.failed`. JSON.stringify writes no space after `{`, as the Worker sends them.
 */
const ERROR_MARKERS = ['{"error"', '{"type":"error"', '{"type":"response.failed"'].flatMap((m) => [Buffer.from(`data: ${m}`), Buffer.from(`data:${m}`)]);
const MARKER_MAX = Math.max(...ERROR_MARKERS.map((m) => m.length));
/** An error event longer than this is not read whole (a sane one is well under 4 KB). */
const EVENT_LIMIT = 64 * 1024;

/** Where the earliest error-event marker starts in `buf`, and how long it is; -1 if none. */
function findMarker(buf: Buffer): number {
  let at = -1;
  for (const marker of ERROR_MARKERS) {
    const i = buf.indexOf(marker);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

/** Parses `data: {...}` (one line, CR tolerated) into its JSON. */
function parseEventLine(line: Buffer): unknown {
  const text = line.toString('utf8').replace(/^data: ?/, '').replace(/\r$/, '');
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: 'unreadable error event from the upstream' } };
  }
}

/**
 * Finds SSE error events (ERROR_MARKERS) in a stream of chunks, even when the event or
 * its marker is cut across chunks. A raw `{"error"` right after `data:` can only open an event:
 * inside an event's JSON, quotes in text are escaped. The common chunk costs two native indexOf.
 */
export class ErrorEventScanner {
  /** The start of an error event whose end of line has not arrived yet. */
  private carry: Buffer | undefined;
  /** The previous chunk's last bytes, for a marker cut in two. */
  private tail: Buffer | undefined;

  /** Feeds a chunk; returns the parsed event once one is complete. */
  push(chunk: Buffer): unknown {
    if (this.carry) {
      this.carry = Buffer.concat([this.carry, chunk]);
      return this.finish();
    }
    const at = findMarker(chunk);
    if (at >= 0) {
      this.carry = chunk.subarray(at);
    } else if (this.tail) {
      const edge = Buffer.concat([this.tail, chunk.subarray(0, MARKER_MAX)]);
      const j = findMarker(edge);
      if (j >= 0) this.carry = Buffer.concat([this.tail.subarray(j), chunk]);
    }
    this.tail = chunk.length >= MARKER_MAX ? chunk.subarray(chunk.length - MARKER_MAX + 1) : Buffer.concat([this.tail ?? Buffer.alloc(0), chunk]).subarray(-(MARKER_MAX - 1));
    return this.carry ? this.finish() : undefined;
  }

  /** The pending event if the stream ended without its end of line. */
  end(): unknown {
    const c = this.carry;
    this.carry = undefined;
    return c ? parseEventLine(c) : undefined;
  }

  private finish(): unknown {
    const c = this.carry!;
    const nl = c.indexOf(0x0a);
    const cr = nl < 0 ? c.indexOf(0x0d) : -1; // "\r\r" framing: no LF at all
    const end = nl >= 0 ? nl : cr;
    if (end < 0 && c.length < EVENT_LIMIT) return undefined;
    this.carry = undefined;
    return parseEventLine(end < 0 ? c : c.subarray(0, end));
  }
}

/** The JSON of the first complete SSE error event in `chunk`, or undefined. */
export function findErrorEvent(chunk: Buffer): unknown {
  const s = new ErrorEventScanner();
  return s.push(chunk) ?? s.end();
}

const EVENT_ENDS = [Buffer.from('\n\n'), Buffer.from('\r\n\r\n'), Buffer.from('\r\r')];

/**
 * Reads the start of a stream up to the end of its first event (or 64 KB, or the end of the
 * body), so the pool can look at the first event before committing to a 200. Null: empty body.
 */
export async function readFirstEvent(body: Readable): Promise<Buffer | null> {
  let buf: Buffer | null = null;
  for (;;) {
    const chunk = await firstChunk(body);
    if (chunk === null) return buf;
    buf = buf ? Buffer.concat([buf, chunk]) : chunk;
    if (buf.length >= EVENT_LIMIT || EVENT_ENDS.some((e) => buf!.indexOf(e) >= 0)) return buf;
  }
}

/**
 * Replaces every held key (and anything shaped like a Google key) in `buf` by its fingerprint,
 * working on bytes: the text around a key is never decoded. `buf` itself when there is none.
 */
export function scrubChunk(buf: Buffer): Buffer {
  return asBuffer(heldKeyScrubber().scrubBytes(buf));
}

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/**
 * Scrubs keys out of a stream whose chunks may cut a key anywhere: a chunk's last bytes are held
 * back only while they could be the start of a key, and sent with the next chunk. A chunk not
 * ending that way goes out whole, at once.
 */
export class StreamScrubber {
  private readonly inner = heldKeyScrubber().stream();

  /** The bytes of `chunk` (and of what was held) that can be sent now, scrubbed. */
  push(chunk: Buffer): Buffer {
    return asBuffer(this.inner.push(chunk));
  }

  /** What was held back, scrubbed, when the stream ends. */
  end(): Buffer {
    return asBuffer(this.inner.end());
  }
}

export interface PumpHooks {
  /** Sees every chunk before it is written (usage scan, error events). */
  onChunk(chunk: Buffer): void;
  /** The stream's scrubber, when the caller already wrote a chunk through it. */
  scrubber?: StreamScrubber;
}

/**
 * Pumps a committed stream into the response: each chunk is written as it arrives (no
 * buffering), reading pauses while the socket is full. Resolves 'end' when the upstream ended,
 * 'client' when the client went away (the upstream is destroyed at once), or rejects with the
 * upstream's error (the response is left open so the caller can add an error event).
 */
export function pump(body: Readable, res: ServerResponse, hooks: PumpHooks): Promise<'end' | 'client'> {
  const scrubber = hooks.scrubber ?? new StreamScrubber();
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      // Bytes held back as a possible key start go out when the upstream ends or breaks.
      const rest = scrubber.end();
      if (rest.length && !res.destroyed) res.write(rest);
      body.off('data', onData);
      res.off('drain', onDrain);
      res.off('close', onClientClose);
      fn();
    };
    const onData = (chunk: Buffer) => {
      hooks.onChunk(chunk);
      const out = scrubber.push(chunk);
      if (out.length && !res.write(out)) body.pause();
    };
    const onDrain = () => body.resume();
    const onClientClose = () =>
      finish(() => {
        body.destroy();
        resolve('client');
      });
    body.on('data', onData);
    body.once('end', () => finish(() => resolve('end')));
    body.once('error', (err) => finish(() => reject(err)));
    body.once('close', () => finish(() => reject(new Error('upstream closed the stream early'))));
    res.on('drain', onDrain);
    res.once('close', onClientClose);
    if (res.destroyed) onClientClose();
    // A body that ended while it sat paused after firstChunk (a short answer and its end in one
    // read) has already emitted 'end' and 'close': nobody was listening then, so look now.
    else if (body.readableEnded) finish(() => resolve('end'));
    else if (body.destroyed) finish(() => reject(new Error('upstream closed the stream early')));
    else body.resume();
  });
}
