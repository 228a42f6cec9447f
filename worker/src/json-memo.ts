// What is derived from a piece of JSON that clients send again and again (Codex sends the same
// tool list every turn), kept per isolate: an entry per value seen twice, where each user keeps
// its own derivations (`entry.echo ??= ...`) and says what they hold (`charge`). A value is
// recognised by a JsonTape, one walk that allocates nothing, so recognising costs far less than
// the derivations it saves.
//
// Kept only the SECOND time it is seen: the first time only its tape is recorded and `entry`
// answers undefined, so the caller derives for that request alone, as it would without a memo. A
// list that changes every request (or is sent once) then costs a tape walk, not copies, frozen
// derivations and JSON kept for nothing. A value weighing more than `maxWeight` is never kept
// (its tape stops there: looking at it costs at most that much).
//
// Callers look a value up once per request and pass the entry along (nothing here remembers the
// last request: an isolate must not hold a request's objects after it).
//
// Bounded: at most `entries` kept values and as many seen once, and at most `maxBytes` of what
// they hold (tapes, plus what users charge), the least recently used dropped first (seen-once
// tapes before kept entries). Entries are never shared with a request's objects: users must
// derive fresh, immutable values (frozen where they are objects) and never keep the request's own.
import { JsonTape } from './json-tape';

export interface JsonMemoLimits {
  entries: number;
  maxWeight: number;
  maxBytes: number;
}

interface Slot<E> {
  tape: JsonTape;
  entry: E | undefined;
  bytes: number;
}

export class JsonMemo<E extends object> {
  /** Values seen at least twice, with their entries: the most recently used first. */
  private readonly kept: Array<Slot<E>> = [];
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
    const kept = this.kept;
    const k = find(kept, value);
    if (k >= 0) {
      const slot = kept[k]!;
      if (k > 0) {
        kept.splice(k, 1);
        kept.unshift(slot);
      }
      return slot.entry;
    }
    const s = find(this.seen, value);
    if (s >= 0) {
      const slot = this.seen.splice(s, 1)[0]!;
      slot.entry = this.fresh();
      kept.unshift(slot);
      if (kept.length > this.limits.entries) this.drop(kept);
      return slot.entry;
    }
    const tape = new JsonTape(value, this.limits.maxWeight);
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
    const i = this.kept.findIndex((s) => s.entry === entry);
    if (i < 0) return; // dropped meanwhile: held by its request only
    const slot = this.kept[i]!;
    slot.bytes += bytes;
    this.bytes += bytes;
    // One value holding a large share of the budget is dropped alone, not kept at the cost of
    // every other (a client's one huge list must not push out everyone else's).
    if (slot.bytes > this.limits.maxBytes / 4) {
      this.kept.splice(i, 1);
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
    while (this.bytes > this.limits.maxBytes && this.kept.length > 0) this.drop(this.kept);
  }
}

function find<E>(slots: ReadonlyArray<Slot<E>>, value: object): number {
  for (let i = 0; i < slots.length; i++) if (slots[i]!.tape.matches(value)) return i;
  return -1;
}
