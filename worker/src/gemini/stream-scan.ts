// The stream's fast path: reads the common Gemini stream event without JSON.parse.
//
// Nearly every event of a long answer is one candidate with one text part, cumulative usage and
// two metadata strings:
//
//   {"candidates": [{"content": {"parts": [{"text": "Hello"}],"role": "model"},"index": 0}],
//    "usageMetadata": {"promptTokenCount": 8,"candidatesTokenCount": 3,"totalTokenCount": 11},
//    "modelVersion": "gemini-2.5-flash","responseId": "mSbQaM2xLYqHz7IP8cLx2Ac"}
//
// JSON.parse builds about ten objects for it, and the text then goes out through JSON.stringify:
// that was most of a stream's CPU (Cloudflare's free plan gives 10 ms for a whole request,
// streaming included). This scanner walks the event once, builds nothing but the result, and
// hands the text over as the JSON string literal it already is, so no JSON.stringify either.
//
// An accelerator, not a second reader: whatever it declines (returns null for) goes to
// JSON.parse and the generic path (stream.ts), so it only has to be right about what it accepts:
// - Everything it accepts is valid JSON (RFC 8259): strings and numbers are matched by the
//   grammar's own regular expressions, and every value it skips is checked the same way.
// - It accepts one shape, in any member order, with any JSON whitespace:
//     { "candidates": [ CANDIDATE ], "usageMetadata": {...}, other... }
//     CANDIDATE = { "content": { "parts": [ PART ], other... }, "finishReason": s, "index": n, other... }
//     PART      = { "text": s, "thought": true|false, "thoughtSignature": s }
//   "other" is any member the generic path does not read, skipped (and checked). A member the
//   generic path reads (error, promptFeedback, logprobsResult, groundingMetadata, a part's
//   functionCall...) makes it decline, as does any member it reads appearing twice (JSON.parse
//   would keep the last one) or a key written with escapes (it could spell one of those).
// - The text comes out exactly as JSON.stringify would write it: verbatim when the literal has no
//   escapes and no surrogates (nearly always), else decoded and re-encoded on its own.

/** A JSON string (RFC 8259 §7): no raw control characters, only the defined escapes. */
const STRING = /"[^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\u0000-\u001f]*)*"/y;
/** A JSON string without escapes: nearly every string Gemini writes (tried first, it says so). */
const PLAIN_STRING = /"[^"\\\u0000-\u001f]*"/y;
/** A JSON number (RFC 8259 §6). */
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** A string literal whose escapes are all ones JSON.stringify writes (\u00XX of control
 * characters aside: rare, and re-encoding is always right). */
const SHORT_ESCAPES_ONLY = /^"[^\\]*(?:\\["\\bfnrt][^\\]*)*"$/;
/** A candidate index as the generic path would take it: a small non-negative integer. */
const INDEX = /^(?:0|[1-9][0-9]{0,3})$/;

/** Nesting the scanner skips (usage details, safety ratings are 2 or 3 deep). */
const MAX_DEPTH = 8;

/**
 * Longer events go to JSON.parse: V8's regexp engine keeps a backtracking entry per escape in a
 * string and could overflow on megabytes of them; per-event costs no longer matter at that size.
 */
export const MAX_SCANNED_EVENT = 1 << 20;

/** What the scanner reads from a common event: exactly what the generic path would. */
export interface ScannedEvent {
  /** The candidate's index (0 when absent, as for a lone candidate). */
  candidate: number;
  /** The text as JSON.stringify writes it ('""' for none). */
  json: string;
  /** A thought summary rather than answer text. */
  thought: boolean;
  signature: string | undefined;
  finishReason: string | undefined;
  /** usageMetadata (an object) as raw JSON, when present: parsed once, when it is needed. */
  usage: string | undefined;
}

/** Thrown inside the scanner to decline; never escapes scanEvent. Not an Error: no stack to build. */
const DECLINE = Symbol('decline');

const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/** The event read without JSON.parse, or null when it is not of the common shape. */
export function scanEvent(data: string): ScannedEvent | null {
  if (data.length > MAX_SCANNED_EVENT) return null;
  try {
    return new Scanner(data).event();
  } catch (err) {
    if (err === DECLINE) return null;
    if (err instanceof RangeError) return null; // the regexp's backtracking stack ran out: JSON.parse copes
    throw err;
  }
}

/** String.prototype.isWellFormed (ES2024; Node 20 and workerd have it, TypeScript's ES2023 lib not). */
type MaybeWellFormed = string & { isWellFormed(): boolean };

class Scanner {
  /** Where the scanner is. */
  private i = 0;
  /** The last string literal read: s[start, i), quotes included, and whether it has escapes. */
  private start = 0;
  private escaped = false;
  /** The last key read: s[keyStart, keyEnd), quotes included. */
  private keyStart = 0;
  private keyEnd = 0;
  private readonly s: string;

  constructor(s: string) {
    this.s = s;
  }

  // --- The shape ----------------------------------------------------------------------------
  // Each object is read member by member: `for (more = firstMember(); more; more = nextMember())`
  // with the member's key just read, so `keyIs(...)` says which it is and the body reads its value.

  event(): ScannedEvent {
    const out: ScannedEvent = { candidate: 0, json: '', thought: false, signature: undefined, finishReason: undefined, usage: undefined };
    let candidates = false;
    for (let more = this.firstMember(); more; more = this.nextMember()) {
      if (this.keyIs('candidates')) {
        if (candidates) throw DECLINE;
        candidates = true;
        this.expect(OPEN_BRACKET);
        this.candidate(out);
        this.expect(CLOSE_BRACKET);
      } else if (this.keyIs('usageMetadata')) {
        if (out.usage !== undefined || this.peek() !== OPEN_BRACE) throw DECLINE;
        const start = this.i;
        this.skip(0);
        out.usage = this.s.slice(start, this.i);
      } else if (this.keyIs('error') || this.keyIs('promptFeedback')) {
        throw DECLINE; // the generic path's
      } else {
        this.skip(0);
      }
    }
    this.space();
    if (!candidates || this.i !== this.s.length) throw DECLINE;
    return out;
  }

  private candidate(out: ScannedEvent): void {
    let content = false;
    let finish = false;
    let index = false;
    for (let more = this.firstMember(); more; more = this.nextMember()) {
      if (this.keyIs('content')) {
        if (content) throw DECLINE;
        content = true;
        this.content(out);
      } else if (this.keyIs('finishReason')) {
        if (finish) throw DECLINE;
        finish = true;
        this.string();
        if (this.escaped) throw DECLINE;
        out.finishReason = this.s.slice(this.start + 1, this.i - 1);
      } else if (this.keyIs('index')) {
        if (index) throw DECLINE;
        index = true;
        const n = this.number();
        if (!INDEX.test(n)) throw DECLINE;
        out.candidate = Number(n);
      } else if (this.keyIs('logprobsResult') || this.keyIs('groundingMetadata')) {
        throw DECLINE; // the generic path's
      } else {
        this.skip(0); // safety ratings, citations, avgLogprobs...
      }
    }
    if (!content) throw DECLINE;
  }

  private content(out: ScannedEvent): void {
    let parts = false;
    for (let more = this.firstMember(); more; more = this.nextMember()) {
      if (!this.keyIs('parts')) {
        this.skip(0); // role
        continue;
      }
      if (parts) throw DECLINE;
      parts = true;
      this.expect(OPEN_BRACKET);
      this.part(out);
      this.expect(CLOSE_BRACKET);
    }
    if (!parts) throw DECLINE;
  }

  /** A text part; any other member (functionCall, inlineData...) is the generic path's. */
  private part(out: ScannedEvent): void {
    let textStart = -1;
    let textEnd = -1;
    let escaped = false;
    let thought: boolean | undefined;
    let signature = false;
    for (let more = this.firstMember(); more; more = this.nextMember()) {
      if (this.keyIs('text') && textStart < 0) {
        this.string();
        textStart = this.start;
        textEnd = this.i;
        escaped = this.escaped;
      } else if (this.keyIs('thought') && thought === undefined) {
        thought = this.boolean();
      } else if (this.keyIs('thoughtSignature') && !signature) {
        signature = true;
        this.string();
        const literal = this.s.slice(this.start, this.i);
        const value = this.escaped ? (JSON.parse(literal) as string) : literal.slice(1, -1);
        if (value !== '') out.signature = value;
      } else {
        throw DECLINE;
      }
    }
    if (textStart < 0) throw DECLINE;
    const literal = this.s.slice(textStart, textEnd);
    // JSON.stringify writes lone surrogates escaped (TextDecoder never produces them, but the
    // scanner does not rely on that), other characters as they are, and only the short escapes
    // below, \u00XX for other control characters: anything else is re-encoded.
    const canonical = (!escaped || SHORT_ESCAPES_ONLY.test(literal)) && (literal as MaybeWellFormed).isWellFormed();
    out.json = canonical ? literal : JSON.stringify(JSON.parse(literal) as string);
    out.thought = thought === true;
  }

  // --- JSON tokens --------------------------------------------------------------------------

  /** Skips JSON whitespace (RFC 8259: space, tab, line feed, carriage return). */
  private space(): void {
    let c = this.s.charCodeAt(this.i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = this.s.charCodeAt(++this.i);
  }

  private peek(): number {
    this.space();
    return this.s.charCodeAt(this.i);
  }

  /** Takes `ch` if it comes next. */
  private take(ch: number): boolean {
    if (this.peek() !== ch) return false;
    this.i++;
    return true;
  }

  private expect(ch: number): void {
    if (!this.take(ch)) throw DECLINE;
  }

  /** Opens an object; true when it has a member, whose key is then read. */
  private firstMember(): boolean {
    this.expect(OPEN_BRACE);
    if (this.take(CLOSE_BRACE)) return false;
    this.key();
    return true;
  }

  /** After a member's value: true when another member follows, whose key is then read. */
  private nextMember(): boolean {
    if (this.take(COMMA)) {
      this.key();
      return true;
    }
    this.expect(CLOSE_BRACE);
    return false;
  }

  /** A key and its colon. A key written with escapes declines: it could spell one we read. */
  private key(): void {
    this.string();
    if (this.escaped) throw DECLINE;
    this.keyStart = this.start;
    this.keyEnd = this.i;
    this.expect(COLON);
  }

  /** Whether the last key read is `name`. */
  private keyIs(name: string): boolean {
    return this.keyEnd - this.keyStart - 2 === name.length && this.s.startsWith(name, this.keyStart + 1);
  }

  /** A string literal, checked; its bounds are s[start, i). */
  private string(): void {
    if (this.peek() !== QUOTE) throw DECLINE;
    this.start = this.i;
    PLAIN_STRING.lastIndex = this.i;
    this.escaped = !PLAIN_STRING.test(this.s);
    if (!this.escaped) {
      this.i = PLAIN_STRING.lastIndex;
      return;
    }
    STRING.lastIndex = this.i;
    if (!STRING.test(this.s)) throw DECLINE;
    this.i = STRING.lastIndex;
  }

  private number(): string {
    this.space();
    const start = this.i;
    NUMBER.lastIndex = start;
    if (!NUMBER.test(this.s)) throw DECLINE;
    this.i = NUMBER.lastIndex;
    return this.s.slice(start, this.i);
  }

  private boolean(): boolean {
    this.space();
    if (this.literal('true')) return true;
    if (this.literal('false')) return false;
    throw DECLINE;
  }

  private literal(word: string): boolean {
    if (!this.s.startsWith(word, this.i)) return false;
    this.i += word.length;
    return true;
  }

  /** Skips any JSON value, checking it is one. */
  private skip(depth: number): void {
    const c = this.peek();
    if (c === QUOTE) {
      this.string();
    } else if (c === OPEN_BRACE) {
      if (depth >= MAX_DEPTH) throw DECLINE;
      for (let more = this.firstMember(); more; more = this.nextMember()) this.skip(depth + 1);
    } else if (c === OPEN_BRACKET) {
      if (depth >= MAX_DEPTH) throw DECLINE;
      this.i++;
      if (this.take(CLOSE_BRACKET)) return;
      do this.skip(depth + 1);
      while (this.take(COMMA));
      this.expect(CLOSE_BRACKET);
    } else if (!this.literal('true') && !this.literal('false') && !this.literal('null')) {
      this.number();
    }
  }
}
