// A parsed JSON value recorded once, and checked against another parsed JSON value without
// serialising either: for caches keyed by what a client sends again and again (Codex sends the
// same tool list every turn), where serialising the value to make the key would cost about as
// much as the work the cache saves. Checking is one walk that allocates nothing but its cursors;
// in Node it costs about a quarter of JSON.stringify of the same value, and one walk checks a
// value against several tapes at once (findRecorded).
//
// Two values match exactly when JSON.stringify would write them the same: the same keys in the
// same order, the same array lengths, the same strings, numbers, booleans and nulls. Key order is
// part of the match (an echo written from one must be written from the other byte for byte);
// both the recording (Object.keys) and the check (for-in, which a value from JSON.parse has no
// inherited keys for) see keys in the order JSON.stringify writes them.

/** Marks on the tape, told apart from every JSON value by identity. */
const OBJECT = Symbol('object');
const ARRAY = Symbol('array');
/** After an object's last key and value: a tape with more keys than the value has, or fewer, meets
 * it where the other has a key. */
const END = Symbol('end');
/** Containers nested deeper than this are not recorded (the check walks no deeper than the tape). */
const MAX_DEPTH = 128;

export class JsonTape {
  /** The value flattened: a primitive as itself; an object as OBJECT, each key and its value, then
   * END; an array as ARRAY, its length, then each element. */
  readonly cells: readonly unknown[];
  private chars = 0;
  /** Whether the whole value was recorded (it weighs at most the limit given). */
  readonly complete: boolean;

  /**
   * `value` must be JSON data (what JSON.parse returns): no functions, undefined or cycles.
   * Recording stops as soon as the weight passes `maxWeight`: a value too large to keep costs at
   * most that much to look at, whatever its size, and leaves nothing recorded (complete false).
   */
  constructor(value: unknown, private readonly maxWeight = Infinity) {
    const cells: unknown[] = [];
    // Weighed first when there is a limit: a value over it (a client's list too large to keep,
    // sent every turn) is then told so by a walk that writes nothing, about a third of what
    // recording it up to the limit cost (a 40-tool, 85 KB list: 86-128 us against 312-384 us).
    this.complete = (maxWeight === Infinity || weighsAtMost(value, maxWeight, { weight: 0 }, 0)) && this.record(value, cells, 0);
    if (!this.complete) {
      cells.length = 0;
      this.chars = 0;
    }
    this.cells = cells;
  }

  /** What keeping the tape costs, roughly: its cells plus the lengths of its strings. */
  get weight(): number {
    return this.cells.length + this.chars;
  }

  /** The tape's memory, estimated: 8 bytes a cell, 2 a character (two-byte strings). */
  get bytes(): number {
    return this.cells.length * 8 + this.chars * 2;
  }

  /** Whether `value` (JSON data) is the recorded value (never, for a value not recorded whole). */
  matches(value: unknown): boolean {
    return findRecorded([this], value) === 0;
  }

  /** Records `v`; false as soon as the weight passes the limit, or the nesting MAX_DEPTH (a
   * value nested deeper is not recorded rather than exhausting the stack: a 500 for the client). */
  private record(v: unknown, cells: unknown[], depth: number): boolean {
    if (typeof v !== 'object' || v === null) {
      cells.push(v);
      if (typeof v === 'string') this.chars += v.length;
    } else if (depth >= MAX_DEPTH) {
      return false;
    } else if (Array.isArray(v)) {
      cells.push(ARRAY, v.length);
      for (const item of v) if (!this.record(item, cells, depth + 1)) return false;
    } else {
      cells.push(OBJECT);
      for (const key of Object.keys(v)) {
        cells.push(key);
        this.chars += key.length;
        if (!this.record((v as Record<string, unknown>)[key], cells, depth + 1)) return false;
      }
      cells.push(END);
    }
    return cells.length + this.chars <= this.maxWeight;
  }
}

/** Whether `v` weighs at most `limit` as a tape would record it (cells plus the characters of
 * keys and strings) and nests at most MAX_DEPTH deep; stops as soon as it is over either. */
function weighsAtMost(v: unknown, limit: number, sum: { weight: number }, depth: number): boolean {
  if (typeof v !== 'object' || v === null) {
    sum.weight += typeof v === 'string' ? 1 + v.length : 1;
  } else if (depth >= MAX_DEPTH) {
    return false;
  } else if (Array.isArray(v)) {
    sum.weight += 2; // ARRAY and the length
    for (let i = 0; i < v.length; i++) if (!weighsAtMost(v[i], limit, sum, depth + 1)) return false;
  } else {
    sum.weight += 2; // OBJECT and END
    for (const key in v) {
      sum.weight += 1 + key.length;
      if (sum.weight > limit || !weighsAtMost((v as Record<string, unknown>)[key], limit, sum, depth + 1)) return false;
    }
  }
  return sum.weight <= limit;
}

/**
 * The index of the first of `tapes` that records `value` (JSON data) exactly, or -1. One walk of
 * `value` whatever the number of tapes, every tape still in the running checked at each step:
 * each object's keys are enumerated once. That is what bounds a hostile value: enumerating an
 * object of 400K keys costs about 140 ms in Node (V8 collects and sorts them all before the first),
 * once, not once per tape. The walk stops when no tape is left, and goes no deeper than the
 * deepest tape (at most MAX_DEPTH). Allocates the cursors, nothing per step.
 */
export function findRecorded(tapes: readonly JsonTape[], value: unknown): number {
  const walk: Walk = { cells: tapes.map((t) => (t.complete ? t.cells : [])), at: new Array<number>(tapes.length).fill(0), live: [] };
  for (let i = 0; i < tapes.length; i++) if (tapes[i]!.complete) walk.live.push(i);
  if (walk.live.length > 0) step(walk, value);
  let found = -1;
  for (const i of walk.live) if (walk.at[i] === walk.cells[i]!.length && (found < 0 || i < found)) found = i;
  return found;
}

interface Walk {
  readonly cells: ReadonlyArray<readonly unknown[]>;
  /** Each tape's cursor. */
  readonly at: number[];
  /** The tapes that still match what has been walked. */
  readonly live: number[];
}

/** Drops live[k] (order does not matter: the result is the lowest index left). */
function drop(live: number[], k: number): void {
  live[k] = live[live.length - 1]!;
  live.pop();
}

/** Walks `v` against every live tape at its cursor, dropping the tapes it does not match. */
function step(w: Walk, v: unknown): void {
  const { cells, at, live } = w;
  if (live.length === 1) {
    // The usual case (one kept list, or one left in the running): a walk with nothing to share.
    const i = live[0]!;
    const next = matchOne(cells[i]!, at[i]!, v);
    if (next < 0) live.pop();
    else at[i] = next;
    return;
  }
  if (typeof v !== 'object' || v === null) {
    for (let k = live.length - 1; k >= 0; k--) {
      const i = live[k]!;
      if (cells[i]![at[i]!++] !== v) drop(live, k);
    }
    return;
  }
  if (Array.isArray(v)) {
    for (let k = live.length - 1; k >= 0; k--) {
      const i = live[k]!;
      const tape = cells[i]!;
      if (tape[at[i]!] !== ARRAY || tape[at[i]! + 1] !== v.length) drop(live, k);
      else at[i]! += 2;
    }
    for (let j = 0; j < v.length && live.length > 0; j++) step(w, v[j]);
    return;
  }
  for (let k = live.length - 1; k >= 0; k--) {
    const i = live[k]!;
    if (cells[i]![at[i]!++] !== OBJECT) drop(live, k);
  }
  if (live.length === 0) return; // before for-in, which enumerates every key of the object first
  // for-in: a value from JSON.parse has no inherited keys, and for-in sees keys in the order
  // Object.keys gives (the recording's, JSON.stringify's).
  for (const key in v) {
    if (live.length === 0) return;
    for (let k = live.length - 1; k >= 0; k--) {
      const i = live[k]!;
      if (cells[i]![at[i]!++] !== key) drop(live, k);
    }
    if (live.length > 0) step(w, (v as Record<string, unknown>)[key]);
  }
  for (let k = live.length - 1; k >= 0; k--) {
    const i = live[k]!;
    if (cells[i]![at[i]!++] !== END) drop(live, k);
  }
}

/** The cursor past `v` on `tape`, starting at `at`, or -1 where they differ: step() for one tape. */
function matchOne(tape: readonly unknown[], at: number, v: unknown): number {
  const mark = tape[at++];
  if (typeof v !== 'object' || v === null) return v === mark ? at : -1;
  if (Array.isArray(v)) {
    if (mark !== ARRAY || tape[at++] !== v.length) return -1;
    for (let j = 0; j < v.length && at >= 0; j++) at = matchOne(tape, at, v[j]);
    return at;
  }
  if (mark !== OBJECT) return -1;
  for (const key in v) {
    if (tape[at++] !== key) return -1;
    at = matchOne(tape, at, (v as Record<string, unknown>)[key]);
    if (at < 0) return -1;
  }
  return tape[at] === END ? at + 1 : -1;
}
