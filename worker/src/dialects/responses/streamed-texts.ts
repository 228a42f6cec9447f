// The whole texts of a Responses stream's items, for the frames that repeat them.
//
// OpenAI's grammar writes an item's whole text four more times once it ends (output_text.done,
// content_part.done, output_item.done and response.completed; reasoning's summary the same way).
// Those frames must be there (the SDKs' stream helpers and Codex read them), and must cost next to
// nothing: so each text is kept as the UTF-8 bytes of its JSON string literal, gathered from the
// delta frames as they are sent (Gemini's text arrives already JSON-escaped and is encoded once,
// for its delta, anyway), and the end frames hold a stand-in (a token) that bytes() replaces by
// copying those bytes. The whole text is never escaped, decoded, concatenated as a string or
// encoded again.
//
// The bytes are taken from the encoded delta frame itself when the frame was the step's whole
// output and its parts around the text are ASCII (nearly every delta of a stream: one Gemini
// event per network chunk); otherwise (several events in one chunk, a delta carrying logprobs)
// the delta's literal is encoded on its own. Tokens are NUL-delimited with a random part: model
// text cannot forge one (a NUL inside a text is written \u0000 by Gemini and by JSON.stringify).
import { concatBytes } from '@opengemini/shared';
import type { Utf8Encoder } from '../../sse';
import type { StandIns } from '../../sse-stream';

const QUOTE = 0x22;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A delta sent for a text whose bytes are not yet added to it. */
interface Sent {
  text: number;
  /** The delta's JSON string literal. */
  literal: string;
}

/** Bytes appended at the end, in one buffer that doubles when full. */
class GrowingBytes {
  private buf = new Uint8Array(1024);
  private length = 0;

  append(bytes: Uint8Array): void {
    const need = this.length + bytes.byteLength;
    if (need > this.buf.byteLength) {
      const next = new Uint8Array(Math.max(need, this.buf.byteLength * 2));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(bytes, this.length);
    this.length = need;
  }

  push(byte: number): void {
    this.append(Uint8Array.of(byte));
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** What a token stands for: a streamed text's bytes, or a JSON value serialised once. */
class Spliced {
  private encoded: Uint8Array | undefined;

  constructor(
    private readonly grown: GrowingBytes | undefined,
    private json: string | undefined,
  ) {}

  /** The JSON text (a streamed text's is decoded once, when the string path asks). */
  text(): string {
    return (this.json ??= decoder.decode(this.grown!.view()));
  }

  /** The JSON as UTF-8 (a value's is encoded once, when first spliced). */
  bytes(): Uint8Array {
    return this.grown ? this.grown.view() : (this.encoded ??= encoder.encode(this.json!));
  }
}

export class StreamedTexts implements StandIns {
  /** Each text's JSON literal as UTF-8: its opening quote, the deltas' insides, and once closed its closing quote. */
  private readonly texts: GrowingBytes[] = [];
  /** What each token stands for, by number. */
  private readonly spliced: Spliced[] = [];
  /** Deltas whose literals are still to be encoded and added (settle). */
  private readonly pending: Sent[] = [];
  /**
   * The last delta, while its frame may be the step's whole output: its text, literal, frame and
   * the frame's ASCII characters before and after the literal. Fields, not an object: one per delta.
   */
  private frame: string | undefined;
  private frameText = 0;
  private frameLiteral = '';
  private frameHead = 0;
  private frameTail = 0;
  private readonly mark = `\u0000og-${Math.random().toString(36).slice(2, 10)}-`;
  /** `"\u0000og-xxxx-` : how JSON.stringify writes the start of a token. */
  private readonly written = JSON.stringify(this.mark).slice(0, -1);

  /** A new, empty text; its number. */
  open(): number {
    const text = new GrowingBytes();
    text.push(QUOTE);
    return this.texts.push(text) - 1;
  }

  /**
   * A delta of text `text` was written: `literal` is its JSON string literal. With `frame`, the
   * delta's whole frame as encode() returned it: `head` ASCII characters, the literal, ASCII ones.
   */
  sent(text: number, literal: string, frame?: string, head = 0): void {
    if (this.frame !== undefined) this.demote();
    if (frame === undefined) {
      this.pending.push({ text, literal });
      return;
    }
    this.frame = frame;
    this.frameText = text;
    this.frameLiteral = literal;
    this.frameHead = head;
    this.frameTail = frame.length - head - literal.length;
  }

  /** Ends text `text`; the stand-in that the frames carrying its whole text hold. */
  close(text: number): string {
    this.settle();
    const grown = this.texts[text]!;
    grown.push(QUOTE);
    return this.token(new Spliced(grown, undefined));
  }

  /**
   * A stand-in for a value the stream repeats (a call's arguments, the echoed instructions and
   * tools): serialised once here, encoded once, copied into every frame that holds the stand-in.
   */
  value(value: unknown): string {
    return this.token(new Spliced(undefined, JSON.stringify(value)));
  }

  private token(spliced: Spliced): string {
    return `${this.mark}${this.spliced.push(spliced) - 1}\u0000`;
  }

  /** The JSON with every token's literal replaced by the JSON it stands for. */
  text(json: string): string {
    this.settle();
    if (!json.includes(this.written)) return json;
    let out = '';
    let at = 0;
    for (let start = json.indexOf(this.written); start !== -1; start = json.indexOf(this.written, at)) {
      const end = json.indexOf('\\u0000"', start + this.written.length);
      const index = Number(json.slice(start + this.written.length, end));
      out += json.slice(at, start) + this.spliced[index]!.text();
      at = end + 7; // past the token's closing \u0000"
    }
    return out + json.slice(at);
  }

  /** text(json) as UTF-8: the pieces around the tokens encoded, the bytes each stands for copied in. */
  bytes(json: string, utf8: Utf8Encoder): Uint8Array {
    // The frame was written in this step (sent() in encode(), the fields reset here or in settle),
    // so a step of the same length is that frame alone: no need to compare the strings.
    if (this.frame !== undefined && this.pending.length === 0 && json.length === this.frame.length) {
      // The step is one delta frame: its text's bytes are inside the frame's.
      this.frame = undefined;
      const bytes = utf8.encode(json);
      this.texts[this.frameText]!.append(bytes.subarray(this.frameHead + 1, bytes.byteLength - this.frameTail - 1));
      return bytes;
    }
    this.settle();
    if (!json.includes(this.written)) return utf8.encode(json);
    const pieces: Uint8Array[] = [];
    let at = 0;
    for (let start = json.indexOf(this.written); start !== -1; start = json.indexOf(this.written, at)) {
      const end = json.indexOf('\\u0000"', start + this.written.length);
      const index = Number(json.slice(start + this.written.length, end));
      pieces.push(utf8.encode(json.slice(at, start)), this.spliced[index]!.bytes());
      at = end + 7;
    }
    pieces.push(utf8.encode(json.slice(at)));
    return concatBytes(pieces);
  }

  /** The last delta's frame is not the step's whole output: its literal waits with the others. */
  private demote(): void {
    this.pending.push({ text: this.frameText, literal: this.frameLiteral });
    this.frame = undefined;
  }

  /** Adds the deltas not taken from their frames, each literal's inside encoded on its own. */
  private settle(): void {
    if (this.frame !== undefined) this.demote();
    if (this.pending.length === 0) return;
    for (const sent of this.pending) this.texts[sent.text]!.append(encoder.encode(sent.literal.slice(1, -1)));
    this.pending.length = 0;
  }
}
