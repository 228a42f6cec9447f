// A Gemini stream converted into a dialect's SSE stream: the core's reader (gemini/stream.ts)
// turns Gemini's bytes into neutral events, the dialect's encoder turns each event into its own
// SSE text, and convertSse below carries the bytes with keep-alives during silence, a limit
// on Gemini's silence, backpressure, and cancellation both ways. The same for every dialect.
import { GeminiStreamReader, type ReaderOptions, type StreamEvent } from './gemini/stream';
import { toApiError } from './http';
import { Utf8Encoder } from './sse';

/** A dialect's stream writer: one neutral event in, its SSE text out ('' for nothing). */
export interface StreamEncoder {
  encode(event: StreamEvent): string;
  /** What the dialect sends during silence (an SSE comment, Anthropic's `ping` event...). */
  readonly keepAlive: string;
  /**
   * For an encoder whose encode() writes stand-ins for long pieces it repeats (the Responses
   * stream writes an item's whole text four times): the client's text, and its bytes with each
   * piece encoded once and copied where it stands. Without it, encode() writes the client's text.
   */
  readonly standIns?: StandIns;
}

export interface StandIns {
  /** The text with every stand-in replaced. */
  text(raw: string): string;
  /** The same as UTF-8 bytes, without building the replaced text. */
  bytes(raw: string, utf8: Utf8Encoder): Uint8Array;
}

export interface StreamTiming {
  /** Idle time (ms) after which a keep-alive is sent; default 15000, 0 disables. */
  keepAliveMs?: number | undefined;
  /** Gemini silent this long (ms) ends the stream with an error event; default 600000, 0 never.
   * Keep-alives keep the client's and the pool's idle timers happy, so without this limit a
   * stalled Gemini connection would hold the stream (and the pool's key) open forever. */
  silenceLimitMs?: number | undefined;
}

export const DEFAULT_KEEPALIVE_MS = 15_000;
export const DEFAULT_SILENCE_LIMIT_MS = 600_000;

/**
 * The conversion itself, without streams or timers: bytes in, SSE text out. Once `done` (after
 * the end or an error event) it ignores everything.
 */
export class StreamConverter {
  /** Gemini's bytes -> neutral events; convertSse drives it directly and asks bytes() for the output. */
  readonly reader: GeminiStreamReader;
  private readonly utf8 = new Utf8Encoder();

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
    return this.text(this.reader.push(bytes));
  }

  /** Gemini's body ended: the last events, then the end of the answer, or an error if it was cut. */
  end(): string {
    return this.text(this.reader.end());
  }

  /** Gemini's body failed (connection lost): the error event. */
  fail(reason: unknown): string {
    return this.text(this.reader.fail(reason));
  }

  /** Gemini sent nothing for `ms`: the error event (the stream is abandoned). */
  silence(ms: number): string {
    return this.text(this.reader.silence(ms));
  }

  /** A bug of ours threw mid-conversion: still end the client's stream with an error event. */
  crash(err: unknown): string {
    return this.text(this.reader.abort(toApiError(err)));
  }

  /** The events as the client's SSE text. */
  text(events: StreamEvent[]): string {
    const raw = this.write(events);
    return this.encoder.standIns && raw !== '' ? this.encoder.standIns.text(raw) : raw;
  }

  /** The events as the client's SSE bytes; null when they write nothing. */
  bytes(events: StreamEvent[]): Uint8Array | null {
    const raw = this.write(events);
    if (raw === '') return null;
    return this.encoder.standIns ? this.encoder.standIns.bytes(raw, this.utf8) : this.utf8.encode(raw);
  }

  private write(events: StreamEvent[]): string {
    let out = '';
    for (const ev of events) out += this.encoder.encode(ev);
    return out;
  }
}

/**
 * Gemini's body converted, as the client's body: `convertSse(res.body, converter, timing)`.
 *
 * Pull-based: each time the client wants more, Gemini's body is read until its bytes complete
 * something to send (one stream and one reader between the two sockets; a TransformStream pair
 * behind pipeThrough costs about twice the CPU per chunk in Node). So backpressure is the
 * client's own: nothing is read from Gemini while the client is not reading.
 * - Gemini's body failing (connection lost) becomes the converter's error event, and the client's
 *   stream ends cleanly after it: a torn connection would look like a cut to the client.
 * - The client leaving cancels Gemini's body and stops the timer.
 * - One timer sends keep-alives during silence and ends the stream when Gemini has said nothing
 *   for silenceLimitMs (cancelling Gemini's body).
 */
export function convertSse(source: ReadableStream<Uint8Array>, converter: StreamConverter, timing: StreamTiming = {}): ReadableStream<Uint8Array> {
  const keepAliveMs = timing.keepAliveMs ?? DEFAULT_KEEPALIVE_MS;
  const silenceLimitMs = timing.silenceLimitMs ?? DEFAULT_SILENCE_LIMIT_MS;
  const reader = source.getReader();
  let out!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let lastOutput = Date.now();
  let lastInput = lastOutput;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stopTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  /** Sends bytes; false when there were none. */
  const send = (bytes: Uint8Array | null): boolean => {
    if (closed || bytes === null) return false;
    out.enqueue(bytes);
    lastOutput = Date.now();
    return true;
  };
  /** Runs one converter step to bytes; an exception must still end the client's stream properly. */
  const step = (fn: () => StreamEvent[]): Uint8Array | null => {
    try {
      return converter.bytes(fn());
    } catch (err) {
      return converter.bytes(converter.reader.abort(toApiError(err)));
    }
  };
  const keepAlive = new Utf8Encoder().encode(converter.keepAlive);
  /** Ends the client's stream; Gemini's body is cancelled unless it already ended. */
  const close = (cancelSource: boolean) => {
    if (closed) return;
    closed = true;
    stopTimer();
    out.close();
    if (cancelSource) reader.cancel().catch(() => undefined);
  };
  // One timer, re-armed for the rest of the idle window: no clear/set per chunk on the hot path.
  const tick = () => {
    timer = undefined;
    if (closed) return;
    const now = Date.now();
    if (silenceLimitMs > 0 && now - lastInput >= silenceLimitMs) {
      send(step(() => converter.reader.silence(now - lastInput)));
      close(true);
      return;
    }
    if (keepAliveMs > 0 && now - lastOutput >= keepAliveMs) send(keepAlive.slice());
    timer = setTimeout(tick, nextTick(Date.now()));
  };
  /** Milliseconds until the next keep-alive or silence deadline, whichever comes first. */
  const nextTick = (now: number) => {
    let wait = Number.POSITIVE_INFINITY;
    if (keepAliveMs > 0) wait = Math.min(wait, keepAliveMs - (now - lastOutput));
    if (silenceLimitMs > 0) wait = Math.min(wait, silenceLimitMs - (now - lastInput));
    return Math.max(1, wait);
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      out = controller;
      if (keepAliveMs > 0 || silenceLimitMs > 0) timer = setTimeout(tick, nextTick(Date.now()));
    },
    async pull() {
      // Read until something is sent (or the stream ends): one pull, one enqueue at least.
      while (!closed) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          send(step(() => converter.reader.fail(err)));
          close(false);
          return;
        }
        if (closed) return; // the client left, or Gemini went silent, while we waited
        if (chunk.done) {
          send(step(() => converter.reader.end()));
          close(false);
          return;
        }
        lastInput = Date.now();
        const sent = send(step(() => converter.reader.push(chunk.value)));
        // Answered in full (an error event): stop reading Gemini, nothing more will be sent.
        if (converter.done) return close(true);
        if (sent) return;
      }
    },
    cancel() {
      closed = true;
      converter.abandon();
      stopTimer();
      return reader.cancel().catch(() => undefined);
    },
  }, { highWaterMark: 0 }); // read Gemini only for a client that is reading
}
