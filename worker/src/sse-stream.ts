// A Gemini stream converted into a dialect's SSE stream: the core's reader (gemini/stream.ts)
// turns Gemini's bytes into neutral events, the dialect's encoder turns each event into its own
// SSE text, and the stream pair below carries the bytes with keep-alives during silence, a limit
// on Gemini's silence, backpressure, and cancellation both ways. The same for every dialect.
import { GeminiStreamReader, type ReaderOptions, type StreamEvent } from './gemini/stream';
import { toApiError } from './http';
import { Utf8Encoder } from './sse';

/** A dialect's stream writer: one neutral event in, its SSE text out ('' for nothing). */
export interface StreamEncoder {
  encode(event: StreamEvent): string;
  /** What the dialect sends during silence (an SSE comment, Anthropic's `ping` event...). */
  readonly keepAlive: string;
}

export interface StreamTiming {
  /** Idle time (ms) after which a keep-alive is sent; default 15000, 0 disables. */
  keepAliveMs?: number;
  /** Gemini silent this long (ms) ends the stream with an error event; default 600000, 0 never.
   * Keep-alives keep the client's and the pool's idle timers happy, so without this limit a
   * stalled Gemini connection would hold the stream (and the pool's key) open forever. */
  silenceLimitMs?: number;
}

export const DEFAULT_KEEPALIVE_MS = 15_000;
export const DEFAULT_SILENCE_LIMIT_MS = 600_000;

/**
 * The conversion itself, without streams or timers: bytes in, SSE text out. Once `done` (after
 * the end or an error event) it ignores everything.
 */
export class StreamConverter {
  private readonly reader: GeminiStreamReader;

  constructor(
    private readonly encoder: StreamEncoder,
    options: ReaderOptions = {},
  ) {
    this.reader = new GeminiStreamReader(options);
  }

  get done(): boolean {
    return this.reader.done;
  }

  get keepAlive(): string {
    return this.encoder.keepAlive;
  }

  /** The client left: produce nothing more. */
  abandon(): void {
    this.reader.abandon();
  }

  /** Feeds Gemini bytes; returns the SSE text they complete (often ''). */
  push(bytes: Uint8Array): string {
    return this.write(this.reader.push(bytes));
  }

  /** Gemini's body ended: the last events, then the end of the answer, or an error if it was cut. */
  end(): string {
    return this.write(this.reader.end());
  }

  /** Gemini's body failed (connection lost): the error event. */
  fail(reason: unknown): string {
    return this.write(this.reader.fail(reason));
  }

  /** Gemini sent nothing for `ms`: the error event (the stream is abandoned). */
  silence(ms: number): string {
    return this.write(this.reader.silence(ms));
  }

  /** A bug of ours threw mid-conversion: still end the client's stream with an error event. */
  crash(err: unknown): string {
    return this.write(this.reader.abort(toApiError(err)));
  }

  private write(events: StreamEvent[]): string {
    let out = '';
    for (const ev of events) out += this.encoder.encode(ev);
    return out;
  }
}

/**
 * A converter as a stream pair for `geminiBody.pipeThrough(createSseStream(converter, timing))`.
 *
 * Not a `new TransformStream()`: when a piped source errors (Gemini's connection drops), a
 * TransformStream's readable side is errored with it and the client sees a torn connection.
 * This pair's writable turns that abort into an error event and closes the readable cleanly.
 * Cancelling the readable (the client left) errors the writable, so the pipe cancels Gemini's
 * body, and stops the keep-alive timer.
 */
export function createSseStream(converter: StreamConverter, timing: StreamTiming = {}): TransformStream<Uint8Array, Uint8Array> {
  const encoder = new Utf8Encoder();
  const keepAliveMs = timing.keepAliveMs ?? DEFAULT_KEEPALIVE_MS;
  const silenceLimitMs = timing.silenceLimitMs ?? DEFAULT_SILENCE_LIMIT_MS;
  let out!: ReadableStreamDefaultController<Uint8Array>;
  let input!: WritableStreamDefaultController;
  let closed = false;
  let lastOutput = Date.now();
  let lastInput = lastOutput;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Resolves a write() held back because the client is not reading (backpressure). */
  let resume: (() => void) | undefined;

  const stopTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const wake = () => {
    const r = resume;
    resume = undefined;
    r?.();
  };
  const send = (text: string) => {
    if (closed || text === '') return;
    out.enqueue(encoder.encode(text));
    lastOutput = Date.now();
  };
  /** Runs one converter step; an exception must still end the client's stream properly. */
  const step = (fn: () => string): string => {
    try {
      return fn();
    } catch (err) {
      return converter.crash(err);
    }
  };
  const close = () => {
    if (closed) return;
    closed = true;
    stopTimer();
    out.close();
    wake();
  };
  // One timer, re-armed for the rest of the idle window: no clear/set per chunk on the hot path.
  const tick = () => {
    timer = undefined;
    if (closed) return;
    const now = Date.now();
    if (silenceLimitMs > 0 && now - lastInput >= silenceLimitMs) {
      send(converter.silence(now - lastInput));
      close();
      input.error(new Error('Gemini went silent')); // the pipe cancels Gemini's body
      return;
    }
    if (keepAliveMs > 0 && now - lastOutput >= keepAliveMs) {
      try {
        send(converter.keepAlive);
      } catch {
        return; // the readable is gone; cancel() does the rest
      }
    }
    timer = setTimeout(tick, nextTick(Date.now()));
  };
  /** Milliseconds until the next keep-alive or silence deadline, whichever comes first. */
  const nextTick = (now: number) => {
    let wait = Number.POSITIVE_INFINITY;
    if (keepAliveMs > 0) wait = Math.min(wait, keepAliveMs - (now - lastOutput));
    if (silenceLimitMs > 0) wait = Math.min(wait, silenceLimitMs - (now - lastInput));
    return Math.max(1, wait);
  };

  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      out = controller;
      if (keepAliveMs > 0 || silenceLimitMs > 0) timer = setTimeout(tick, nextTick(Date.now()));
    },
    pull() {
      wake();
    },
    cancel(reason) {
      closed = true;
      converter.abandon();
      stopTimer();
      input.error(reason);
      wake();
    },
  });

  const writable = new WritableStream<Uint8Array>({
    start(controller) {
      input = controller;
    },
    write(chunk) {
      if (closed) return;
      lastInput = Date.now();
      send(step(() => converter.push(chunk)));
      if (converter.done) {
        close();
        // Stop reading Gemini: nothing more will be sent.
        throw new Error('stream already answered');
      }
      if ((out.desiredSize ?? 0) <= 0) return new Promise<void>((r) => (resume = r));
      return undefined;
    },
    close() {
      send(step(() => converter.end()));
      close();
    },
    abort(reason) {
      send(step(() => converter.fail(reason)));
      close();
    },
  });

  return { readable, writable };
}
