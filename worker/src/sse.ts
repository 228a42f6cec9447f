// Server-sent events framing, in one place: the parser of Gemini's `alt=sse` bodies and the
// encoder of the frames we send. Follows the WHATWG HTML "event stream interpretation" rules
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation),
// keeping only what a data-only stream needs: `data:` fields, blank-line dispatch, comments and
// other fields ignored, CRLF / LF / CR line ends, a leading BOM dropped.
//
// Hot path: every byte of a stream passes through here, so the parser decodes each chunk once
// (TextDecoder in stream mode keeps a UTF-8 sequence split across chunks intact), finds line ends
// with indexOf, and never rescans or re-concatenates a partial line: its pieces wait in an array
// and are joined once, when the line ends.

/** Largest event the parser accepts (UTF-16 code units of data, about bytes for JSON): 16 MiB. */
export const MAX_SSE_EVENT_SIZE = 16 * 1024 * 1024;

export class SseEventTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`server-sent event larger than ${limit} characters`);
    this.name = 'SseEventTooLargeError';
  }
}

const LF = 10;
const CR = 13;

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly maxEventSize: number;
  /** Pieces of the current, unterminated line (it spans chunks). */
  private pending: string[] = [];
  private pendingLength = 0;
  /** `data:` values of the current event, joined with \n at dispatch: nearly always just one. */
  private firstData: string | undefined;
  private moreData: string[] | undefined;
  private dataLength = 0;
  /** The last chunk ended in CR: a LF opening the next one belongs to that line end. */
  private skipLF = false;

  constructor(options: { maxEventSize?: number } = {}) {
    this.maxEventSize = options.maxEventSize ?? MAX_SSE_EVENT_SIZE;
  }

  /** Feeds bytes; returns the data of every event completed by them, in order. */
  push(chunk: Uint8Array): string[] {
    return this.pushText(this.decoder.decode(chunk, { stream: true }));
  }

  /**
   * Ends the stream. Unlike the HTML rules (which drop an event the stream ends inside of), a
   * last event whose blank line never came is dispatched: a complete JSON event must not be lost
   * to a missing `\r\n`, and a truncated one fails to parse and is reported by the caller.
   */
  end(): string[] {
    const events = this.pushText(this.decoder.decode());
    if (this.pendingLength > 0 || this.pending.length > 0) {
      const line = this.pending.join('');
      this.pending = [];
      this.pendingLength = 0;
      this.line(line, events);
    }
    this.dispatch(events);
    return events;
  }

  private pushText(text: string): string[] {
    const events: string[] = [];
    const length = text.length;
    let start = 0;
    if (this.skipLF && length > 0) {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    // Next LF / CR at or after `start`; -1 means "none left in this chunk", so a stream framed
    // with LF alone costs one failed CR search per chunk, not one per line.
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    while (start < length) {
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) {
        this.pending.push(text.slice(start));
        this.pendingLength += length - start;
        this.checkSize();
        break;
      }
      const lineStart = start;
      start = end + 1;
      if (text.charCodeAt(end) === CR) {
        if (start === length) this.skipLF = true;
        else if (text.charCodeAt(start) === LF) start++;
      }
      if (this.pending.length > 0) {
        this.pending.push(text.slice(lineStart, end));
        const line = this.pending.join('');
        this.pending = [];
        this.pendingLength = 0;
        this.line(line, events);
      } else if (end === lineStart) {
        this.dispatch(events);
      } else if (text.startsWith('data:', lineStart)) {
        // The common line, read in place: one slice for the value, none for the line.
        this.addData(text.slice(text.charCodeAt(lineStart + 5) === 32 ? lineStart + 6 : lineStart + 5, end));
      } else {
        this.line(text.slice(lineStart, end), events);
      }
    }
    return events;
  }

  private line(line: string, events: string[]): void {
    if (line.length === 0) {
      this.dispatch(events);
      return;
    }
    // Fast path for the one field that matters: "data:" and "data: ".
    if (line.startsWith('data:')) {
      this.addData(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    // A bare "data" line is a data field with an empty value; event, id, retry are ignored.
    if (line === 'data') this.addData('');
  }

  private addData(value: string): void {
    if (this.firstData === undefined) this.firstData = value;
    else (this.moreData ??= []).push(value);
    this.dataLength += value.length + 1;
    this.checkSize();
  }

  private checkSize(): void {
    if (this.dataLength + this.pendingLength > this.maxEventSize) {
      this.firstData = undefined;
      this.moreData = undefined;
      this.dataLength = 0;
      this.pending = [];
      this.pendingLength = 0;
      throw new SseEventTooLargeError(this.maxEventSize);
    }
  }

  private dispatch(events: string[]): void {
    const first = this.firstData;
    if (first === undefined) return;
    events.push(this.moreData === undefined ? first : `${first}\n${this.moreData.join('\n')}`);
    this.firstData = undefined;
    this.moreData = undefined;
    this.dataLength = 0;
  }
}

/** The text of one `data:` frame. JSON.stringify output is one line; other text is split. */
export function sseDataFrame(data: string): string {
  if (data.indexOf('\n') === -1 && data.indexOf('\r') === -1) return `data: ${data}\n\n`;
  return `${data.split(/\r\n|\r|\n/).map((l) => `data: ${l}`).join('\n')}\n\n`;
}

const encoder = new TextEncoder();

/** Above this many UTF-16 units, text is encoded directly rather than through the scratch buffer. */
const MAX_SCRATCH_TEXT = 1 << 20;

/**
 * TextEncoder.encode, about twice as fast on a stream's output in Node: encodeInto a reused
 * buffer, then one copy of what was written (encode measures the UTF-8 length, allocates, then
 * writes). The bytes returned are always fresh, so they can be enqueued and the buffer reused.
 */
export class Utf8Encoder {
  private scratch = new Uint8Array(0);

  encode(text: string): Uint8Array {
    // A UTF-16 unit never takes more than 3 UTF-8 bytes (a surrogate pair: 4 for 2 units).
    const worst = text.length * 3;
    if (worst > this.scratch.length) {
      if (text.length > MAX_SCRATCH_TEXT) return encoder.encode(text);
      this.scratch = new Uint8Array(Math.max(worst, 64 * 1024));
    }
    return this.scratch.slice(0, encoder.encodeInto(text, this.scratch).written);
  }
}

/** One `data:` frame as bytes. */
export function encodeSseData(data: string): Uint8Array {
  return encoder.encode(sseDataFrame(data));
}

/** A comment frame: clients ignore it; proxies and idle timers see bytes move. */
export const SSE_KEEPALIVE_TEXT = ': keep-alive\n\n';
export const SSE_KEEPALIVE: Uint8Array = encoder.encode(SSE_KEEPALIVE_TEXT);

/** OpenAI's end-of-stream sentinel. */
export const SSE_DONE_TEXT = 'data: [DONE]\n\n';
export const SSE_DONE: Uint8Array = encoder.encode(SSE_DONE_TEXT);
