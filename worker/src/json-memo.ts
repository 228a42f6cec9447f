// What is derived from a piece of JSON that clients send again and again (Codex sends the same
// tool list every turn), kept per isolate: an entry per distinct value, where each user keeps
// its own derivations (`entry.echo ??= ...`). A value is recognised by a JsonTape, one walk that
// allocates nothing, so recognising costs far less than the derivations it saves; the object
// looked up last is found again by identity, without a walk (the users of one request ask one
// after the other). Not a WeakMap of every request's object: each entry of one is work for
// every garbage collection until its key dies.
//
// Bounded: at most `entries` values, the most recently used kept, and none larger than
// `maxWeight` (its tape's cells plus its strings' lengths); a larger value gets an entry for its
// own request only. Entries are never shared with a request's objects: users must derive fresh,
// immutable values (frozen where they are objects) and never keep the request's own.
import { JsonTape } from './json-tape';

export interface JsonMemoLimits {
  entries: number;
  maxWeight: number;
}

export class JsonMemo<E extends object> {
  private readonly recent: Array<{ tape: JsonTape; entry: E }> = [];
  /** The object looked up last and its entry (held until the next lookup). */
  private lastObject: object | undefined;
  private lastEntry: E | undefined;

  constructor(
    private readonly fresh: () => E,
    private readonly limits: JsonMemoLimits,
  ) {}

  /** The entry of `value` (JSON data as parsed): the one of an equal value seen before, or a new one. */
  entry(value: object): E {
    if (value === this.lastObject) return this.lastEntry!;
    const recent = this.recent;
    let entry: E | undefined;
    for (let i = 0; i < recent.length; i++) {
      if (!recent[i]!.tape.matches(value)) continue;
      const found = recent[i]!;
      if (i > 0) {
        recent.splice(i, 1);
        recent.unshift(found);
      }
      entry = found.entry;
      break;
    }
    if (!entry) {
      entry = this.fresh();
      const tape = new JsonTape(value);
      if (tape.weight <= this.limits.maxWeight && recent.unshift({ tape, entry }) > this.limits.entries) recent.pop();
    }
    this.lastObject = value;
    this.lastEntry = entry;
    return entry;
  }
}
