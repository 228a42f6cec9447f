// What is derived from a piece of JSON that clients send again and again (Codex sends the same
// tool list every turn), kept per isolate: an entry per value seen twice, where each user keeps
// its own derivations (`entry.echo ??= ...`) and says what they hold (`charge`). A value is
// recognised by JsonTapes, one walk of it against all of them at once (findRecorded: each of its
// objects' keys enumerated once, however many tapes), so recognising costs far less than the
// derivations it saves, and a hostile value costs what reading it costs, not that many times.
//
// Kept only the SECOND time it is seen: the first time only its tape is recorded and `entry`
// answers undefined, so the caller derives for that request alone, as it would without a memo. A
// list that changes every request (or is sent once) then costs a tape walk, not copies, frozen
// derivations and JSON kept for nothing. A value weighing more than `maxWeight` is never kept
// (its tape stops there: looking at it costs at most that much).
//
// Callers look a value up once per request (`entry`; or `look`, then `note` once the value has
// passed the caller's checks, so a refused value is never recorded: one walk either way) and pass the entry along
// (nothing here remembers the last request: an isolate must not hold a request's objects after it).
//
// Bounded: at most `entries` kept values and as many seen once, and at most `maxBytes` of what
// they hold (tapes, plus what users charge), the least recently used dropped first (seen-once
// tapes before kept entries). Entries are never shared with a request's objects: users must
// derive fresh, immutable values (frozen where they are objects) and never keep the request's own.
import { JsonTape, findRecorded } from './json-tape';

export interface JsonMemoLimits {
  entries: number;
  maxWeight: number;
  maxBytes: number;
}

/** What look() found of a value: its kept entry, or the seen-once slot recording it, or neither. */
export interface Sighting<E> {
  readonly value: object;
  readonly entry: E | undefined;
  readonly seen: Slot<E> | undefined;
}

interface Slot<E> {
  tape: JsonTape;
  entry: E | undefined;
  bytes: number;
}

export class JsonMemo<E extends object> {
  /** Values seen at least twice, with their entries: the most recently used first. */
  private readonly keptSlots: Array<Slot<E>> = [];
  /** Values seen once: their tapes only, the most recent first. */
  private readonly seen: Array<Slot<E>> = [];
  private bytes = 0;

  constructor(
    private readonly fresh: () => E,
    private readonly limits: JsonMemoLimits,
  ) {}

  /** What the memo holds, estimated in bytes (tapes and what users charged). */
  get heldBytes(): number {
    return this.bytes;
  }

  /**
   * The entry of `value` (JSON data as parsed) when an equal value was seen before; undefined
   * the first time (its tape is recorded) or when it is too large to keep: the caller then
   * derives what it needs for this request only and keeps nothing.
   */
  entry(value: object): E | undefined {
    return this.note(this.look(value));
  }

  /**
   * Where `value` stands, from one walk of it against every tape, kept and seen once: a kept
   * entry is touched (now the most recently used), nothing is recorded. For a caller that must
   * check `value` before the memo may note it (note()): a client's value that is refused must not
   * take the place of one that was kept.
   */
  look(value: object): Sighting<E> {
    const kept = this.keptSlots;
    const at = find([...kept, ...this.seen], value);
    if (at < 0) return { value, entry: undefined, seen: undefined };
    if (at >= kept.length) return { value, entry: undefined, seen: this.seen[at - kept.length] };
    const slot = kept[at]!;
    if (at > 0) {
      kept.splice(at, 1);
      kept.unshift(slot);
    }
    return { value, entry: slot.entry, seen: undefined };
  }

  /**
   * Notes a sighting look() made: a kept value's entry as it is; the second sighting makes the
   * value kept, with a fresh entry, returned; the first records its tape and answers undefined,
   * as does a value too large to keep.
   */
  note(sighting: Sighting<E>): E | undefined {
    if (sighting.entry !== undefined) return sighting.entry;
    const s = sighting.seen ? this.seen.indexOf(sighting.seen) : -1;
    if (s >= 0) {
      const slot = this.seen.splice(s, 1)[0]!;
      slot.entry = this.fresh();
      this.keptSlots.unshift(slot);
      if (this.keptSlots.length > this.limits.entries) this.drop(this.keptSlots);
      return slot.entry;
    }
    const tape = new JsonTape(sighting.value, this.limits.maxWeight);
    if (!tape.complete) return undefined;
    this.seen.unshift({ tape, entry: undefined, bytes: tape.bytes });
    this.bytes += tape.bytes;
    if (this.seen.length > this.limits.entries) this.drop(this.seen);
    this.fit();
    return undefined;
  }

  /** Counts `bytes` more held by `entry` (what a user derived and kept in it); past the byte
   * budget the least recently used values are dropped, possibly this one (its caller's request
   * still has it; later ones will not). */
  charge(entry: E, bytes: number): void {
    const i = this.keptSlots.findIndex((s) => s.entry === entry);
    if (i < 0) return; // dropped meanwhile: held by its request only
    const slot = this.keptSlots[i]!;
    slot.bytes += bytes;
    this.bytes += bytes;
    // One value holding a large share of the budget is dropped alone, not kept at the cost of
    // every other (a client's one huge list must not push out everyone else's).
    if (slot.bytes > this.limits.maxBytes / 4) {
      this.keptSlots.splice(i, 1);
      this.bytes -= slot.bytes;
      return;
    }
    this.fit();
  }

  private drop(slots: Array<Slot<E>>): void {
    this.bytes -= slots.pop()!.bytes;
  }

  private fit(): void {
    while (this.bytes > this.limits.maxBytes && this.seen.length > 0) this.drop(this.seen);
    while (this.bytes > this.limits.maxBytes && this.keptSlots.length > 0) this.drop(this.keptSlots);
  }
}

/** The slot recording `value`, or -1: one walk of the value for all the slots (findRecorded). */
function find<E>(slots: ReadonlyArray<Slot<E>>, value: object): number {
  return slots.length === 0 ? -1 : findRecorded(slots.map((s) => s.tape), value);
}
