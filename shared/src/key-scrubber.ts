// Scrubbing the keys a tier holds, literally, whatever their shape: Google echoes a leaked key in
// its 403 whether or not it starts with `AIza`, so the pattern scrub (keys.ts) is not enough for a
// key.txt line of another shape. Built once per key set (the pool rebuilds it when key.txt
// changes; the Worker builds one for the key it was handed) as an Aho-Corasick automaton over the
// keys' characters: one table lookup per character or byte, whatever the number of keys, and a
// stream can tell exactly how many trailing bytes could still be the start of a key. In front of
// the automaton, a sampled filter (Wu-Manber's idea): every held key is at least 16 characters, so
// any occurrence covers one of the 4-character grams ending at every 13th position; the automaton
// runs only around a sampled gram that some key contains, and text with no key is read a gram in
// 13 characters instead of every character.
//
// Every occurrence of a held key, and anything shaped like a Google key (`AIza` + 35), becomes
// `[key <fingerprint>]`. Keys are ASCII (the pool's key.txt shape; an HTTP header value); a held
// "key" shorter than MIN_LITERAL_KEY_LENGTH is no real key and is not matched literally (it would
// garble ordinary text).
import { concatBytes } from './bytes';
import { fingerprint } from './keys';

export const MIN_LITERAL_KEY_LENGTH = 16;

/** The filter's gram: 4 characters, hashed into a bitset with about 16 bits per gram of the keys (~6% set). */
const GRAM = 4;
const gramBits = (grams: number) => Math.min(22, Math.max(10, Math.ceil(Math.log2(grams * 16))));
const gramHash = (a: number, b: number, c: number, d: number, shift: number) => Math.imul((a << 21) ^ (b << 14) ^ (c << 7) ^ d, 0x9e3779b1) >>> shift;

const GOOGLE_KEY_LENGTH = 39;
const GOOGLE_KEY_START = [0x41, 0x49, 0x7a, 0x61]; // "AIza"
/** [A-Za-z0-9+/]: base64's alphabet; -1 (nothing before) is none of it. */
const isBase64Char = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2b || c === 0x2f;
/** [0-9A-Za-z_-]: what follows "AIza" in a Google key. */
const isGoogleKeyChar = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f;

/** A stretch of input to replace by a key's label: [start, end) and the label. */
interface Span {
  start: number;
  end: number;
  label: string;
}

/** Text as char codes, or bytes: keys are ASCII, so both scan alike. */
type Input = string | Uint8Array;

const codeAt = (input: Input, i: number): number => (typeof input === 'string' ? input.charCodeAt(i) : input[i]!);

const encoder = new TextEncoder();

export class KeyScrubber {
  /** Char code -> alphabet index, -1 for a character no key holds. */
  private readonly symbol = new Int16Array(128).fill(-1);
  private readonly alphabet: number;
  /**
   * The full transition table, for the scan: at offset `state * alphabet + symbol`, the next
   * state's own offset (`next * alphabet`), negated when a key ends there. One lookup and a sign
   * test per character.
   */
  private readonly scan: Int32Array;
  /** The longest held key that ends at this state (index into `keys`), or -1. */
  private readonly output: Int32Array;
  /** How many trailing characters at this state could still grow into a key. */
  private readonly hold: Int32Array;
  private readonly keys: string[];
  private readonly labels: string[];
  /** Horspool's skip table for the one-key search, made on first use. */
  private shift: Int32Array | undefined;
  /** The filter: a bit per hashed gram that occurs in some held key (hashes are `>>> gramShift`). */
  private readonly grams: Uint32Array;
  private readonly gramShift: number;
  /** Distance between sampled positions: the shortest key's grams (every occurrence covers one). */
  private readonly step: number;
  private readonly longest: number;

  /** A scrubber for no held key: it still removes anything shaped like a Google key. */
  static readonly patternOnly = new KeyScrubber([]);

  /** Also match what is shaped like a Google key (`AIza` + 35), held or not. */
  private readonly googlePattern: boolean;

  constructor(keys: Iterable<string>, options: { googlePattern?: boolean } = {}) {
    this.googlePattern = options.googlePattern ?? true;
    // eslint-disable-next-line no-control-regex
    this.keys = [...new Set(keys)].filter((k) => k.length >= MIN_LITERAL_KEY_LENGTH && /^[\u0000-\u007f]+$/.test(k));
    this.labels = this.keys.map((k) => `[key ${fingerprint(k)}]`);
    let alphabet = 0;
    for (const k of this.keys) for (let i = 0; i < k.length; i++) if (this.symbol[k.charCodeAt(i)] === -1) this.symbol[k.charCodeAt(i)] = alphabet++;
    this.alphabet = Math.max(1, alphabet);
    let shortest = Number.POSITIVE_INFINITY;
    this.longest = 0;
    let gramCount = 0;
    for (const k of this.keys) {
      shortest = Math.min(shortest, k.length);
      this.longest = Math.max(this.longest, k.length);
      gramCount += k.length - GRAM + 1;
    }
    // One key takes its own search (findOne): no filter for it.
    const bits = this.keys.length > 1 ? gramBits(gramCount) : 5;
    this.gramShift = 32 - bits;
    this.grams = new Uint32Array(1 << (bits - 5));
    if (this.keys.length > 1) {
      for (const k of this.keys) {
        for (let i = GRAM - 1; i < k.length; i++) {
          const h = gramHash(k.charCodeAt(i - 3), k.charCodeAt(i - 2), k.charCodeAt(i - 1), k.charCodeAt(i), this.gramShift);
          this.grams[h >>> 5]! |= 1 << (h & 31);
        }
      }
    }
    this.step = this.keys.length ? shortest - GRAM + 1 : 1;

    // The trie: children by symbol (-1 = none), depth, and which key ends at each node.
    const children: Int32Array[] = [new Int32Array(this.alphabet).fill(-1)];
    const depth: number[] = [0];
    const ends: number[] = [-1];
    this.keys.forEach((k, index) => {
      let s = 0;
      for (let i = 0; i < k.length; i++) {
        const a = this.symbol[k.charCodeAt(i)]!;
        if (children[s]![a] === -1) {
          children[s]![a] = children.length;
          children.push(new Int32Array(this.alphabet).fill(-1));
          depth.push(depth[s]! + 1);
          ends.push(-1);
        }
        s = children[s]![a]!;
      }
      ends[s] = index;
    });

    // Breadth first: failure links, then the full table (a missing edge follows the failure).
    const n = children.length;
    const A = this.alphabet;
    const delta = new Int32Array(n * A);
    this.output = new Int32Array(n).fill(-1);
    this.hold = new Int32Array(n);
    const fail = new Int32Array(n);
    const queue: number[] = [0];
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q]!;
      const hasChildren = children[s]!.some((c) => c !== -1);
      // A node's own key is the longest one ending here; otherwise the failure state's.
      this.output[s] = ends[s]! >= 0 ? ends[s]! : s === 0 ? -1 : this.output[fail[s]!]!;
      this.hold[s] = hasChildren ? depth[s]! : s === 0 ? 0 : this.hold[fail[s]!]!;
      for (let a = 0; a < A; a++) {
        const c = children[s]![a]!;
        if (c === -1) {
          delta[s * A + a] = s === 0 ? 0 : delta[fail[s]! * A + a]!;
        } else {
          fail[c] = s === 0 ? 0 : delta[fail[s]! * A + a]!;
          delta[s * A + a] = c;
          queue.push(c);
        }
      }
    }
    this.scan = new Int32Array(n * A);
    for (let x = 0; x < n * A; x++) {
      const t = delta[x]!;
      this.scan[x] = this.output[t]! >= 0 ? -t * A : t * A;
    }
  }

  /** How many keys are matched literally. */
  get size(): number {
    return this.keys.length;
  }

  /** `text` with every held key and every Google-shaped key replaced by its label. */
  scrub(text: string): string {
    const { spans } = this.find(text, false);
    if (spans.length === 0) return text;
    let out = '';
    let last = 0;
    for (const s of spans) {
      out += text.slice(last, s.start) + s.label;
      last = s.end;
    }
    return out + text.slice(last);
  }

  /** The bytes with every key replaced; `bytes` itself when there is none (the common case). */
  scrubBytes(bytes: Uint8Array): Uint8Array {
    return splice(bytes, this.find(bytes, false).spans, bytes.length);
  }

  /** A scrubber for one stream whose chunks may cut a key anywhere. */
  stream(): KeyStreamScrubber {
    return new KeyStreamScrubber(this);
  }

  /**
   * The spans to replace, in order and merged where they overlap (a key inside a longer one).
   * With `partial`, also where the input could end in the start of a key (`cut`: everything
   * from there on must wait for more input); without, `cut` is the input's length.
   */
  find(input: Input, partial: boolean, before = -1): { spans: Span[]; cut: number } {
    const found: Span[] = [];
    const n = input.length;
    let held = 0; // how many trailing characters could still grow into a key
    if (this.keys.length === 1) held = this.findOne(input, found);
    else if (this.keys.length > 1) held = this.findMany(input, found, partial);
    const googleCut = this.googlePattern ? findGoogleKeys(input, found, before) : n;
    let cut = partial ? Math.min(n - held, googleCut) : n;
    const spans = merge(found);
    // A key that ends past the cut is held back whole, and found again with the rest.
    for (let i = spans.length - 1; i >= 0 && spans[i]!.end > cut; i--) cut = Math.min(cut, spans[i]!.start);
    return { spans: spans.filter((sp) => sp.end <= cut), cut };
  }

  /**
   * Many held keys: the sampled filter, and the automaton over a window around each gram that
   * passes it (from the earliest start to the latest end of a key covering that gram), never over
   * a character twice. The automaton is restarted only at a window that begins past what it has
   * read: an occurrence starting before that would have covered an earlier sampled gram, whose
   * window found it. With `partial`, it also reads the last (longest - 1) characters, to tell how
   * many of them could start a key. Returns that count.
   */
  private findMany(input: Input, found: Span[], partial: boolean): number {
    const n = input.length;
    const { grams, step, longest, gramShift } = this;
    let read = 0; // the automaton has read input[0, read) since its last restart
    let s = 0; // and is in this state (an offset in `scan`)
    for (let p = GRAM - 1; p < n; p += step) {
      // Both kinds spelled out: a shared accessor is not inlined here (text and bytes both come).
      const h =
        typeof input === 'string'
          ? gramHash(input.charCodeAt(p - 3), input.charCodeAt(p - 2), input.charCodeAt(p - 1), input.charCodeAt(p), gramShift)
          : gramHash(input[p - 3]!, input[p - 2]!, input[p - 1]!, input[p]!, gramShift);
      if ((grams[h >>> 5]! & (1 << (h & 31))) === 0) continue;
      const from = p - longest + 1;
      if (from > read) {
        read = from;
        s = 0;
      }
      const to = Math.min(n, p + longest - GRAM + 1);
      s = this.run(input, read, to, s, found);
      read = to;
    }
    if (!partial) return 0;
    const tail = n - longest + 1;
    if (tail > read) {
      read = tail;
      s = 0;
    }
    s = this.run(input, read, n, s, found);
    return this.hold[s / this.alphabet]!;
  }

  /**
   * The automaton over input[from, to) from state offset `s`: adds the keys ending there, returns
   * the state. One loop for text and one for bytes: this is every stream chunk's inner loop, and a
   * shared accessor is not inlined into it.
   */
  private run(input: Input, from: number, to: number, s: number, found: Span[]): number {
    const { symbol, scan, alphabet: A } = this;
    if (typeof input === 'string') {
      for (let i = from; i < to; i++) {
        const c = input.charCodeAt(i);
        const a = c < 128 ? symbol[c]! : -1;
        s = a < 0 ? 0 : scan[s + a]!;
        if (s < 0) {
          s = -s;
          this.found(found, s / A, i);
        }
      }
      return s;
    }
    for (let i = from; i < to; i++) {
      const c = input[i]!;
      const a = c < 128 ? symbol[c]! : -1;
      s = a < 0 ? 0 : scan[s + a]!;
      if (s < 0) {
        s = -s;
        this.found(found, s / A, i);
      }
    }
    return s;
  }

  /**
   * One held key (the Worker's case): native indexOf on text; on bytes, Horspool's skip search,
   * which reads about one byte in every few for a 39-character key. Returns the length of the
   * longest tail of the input that starts the key.
   */
  private findOne(input: Input, found: Span[]): number {
    const key = this.keys[0]!;
    const m = key.length;
    const n = input.length;
    if (typeof input === 'string') {
      for (let at = input.indexOf(key); at >= 0; at = input.indexOf(key, at + m)) found.push({ start: at, end: at + m, label: this.labels[0]! });
    } else {
      const shift = (this.shift ??= horspoolShift(key));
      const last = key.charCodeAt(m - 1);
      let i = 0;
      while (i <= n - m) {
        const c = input[i + m - 1]!;
        if (c === last) {
          let j = m - 2;
          while (j >= 0 && input[i + j] === key.charCodeAt(j)) j--;
          if (j < 0) {
            found.push({ start: i, end: i + m, label: this.labels[0]! });
            i += m;
            continue;
          }
        }
        i += shift[c]!;
      }
    }
    // The tail: the longest L < m with input ending in key[0, L).
    const first = key.charCodeAt(0);
    for (let from = Math.max(0, n - m + 1); from < n; from++) {
      if (codeAt(input, from) !== first) continue;
      let j = 1;
      while (from + j < n && codeAt(input, from + j) === key.charCodeAt(j)) j++;
      if (from + j === n) return n - from;
    }
    return 0;
  }

  private found(found: Span[], state: number, i: number): void {
    const k = this.output[state]!;
    found.push({ start: i + 1 - this.keys[k]!.length, end: i + 1, label: this.labels[k]! });
  }
}

/** Horspool's table: how far to move when `byte` is under the key's last position. */
function horspoolShift(key: string): Int32Array {
  const m = key.length;
  const shift = new Int32Array(256).fill(m);
  for (let j = 0; j < m - 1; j++) shift[key.charCodeAt(j)] = m - 1 - j;
  return shift;
}

/** Adds Google-shaped keys to `found`; returns where a possibly cut one starts at the end (or n). */
function findGoogleKeys(input: Input, found: Span[], before: number): number {
  const n = input.length;
  let cut = n;
  let matchEnd = -1;
  // Native indexOf finds each candidate "A"; a string can look for the whole "AIza" at once.
  const next = typeof input === 'string' ? (from: number) => input.indexOf('AIza', from) : (from: number) => input.indexOf(0x41, from);
  for (let i = next(0); i >= 0 && i < n; i = next(i + 1)) {
    // Only where a key can start: not inside a run of base64 (an inline image, a thought
    // signature), where "AIza" + 35 turns up by chance about once in 50 million characters.
    if (i !== matchEnd && isBase64Char(i === 0 ? before : codeAt(input, i - 1))) continue;
    let j = 1;
    for (; j < GOOGLE_KEY_LENGTH && i + j < n; j++) {
      const c = codeAt(input, i + j);
      if (j < 4 ? c !== GOOGLE_KEY_START[j] : !isGoogleKeyChar(c)) break;
    }
    if (j === GOOGLE_KEY_LENGTH) {
      let key = '';
      for (let x = i; x < i + GOOGLE_KEY_LENGTH; x++) key += String.fromCharCode(codeAt(input, x));
      found.push({ start: i, end: i + GOOGLE_KEY_LENGTH, label: `[key ${fingerprint(key)}]` });
      i += GOOGLE_KEY_LENGTH - 1;
      matchEnd = i + 1;
    } else if (i + j === n && cut === n) cut = i;
  }
  return cut;
}

/** Sorts spans and merges overlapping ones; the longest member names the merged span. */
function merge(found: Span[]): Span[] {
  if (found.length < 2) return found;
  found.sort((x, y) => x.start - y.start || y.end - x.end);
  const out: Span[] = [];
  let longest = 0;
  for (const sp of found) {
    const prev = out[out.length - 1];
    if (prev && sp.start < prev.end) {
      if (sp.end - sp.start > longest) {
        prev.label = sp.label;
        longest = sp.end - sp.start;
      }
      prev.end = Math.max(prev.end, sp.end);
    } else {
      out.push({ ...sp });
      longest = sp.end - sp.start;
    }
  }
  return out;
}

/** `bytes[0, upTo)` with the spans replaced by their labels; `bytes` itself when nothing changes. */
function splice(bytes: Uint8Array, spans: readonly Span[], upTo: number): Uint8Array {
  if (spans.length === 0) return upTo === bytes.length ? bytes : bytes.subarray(0, upTo);
  const parts: Uint8Array[] = [];
  let last = 0;
  for (const s of spans) {
    parts.push(bytes.subarray(last, s.start), encoder.encode(s.label));
    last = s.end;
  }
  parts.push(bytes.subarray(last, upTo));
  return concatBytes(parts);
}

/**
 * Removes anything shaped like a Google API key (`AIza` + 35) from text, where no key set is at
 * hand (the mock, a message built before keys are known). Each becomes `[key <fingerprint>]`.
 */
export function scrubKeys(text: string): string {
  return KeyScrubber.patternOnly.scrub(text);
}

/**
 * Scrubs one stream: a chunk's last bytes are held back only while they could be the start of a
 * held key or of a Google-shaped one, and sent with the next chunk; a chunk not ending that way
 * goes out whole, at once. The text around a key is never decoded, so a multi-byte character cut
 * across chunks passes through unchanged.
 */
export class KeyStreamScrubber {
  private held: Uint8Array | undefined;
  /** The last byte sent (before what is held), or -1: where a key may start depends on it. */
  private before = -1;

  constructor(private readonly scrubber: KeyScrubber) {}

  /** The bytes of `chunk` (and of what was held) that can be sent now, scrubbed. */
  push(chunk: Uint8Array): Uint8Array {
    const data = this.held ? concatBytes([this.held, chunk]) : chunk;
    const { spans, cut } = this.scrubber.find(data, true, this.before);
    this.held = cut < data.length ? data.slice(cut) : undefined;
    if (cut > 0) this.before = data[cut - 1]!;
    return splice(data, spans, cut);
  }

  /** What was held back, scrubbed, when the stream ends (or breaks). */
  end(): Uint8Array {
    const rest = this.held ?? new Uint8Array(0);
    this.held = undefined;
    return splice(rest, this.scrubber.find(rest, false, this.before).spans, rest.length);
  }
}
