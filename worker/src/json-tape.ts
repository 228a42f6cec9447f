// A parsed JSON value recorded once, and checked against another parsed JSON value without
// serialising either: for caches keyed by what a client sends again and again (Codex sends the
// same tool list every turn), where serialising the value to make the key would cost about as
// much as the work the cache saves. Checking is one walk that allocates nothing; in Node it costs
// about a quarter of JSON.stringify of the same value.
//
// Two values match exactly when JSON.stringify would write them the same: the same keys in the
// same order, the same array lengths, the same strings, numbers, booleans and nulls. Key order is
// part of the match (an echo written from one must be written from the other byte for byte);
// both the recording (Object.keys) and the check (for-in, which a value from JSON.parse has no
// inherited keys for) see keys in the order JSON.stringify writes them.

/** Marks on the tape, told apart from every JSON value by identity. */
const OBJECT = Symbol('object');
const ARRAY = Symbol('array');
/** Containers nested deeper than this are not recorded (the check walks no deeper than the tape). */
const MAX_DEPTH = 128;

export class JsonTape {
  /** The value flattened: a primitive as itself; an object as OBJECT, its key count, then each
   * key and its value; an array as ARRAY, its length, then each element. */
  private readonly tape: unknown[] = [];
  private at = 0;
  private chars = 0;
  /** Whether the whole value was recorded (it weighs at most the limit given). */
  readonly complete: boolean;

  /**
   * `value` must be JSON data (what JSON.parse returns): no functions, undefined or cycles.
   * Recording stops as soon as the weight passes `maxWeight`: a value too large to keep costs at
   * most that much to look at, whatever its size, and leaves nothing recorded (complete false).
   */
  constructor(value: unknown, private readonly maxWeight = Infinity) {
    this.complete = this.record(value);
    if (!this.complete) {
      this.tape.length = 0;
      this.chars = 0;
    }
  }

  /** What keeping the tape costs, roughly: its cells plus the lengths of its strings. */
  get weight(): number {
    return this.tape.length + this.chars;
  }

  /** The tape's memory, estimated: 8 bytes a cell, 2 a character (two-byte strings). */
  get bytes(): number {
    return this.tape.length * 8 + this.chars * 2;
  }

  /** Whether `value` (JSON data) is the recorded value (never, for a value not recorded whole). */
  matches(value: unknown): boolean {
    if (!this.complete) return false;
    this.at = 0;
    return this.match(value) && this.at === this.tape.length;
  }

  /** Records `v`; false as soon as the weight passes the limit, or the nesting MAX_DEPTH (a
   * value nested deeper is not recorded rather than exhausting the stack: a 500 for the client). */
  private record(v: unknown, depth = 0): boolean {
    const tape = this.tape;
    if (typeof v !== 'object' || v === null) {
      tape.push(v);
      if (typeof v === 'string') this.chars += v.length;
    } else if (depth >= MAX_DEPTH) {
      return false;
    } else if (Array.isArray(v)) {
      tape.push(ARRAY, v.length);
      for (const item of v) if (!this.record(item, depth + 1)) return false;
    } else {
      const keys = Object.keys(v);
      tape.push(OBJECT, keys.length);
      for (const key of keys) {
        tape.push(key);
        this.chars += key.length;
        if (!this.record((v as Record<string, unknown>)[key], depth + 1)) return false;
      }
    }
    return tape.length + this.chars <= this.maxWeight;
  }

  private match(v: unknown): boolean {
    const tape = this.tape;
    const mark = tape[this.at++];
    if (typeof v !== 'object' || v === null) return v === mark;
    if (Array.isArray(v)) {
      if (mark !== ARRAY || tape[this.at++] !== v.length) return false;
      for (let i = 0; i < v.length; i++) if (!this.match(v[i])) return false;
      return true;
    }
    if (mark !== OBJECT) return false;
    const count = tape[this.at++] as number;
    let seen = 0;
    for (const key in v) {
      if (++seen > count || tape[this.at++] !== key || !this.match((v as Record<string, unknown>)[key])) return false;
    }
    return seen === count;
  }
}
