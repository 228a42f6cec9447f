// The stream's fast path: reads the common Gemini stream event without JSON.parse.
//
// Nearly every event of a long answer is one candidate with one text part, cumulative usage and
// two metadata strings. JSON.parse builds about ten objects for it and was most of a stream's
// CPU (Cloudflare's free plan gives 10 ms for the whole request, streaming included). One
// regular expression, built below from the JSON grammar, checks the same text in one native pass
// (4-5x faster than JSON.parse in Node) and hands the text part over as the JSON string literal
// it already is, so the chunk needs no JSON.stringify either. (A recursive-descent reader written
// in JS was measured too: no faster than JSON.parse, the cost being JS work per character.)
//
// An accelerator, not a second converter: what it does not match goes to JSON.parse and the
// generic path (stream.ts), so it only has to be right about what it matches:
// - Everything it matches is valid JSON (RFC 8259 strings with checked escapes and no control
//   characters, the number grammar), so JSON.parse would accept it and read the same values.
// - It matches one shape, in the order Gemini (and JSON.stringify in the mock) writes it:
//     { "candidates": [ { "content": { ["role": s,] "parts": [ PART ] [, "role": s] }
//                         [, "finishReason": s] [, other]* [, "index": n] [, other]* } ]
//       [, "usageMetadata": USAGE] [, other]* }
//     PART  = { "text": s [, "thought": true|false] [, "thoughtSignature": s] }
//     USAGE = an object of scalars and arrays of flat objects (the per-modality details)
//   "other" is a key spelled without escapes that the generic path does not read (never
//   candidates, usageMetadata or error at the top; never content, finishReason, index or
//   logprobsResult in the candidate) with a scalar value. A key the generic path reads cannot
//   appear twice, so JSON.parse's "last one wins" never comes into it.
// - Whitespace between tokens is spaces only, which is all Gemini writes.
// - The text goes out as JSON.stringify writes it: verbatim when the literal already is that
//   (nearly always), else re-encoded on its own (\/, \u00e9, an escaped surrogate...).
// Several parts, function calls, images, blocked prompts, errors, logprobs, nested metadata
// (safety ratings, citations, grounding): JSON.parse, as before.
//
// Every alternative in the pattern starts with its own character, so a failed match backtracks
// linearly (measured up to the 1 MiB cap), never exponentially.

const WS = ' *';
/** Any JSON string. */
const STRING = String.raw`"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"`;
/**
 * A string literal that is exactly JSON.stringify's output for its value: escapes only \" \\ \b
 * \f \n \r \t and lowercase \u00XX for the other control characters; surrogates only in pairs.
 */
const CANONICAL_STRING = String.raw`"[^"\\\x00-\x1f\ud800-\udfff]*(?:(?:\\(?:["\\bfnrt]|u00(?:0[0-7bef]|1[0-9a-f]))|[\ud800-\udbff][\udc00-\udfff])[^"\\\x00-\x1f\ud800-\udfff]*)*"`;
/** A string without escapes: its literal, unquoted, is its value. */
const PLAIN_STRING = String.raw`"[^"\\\x00-\x1f]*"`;
const NUMBER = String.raw`-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`;
const SCALAR = `(?:${STRING}|${NUMBER}|true|false|null)`;

/**
 * Members separated by commas, no trailing comma: each is followed by `,` and another member, or
 * by the closing bracket (looked at, not taken), so the member pattern is written once.
 */
const list = (member: string, close: string) => `(?:${member}${WS}(?:,${WS}(?!${close})|(?=${close})))*`;
const object = (value: string) => String.raw`\{${WS}${list(`${STRING}${WS}:${WS}${value}`, String.raw`\}`)}\}`;
const array = (value: string) => String.raw`\[${WS}${list(value, String.raw`\]`)}\]`;
const key = (name: string) => `"${name}"${WS}:${WS}`;
/**
 * `, "key": scalar` for a key that is none of `read`. Values stay scalars: each level of nesting
 * multiplies the pattern, which V8 compiles on an isolate's first stream (about 1 ms per 1,000
 * characters of pattern).
 */
const other = (read: string[]) => String.raw`(?:${WS},${WS}"(?!(?:${read.join('|')})")[^"\\\x00-\x1f]*"${WS}:${WS}${SCALAR})*`;

// Capture groups, in pattern order.
const CANONICAL_TEXT = 1;
const OTHER_TEXT = 2;
const THOUGHT = 3;
const FINISH_REASON = 4;
const INDEX = 5;
const USAGE = 6;

const PART = String.raw`\{${WS}${key('text')}(?:(${CANONICAL_STRING})|(${STRING}))(?:${WS},${WS}${key('thought')}(true|false))?(?:${WS},${WS}${key('thoughtSignature')}${STRING})?${WS}\}`;
const CONTENT = String.raw`\{${WS}(?:${key('role')}${STRING}${WS},${WS})?${key('parts')}\[${WS}${PART}${WS}\](?:${WS},${WS}${key('role')}${STRING})?${WS}\}`;
const CANDIDATE_READ = ['content', 'finishReason', 'index', 'logprobsResult'];
const CANDIDATE = String.raw`\{${WS}${key('content')}${CONTENT}(?:${WS},${WS}${key('finishReason')}(${PLAIN_STRING}))?${other(CANDIDATE_READ)}(?:${WS},${WS}${key('index')}(0|[1-9][0-9]{0,3}))?${other(CANDIDATE_READ)}${WS}\}`;
const USAGE_OBJECT = object(`(?:${SCALAR}|${array(object(SCALAR))})`);
const EVENT = new RegExp(
  String.raw`^${WS}\{${WS}${key('candidates')}\[${WS}${CANDIDATE}${WS}\](?:${WS},${WS}${key('usageMetadata')}(${USAGE_OBJECT}))?${other(['candidates', 'usageMetadata', 'error'])}${WS}\}${WS}$`,
);

/** The pattern's length: kept small (a test says how small), for its compile time. */
export const COMMON_EVENT_PATTERN_LENGTH = EVENT.source.length;

/**
 * Longer events go to JSON.parse: V8's regexp engine keeps a backtracking entry per escape or
 * surrogate pair and overflows in the millions (16 MiB of "\n" does); per-event costs no longer
 * matter at that size anyway.
 */
export const MAX_COMMON_EVENT = 1 << 20;

/** What the generic path reads from a common event. */
export interface CommonEvent {
  /** The candidate's index (0 when absent, as for a lone candidate). */
  index: number;
  /** The text as JSON.stringify writes it; '""' for an empty text (which shows nothing). */
  literal: string;
  /** A thought summary (reasoning_content) rather than content. */
  thought: boolean;
  finishReason: string | undefined;
  /** usageMetadata (an object) as raw JSON, when present: parsed once, when the stream ends. */
  usage: string | undefined;
}

/** The event read without JSON.parse, or null when it is not of the common shape. */
export function readCommonEvent(data: string): CommonEvent | null {
  if (data.length > MAX_COMMON_EVENT) return null;
  let m: RegExpExecArray | null;
  try {
    m = EVENT.exec(data);
  } catch {
    return null; // the backtracking stack ran out (never seen below the cap): JSON.parse copes
  }
  if (m === null) return null;
  const finish = m[FINISH_REASON];
  const index = m[INDEX];
  const canonical = m[CANONICAL_TEXT];
  return {
    index: index === undefined ? 0 : Number(index),
    // A text with other escapes (\/, \u00e9, a lone surrogate...) is re-encoded, alone.
    literal: canonical ?? JSON.stringify(JSON.parse(m[OTHER_TEXT] as string) as string),
    thought: m[THOUGHT] === 'true',
    finishReason: finish === undefined ? undefined : finish.slice(1, -1),
    usage: m[USAGE],
  };
}
