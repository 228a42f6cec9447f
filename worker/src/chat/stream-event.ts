// The stream's fast path: reads the common Gemini stream event without JSON.parse.
//
// Nearly every event of a long answer is one candidate with text parts, cumulative usage and a
// few metadata strings. JSON.parse builds ten objects for it and was half the CPU of a stream
// (about 2 µs of a ~2.5 µs event budget; Cloudflare's free plan gives 10 ms for the whole
// request). This reader walks the same text once, builds nothing but the slices it hands over,
// and keeps each text part as the JSON string literal it already is, so the chunk needs no
// JSON.stringify either.
//
// It is an accelerator, not a second converter: it answers only when it is sure the generic
// path (JSON.parse, then stream.ts) would read the same thing, and says "not mine" otherwise.
// - Everything it accepts is valid JSON: strict number grammar, escapes checked, no control
//   characters anywhere, nothing after the object. Invalid input always goes the generic way,
//   which reports it.
// - It accepts only: a top-level object, `candidates` holding exactly one object, whose
//   `content.parts` are objects with a string `text` (plus `thought`, `thoughtSignature` and
//   other keys that do not change what a text part shows). `error`, `logprobsResult`,
//   `functionCall`, a missing or non-string text, a key repeated or spelled with escapes where
//   it matters, anything else unusual: not mine.
// - A text literal is reused as is only when it is exactly what JSON.stringify would write
//   (escapes limited to \" \\ \b \f \n \r \t and lowercase \u00XX for the other control
//   characters); otherwise that literal alone is re-encoded. A \u escape of a surrogate is not
//   mine: two parts could join a pair that each part alone would escape.

export const CONTENT = 0;
export const REASONING = 1;
export type SegmentKind = typeof CONTENT | typeof REASONING;

const QUOTE = 34; // "
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const COMMA = 44;
const COLON = 58;
const SPACE = 32;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const PLUS = 43;
const LOWER_E = 101;
const UPPER_E = 69;

/** Deeper than this, a skipped value is left to JSON.parse (Gemini's metadata is shallow). */
const MAX_DEPTH = 32;

/** Any control character: JSON allows \t \n \r only between tokens, which Gemini never sends. */
const CONTROL = /[\x00-\x1f]/;

/** How a string literal compares with what JSON.stringify writes for its value. */
const SAME = 0;
const REENCODE = 1;
const SURROGATE = 2;

export class StreamEventReader {
  /** Raw JSON of `usageMetadata` (always an object) when the event has one. */
  usage: string | undefined;
  /** The candidate's `index`, 0 when absent (as the generic path reads a lone candidate). */
  index = 0;
  /** The candidate's `finishReason` when present. */
  finishReason: string | undefined;
  /** Segments in order, neighbours of one kind merged: kinds[i] and JSON string literals texts[i], i < count. */
  readonly kinds: SegmentKind[] = [];
  readonly texts: string[] = [];
  count = 0;

  /** Position of the next backslash at or after the scan, -1 when none is left. */
  private backslash = -1;
  /** Set by string(): how the last literal compares with JSON.stringify, and whether it had escapes. */
  private form = SAME;
  private escaped = false;
  private sawCandidates = false;
  private sawUsage = false;

  /** Reads `data`; false means "not mine" (use JSON.parse), and the fields are then meaningless. */
  read(d: string): boolean {
    if (CONTROL.test(d)) return false;
    this.usage = undefined;
    this.index = 0;
    this.finishReason = undefined;
    this.count = 0;
    this.sawCandidates = false;
    this.sawUsage = false;
    this.backslash = d.indexOf('\\');
    let p = ws(d, 0);
    if (d.charCodeAt(p) !== LBRACE) return false;
    p = this.top(d, p);
    if (p < 0) return false;
    return ws(d, p) === d.length && this.sawCandidates;
  }

  /** p at `{`; returns the position after `}`, or -1. */
  private top(d: string, p: number): number {
    p = ws(d, p + 1);
    if (d.charCodeAt(p) === RBRACE) return p + 1;
    for (;;) {
      const k = this.key(d, p);
      if (k < 0) return -1;
      const len = k - p - 1;
      p = this.colon(d, k);
      if (p < 0) return -1;
      if (len === 10 && d.startsWith('candidates', k - len)) {
        if (this.sawCandidates) return -1;
        this.sawCandidates = true;
        p = this.candidates(d, p);
      } else if (len === 13 && d.startsWith('usageMetadata', k - len)) {
        if (this.sawUsage || d.charCodeAt(p) !== LBRACE) return -1;
        this.sawUsage = true;
        const start = p;
        p = this.skip(d, p, 0);
        if (p > 0) this.usage = d.slice(start, p);
      } else if (len === 5 && d.startsWith('error', k - len)) {
        return -1;
      } else {
        p = this.skip(d, p, 0);
      }
      p = next(d, p);
      if (p < 0 || d.charCodeAt(p - 1) === RBRACE) return p;
    }
  }

  /** p at the value of `candidates`: exactly one candidate object. */
  private candidates(d: string, p: number): number {
    if (d.charCodeAt(p) !== LBRACKET) return -1;
    p = ws(d, p + 1);
    if (d.charCodeAt(p) !== LBRACE) return -1;
    p = ws(d, this.candidate(d, p));
    return d.charCodeAt(p) === RBRACKET ? p + 1 : -1;
  }

  private candidate(d: string, p: number): number {
    p = ws(d, p + 1);
    if (d.charCodeAt(p) === RBRACE) return p + 1;
    let sawContent = false;
    let sawIndex = false;
    let sawFinish = false;
    for (;;) {
      const k = this.key(d, p);
      if (k < 0) return -1;
      const len = k - p - 1;
      p = this.colon(d, k);
      if (p < 0) return -1;
      if (len === 7 && d.startsWith('content', k - len)) {
        if (sawContent) return -1;
        sawContent = true;
        p = this.content(d, p);
      } else if (len === 12 && d.startsWith('finishReason', k - len)) {
        if (sawFinish || d.charCodeAt(p) !== QUOTE) return -1;
        sawFinish = true;
        const q = this.string(d, p);
        if (q < 0 || this.escaped) return -1;
        this.finishReason = d.slice(p + 1, q);
        p = q + 1;
      } else if (len === 5 && d.startsWith('index', k - len)) {
        if (sawIndex) return -1;
        sawIndex = true;
        p = this.smallInteger(d, p);
      } else if (len === 14 && d.startsWith('logprobsResult', k - len)) {
        return -1;
      } else {
        p = this.skip(d, p, 0);
      }
      p = next(d, p);
      if (p < 0 || d.charCodeAt(p - 1) === RBRACE) return p;
    }
  }

  /** `index`: 0 to 9999 without sign, fraction or exponent; anything else is JSON.parse's. */
  private smallInteger(d: string, p: number): number {
    const start = p;
    let n = 0;
    for (let c = d.charCodeAt(p); c >= ZERO && c <= NINE; c = d.charCodeAt(++p)) n = n * 10 + (c - ZERO);
    const len = p - start;
    if (len === 0 || len > 4 || (len > 1 && d.charCodeAt(start) === ZERO)) return -1;
    const c = d.charCodeAt(p);
    if (c === DOT || c === LOWER_E || c === UPPER_E) return -1;
    this.index = n;
    return p;
  }

  /** `content`: an object whose `parts` (if any) are read; other keys (role) are skipped. */
  private content(d: string, p: number): number {
    if (d.charCodeAt(p) !== LBRACE) return -1;
    p = ws(d, p + 1);
    if (d.charCodeAt(p) === RBRACE) return p + 1;
    let sawParts = false;
    for (;;) {
      const k = this.key(d, p);
      if (k < 0) return -1;
      const len = k - p - 1;
      p = this.colon(d, k);
      if (p < 0) return -1;
      if (len === 5 && d.startsWith('parts', k - len)) {
        if (sawParts) return -1;
        sawParts = true;
        p = this.parts(d, p);
      } else {
        p = this.skip(d, p, 0);
      }
      p = next(d, p);
      if (p < 0 || d.charCodeAt(p - 1) === RBRACE) return p;
    }
  }

  private parts(d: string, p: number): number {
    if (d.charCodeAt(p) !== LBRACKET) return -1;
    p = ws(d, p + 1);
    if (d.charCodeAt(p) === RBRACKET) return p + 1;
    for (;;) {
      if (d.charCodeAt(p) !== LBRACE) return -1;
      p = ws(d, this.part(d, p));
      const c = d.charCodeAt(p);
      if (c === RBRACKET) return p + 1;
      if (c !== COMMA) return -1;
      p = ws(d, p + 1);
    }
  }

  /** One part: a string `text`, optionally `thought`; appended to (or merged into) the segments. */
  private part(d: string, p: number): number {
    p = ws(d, p + 1);
    if (d.charCodeAt(p) === RBRACE) return -1;
    let textStart = -1;
    let textEnd = -1;
    let textForm = SAME;
    let thought: boolean | undefined;
    for (;;) {
      const k = this.key(d, p);
      if (k < 0) return -1;
      const len = k - p - 1;
      p = this.colon(d, k);
      if (p < 0) return -1;
      if (len === 4 && d.startsWith('text', k - len)) {
        if (textStart !== -1 || d.charCodeAt(p) !== QUOTE) return -1;
        const q = this.string(d, p);
        if (q < 0 || this.form === SURROGATE) return -1;
        textStart = p;
        textEnd = q + 1;
        textForm = this.form;
        p = textEnd;
      } else if (len === 7 && d.startsWith('thought', k - len)) {
        if (thought !== undefined) return -1;
        thought = d.startsWith('true', p);
        p = this.skip(d, p, 0);
      } else if (len === 12 && d.startsWith('functionCall', k - len)) {
        return -1;
      } else {
        p = this.skip(d, p, 0);
      }
      p = next(d, p);
      if (p < 0) return -1;
      if (d.charCodeAt(p - 1) === RBRACE) break;
    }
    if (textStart === -1) return -1;
    // An empty text shows nothing and, as in mapParts, does not break a run of one kind.
    if (textEnd - textStart === 2) return p;
    const raw = d.slice(textStart, textEnd);
    const literal = textForm === SAME ? raw : JSON.stringify(JSON.parse(raw) as string);
    const kind: SegmentKind = thought === true ? REASONING : CONTENT;
    const last = this.count - 1;
    if (last >= 0 && this.kinds[last] === kind) {
      this.texts[last] = `${(this.texts[last] as string).slice(0, -1)}${literal.slice(1)}`;
    } else {
      this.kinds[this.count] = kind;
      this.texts[this.count] = literal;
      this.count++;
    }
    return p;
  }

  /** p at a key's opening quote; returns its closing quote, or -1 (also for a key with escapes). */
  private key(d: string, p: number): number {
    if (d.charCodeAt(p) !== QUOTE) return -1;
    const q = this.string(d, p);
    return this.escaped ? -1 : q;
  }

  /** q at a key's closing quote; returns the position of its value, or -1. */
  private colon(d: string, q: number): number {
    const p = ws(d, q + 1);
    return d.charCodeAt(p) === COLON ? ws(d, p + 1) : -1;
  }

  /**
   * p at an opening quote; returns the closing quote's position, or -1 for a bad escape or no
   * end. Sets `escaped` and `form`.
   */
  private string(d: string, p: number): number {
    let q = d.indexOf('"', p + 1);
    if (q < 0) return -1;
    let b = this.backslash;
    if (b !== -1 && b <= p) b = this.backslash = d.indexOf('\\', p + 1);
    if (b === -1 || b > q) {
      this.escaped = false;
      this.form = SAME;
      return q;
    }
    let form = SAME;
    while (b !== -1 && b < q) {
      const c = d.charCodeAt(b + 1);
      if (c === QUOTE || c === BACKSLASH || c === 110 /* n */ || c === 114 /* r */ || c === 116 /* t */ || c === 98 /* b */ || c === 102 /* f */) {
        b += 2;
      } else if (c === 47 /* / */) {
        form = Math.max(form, REENCODE);
        b += 2;
      } else if (c === 117 /* u */) {
        const code = hex4(d, b + 2);
        if (code < 0) return -1;
        if (code >= 0xd800 && code <= 0xdfff) form = SURROGATE;
        else if (!isStringifyEscape(d, b, code)) form = Math.max(form, REENCODE);
        b += 6;
      } else {
        return -1;
      }
      // The escape may have hidden the quote found first (\"): look again past it.
      if (q < b) {
        q = d.indexOf('"', b);
        if (q < 0) return -1;
      }
      b = d.indexOf('\\', b);
    }
    this.backslash = b;
    this.escaped = true;
    this.form = form;
    return q;
  }

  /** p at any JSON value; returns the position after it, or -1. Validates, builds nothing. */
  private skip(d: string, p: number, depth: number): number {
    const c = d.charCodeAt(p);
    if (c === QUOTE) {
      const q = this.string(d, p);
      return q < 0 ? -1 : q + 1;
    }
    if ((c >= ZERO && c <= NINE) || c === MINUS) return number(d, p);
    if (c === LBRACE) {
      if (depth >= MAX_DEPTH) return -1;
      p = ws(d, p + 1);
      if (d.charCodeAt(p) === RBRACE) return p + 1;
      for (;;) {
        if (d.charCodeAt(p) !== QUOTE) return -1;
        const q = this.string(d, p);
        if (q < 0) return -1;
        p = this.colon(d, q);
        if (p < 0) return -1;
        p = next(d, this.skip(d, p, depth + 1));
        if (p < 0 || d.charCodeAt(p - 1) === RBRACE) return p;
      }
    }
    if (c === LBRACKET) {
      if (depth >= MAX_DEPTH) return -1;
      p = ws(d, p + 1);
      if (d.charCodeAt(p) === RBRACKET) return p + 1;
      for (;;) {
        p = this.skip(d, p, depth + 1);
        if (p < 0) return -1;
        p = ws(d, p);
        const e = d.charCodeAt(p);
        if (e === RBRACKET) return p + 1;
        if (e !== COMMA) return -1;
        p = ws(d, p + 1);
      }
    }
    if (c === 116 /* t */) return d.startsWith('true', p) ? p + 4 : -1;
    if (c === 102 /* f */) return d.startsWith('false', p) ? p + 5 : -1;
    if (c === 110 /* n */) return d.startsWith('null', p) ? p + 4 : -1;
    return -1;
  }
}

/**
 * After an object member's value (p, or -1): past a `,` to the next key, or past the closing
 * `}` (the caller checks d[p - 1]); -1 for anything else.
 */
function next(d: string, p: number): number {
  if (p < 0) return -1;
  p = ws(d, p);
  const c = d.charCodeAt(p);
  if (c === COMMA) return ws(d, p + 1);
  return c === RBRACE ? p + 1 : -1;
}

/** Skips spaces: the only whitespace left once control characters are ruled out. */
function ws(d: string, p: number): number {
  while (d.charCodeAt(p) === SPACE) p++;
  return p;
}

/** RFC 8259 number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?; returns the position after it, or -1. */
function number(d: string, p: number): number {
  if (d.charCodeAt(p) === MINUS) p++;
  let c = d.charCodeAt(p);
  if (c === ZERO) c = d.charCodeAt(++p);
  else if (c > ZERO && c <= NINE) while ((c = d.charCodeAt(++p)) >= ZERO && c <= NINE);
  else return -1;
  if (c === DOT) {
    c = d.charCodeAt(++p);
    if (!(c >= ZERO && c <= NINE)) return -1;
    while ((c = d.charCodeAt(++p)) >= ZERO && c <= NINE);
  }
  if (c === LOWER_E || c === UPPER_E) {
    c = d.charCodeAt(++p);
    if (c === PLUS || c === MINUS) c = d.charCodeAt(++p);
    if (!(c >= ZERO && c <= NINE)) return -1;
    while ((c = d.charCodeAt(++p)) >= ZERO && c <= NINE);
  }
  return p;
}

/** The value of 4 hex digits at p, or -1. */
function hex4(d: string, p: number): number {
  let n = 0;
  for (let i = p; i < p + 4; i++) {
    const c = d.charCodeAt(i);
    const v = c >= ZERO && c <= NINE ? c - ZERO : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (v < 0) return -1;
    n = n * 16 + v;
  }
  return n;
}

/** True when the \u escape at b is the one JSON.stringify writes: a control character without a short form, lowercase. */
function isStringifyEscape(d: string, b: number, code: number): boolean {
  if (code >= 0x20 || code === 8 || code === 9 || code === 10 || code === 12 || code === 13) return false;
  for (let i = b + 2; i < b + 6; i++) {
    const c = d.charCodeAt(i);
    if (c >= 65 && c <= 70) return false; // uppercase A-F
  }
  return true;
}
