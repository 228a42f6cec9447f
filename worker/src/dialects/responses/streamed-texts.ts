// The whole texts of a Responses stream's items, for the frames that repeat them, and the bytes
// of the delta frames that stream them.
//
// OpenAI's grammar writes an item's whole text four more times once it ends (output_text.done,
// content_part.done, output_item.done and response.completed; reasoning's summary the same way).
// Those frames must be there (the SDKs' stream helpers and Codex read them), and must cost next to
// nothing: so each text is kept as the UTF-8 bytes of its JSON string literal, and the end frames
// hold a stand-in (a token) that bytes() replaces by copying those bytes. The whole text is never
// escaped, decoded or serialised again.
//
// A delta's literal (Gemini's text arrives already JSON-escaped) is kept as it is, and the
// literals waiting are encoded together, a batch at a time, into their text's bytes: one join and
// one encodeInto for many deltas rather than a copy per delta (most of a delta's cost was that).
//
// The delta frame itself, when it is the step's whole output (nearly every step of a stream: one
// Gemini event per network chunk), is written without building its string: its item's fixed head
// (`event: ...` up to `"delta":`, ASCII) is encoded once per item, and head, literal and tail are
// written straight into a shared slab (frame-slab.ts), the frame handed out as a view of it.
// Otherwise (several events in one chunk, the first step with response.created) the step
// is encoded as a whole. Tokens are NUL-delimited with a random part: model text cannot forge one
// (a NUL inside a text is written \u0000 by Gemini and by JSON.stringify).
import { concatBytes } from '@opengemini/shared';
import type { Utf8Encoder } from '../../sse';
import type { StandIns } from '../../sse-stream';
import { FrameSlab } from './frame-slab';

const QUOTE = 0x22;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Deltas encoded into their text together: enough to make the batch's fixed cost vanish, few
 * enough that the decoded Gemini events they point into are not all kept until the end. */
const BATCH = 16;
/** The largest piece a text's bytes are kept in. */
const MAX_PIECE = 64 * 1024;
/** How a token starts: its random part is drawn once (it never leaves the Worker, so no client
 * can learn it to forge a token in a text). */
const MARK = `\u0000og-${Math.random().toString(36).slice(2, 10)}-`;
/** `"\u0000og-xxxx-` : how JSON.stringify writes the start of a token. */
const WRITTEN_MARK = JSON.stringify(MARK).slice(0, -1);
/** A delta this long (UTF-16 units) is encoded with its step rather than as a frame of its own
 * (its bytes could be three times its length). */
const MAX_FRAME_DELTA = 1 << 16;

/** The fixed start of an item's delta frames, up to `"delta":`; ASCII (ids, numbers, names). */
export class DeltaHead {
  readonly bytes: Uint8Array;

  constructor(readonly text: string) {
    this.bytes = encoder.encode(text);
  }
}

/**
 * One item's text as the UTF-8 of its JSON string literal, and the deltas' literals not yet
 * encoded into it. The bytes are kept in pieces, each new one twice the last (up to MAX_PIECE):
 * a long text is never copied to make room.
 */
class TextBytes {
  private readonly full: Uint8Array[] = [];
  private piece = new Uint8Array(1024);
  private used = 1;
  private waiting: string[] = [];

  constructor() {
    this.piece[0] = QUOTE;
  }

  add(literal: string): void {
    if (this.waiting.push(literal) >= BATCH) this.settle();
  }

  /** The text's literal, closed: its bytes, in order. */
  close(): Uint8Array[] {
    this.settle();
    this.append('"');
    this.full.push(this.piece.subarray(0, this.used));
    return this.full;
  }

  /** The waiting literals' insides, joined, encoded once. */
  private settle(): void {
    const waiting = this.waiting;
    if (waiting.length === 0) return;
    let inside = '';
    for (const literal of waiting) inside += literal.slice(1, -1);
    this.waiting = [];
    this.append(inside);
  }

  private append(text: string): void {
    // A UTF-16 unit never takes more than 3 UTF-8 bytes.
    const worst = text.length * 3;
    if (this.used + worst > this.piece.byteLength) {
      this.full.push(this.piece.subarray(0, this.used));
      this.piece = new Uint8Array(Math.max(worst, Math.min(this.piece.byteLength * 2, MAX_PIECE)));
      this.used = 0;
    }
    this.used += encoder.encodeInto(text, this.piece.subarray(this.used)).written;
  }
}

/** What a token stands for: a streamed text's bytes, or a JSON value serialised once. */
class Spliced {
  private encoded: Uint8Array[] | undefined;

  constructor(
    private readonly pieces: Uint8Array[] | undefined,
    private json: string | undefined,
  ) {}

  /** The JSON text (a streamed text's is decoded once, when the string path asks). */
  text(): string {
    return (this.json ??= decoder.decode(concatBytes(this.pieces!)));
  }

  /** The JSON as UTF-8, in pieces (a value's is encoded once, when first spliced). */
  bytes(): Uint8Array[] {
    return this.pieces ?? (this.encoded ??= [encoder.encode(this.json!)]);
  }
}

export class StreamedTexts implements StandIns {
  private readonly texts: TextBytes[] = [];
  /** What each token stands for, by number. */
  private readonly spliced: Spliced[] = [];
  /**
   * The last delta frame, while it may be the step's whole output: its head, literal and tail,
   * and the frame's length (head, literal, tail). Fields, not an object: one per delta.
   */
  private frameHead: DeltaHead | undefined;
  private frameLiteral = '';
  private frameTail = '';
  private frameLength = 0;
  /** Where delta frames are written. */
  private readonly frames = new FrameSlab();
  private readonly mark = MARK;
  private readonly written = WRITTEN_MARK;

  /** A new, empty text; its number. */
  open(): number {
    return this.texts.push(new TextBytes()) - 1;
  }

  /**
   * A delta of text `text` was written: `literal` is its JSON string literal. With `head` and
   * `tail` (ASCII), its frame was exactly `head.text + literal + tail`, the last thing written.
   */
  sent(text: number, literal: string, head?: DeltaHead, tail = ''): void {
    this.texts[text]!.add(literal);
    // A second delta in the same step: the step is more than one frame.
    if (this.frameHead !== undefined || head === undefined || literal.length > MAX_FRAME_DELTA) {
      this.frameHead = undefined;
      return;
    }
    this.frameHead = head;
    this.frameLiteral = literal;
    this.frameTail = tail;
    this.frameLength = head.text.length + literal.length + tail.length;
  }

  /** Something more is written in this step: the last delta frame is not its whole output. */
  more(): void {
    this.frameHead = undefined;
  }

  /** Ends text `text`; the stand-in that the frames carrying its whole text hold. */
  close(text: number): string {
    return this.token(new Spliced(this.texts[text]!.close(), undefined));
  }

  /**
   * A stand-in for a value the stream repeats (a call's arguments): serialised once here, encoded
   * once, copied into every frame that holds the stand-in (the echo, already JSON, goes through json()).
   */
  value(value: unknown): string {
    return this.json(JSON.stringify(value));
  }

  /** value() for a value already serialised: `json` is its JSON text. */
  json(json: string): string {
    return this.token(new Spliced(undefined, json));
  }

  private token(spliced: Spliced): string {
    return `${this.mark}${this.spliced.push(spliced) - 1}\u0000`;
  }

  /** The JSON with every token's literal replaced by the JSON it stands for. */
  text(json: string): string {
    this.frameHead = undefined;
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
    const head = this.frameHead;
    this.frameHead = undefined;
    // The frame was written in this step (sent() in encode(), the fields reset here or in text()),
    // so a step of the same length is that frame alone: no need to compare the strings.
    if (head !== undefined && json.length === this.frameLength) return this.frame(head);
    if (!json.includes(this.written)) return utf8.encode(json);
    const pieces: Uint8Array[] = [];
    let at = 0;
    for (let start = json.indexOf(this.written); start !== -1; start = json.indexOf(this.written, at)) {
      const end = json.indexOf('\\u0000"', start + this.written.length);
      const index = Number(json.slice(start + this.written.length, end));
      pieces.push(utf8.encode(json.slice(at, start)), ...this.spliced[index]!.bytes());
      at = end + 7;
    }
    pieces.push(utf8.encode(json.slice(at)));
    return concatBytes(pieces);
  }

  /** The last delta's frame as bytes: its head's bytes, then the literal and tail encoded. */
  private frame(head: DeltaHead): Uint8Array {
    return this.frames.write(head.bytes, this.frameLiteral + this.frameTail);
  }
}
