// JsonMemo: a value is kept the second time it is seen (the first time its request derives what
// it needs alone), found again for an equal value parsed anew, bounded in entries, in the weight
// of one value and in the bytes of all; it remembers no request's object.
import { describe, expect, it } from 'vitest';
import { JsonMemo } from '../src/json-memo';
import { JsonTape } from '../src/json-tape';

const parsed = <T = object>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const memo = (entries = 3, maxWeight = 1000, maxBytes = 1 << 20) => new JsonMemo<{ made?: number }>(() => ({}), { entries, maxWeight, maxBytes });
/** Seen once, then the entry of the second sighting. */
const kept = (m: ReturnType<typeof memo>, value: object) => {
  expect(m.entry(parsed(value))).toBeUndefined();
  const entry = m.entry(parsed(value));
  expect(entry).toBeDefined();
  return entry!;
};

describe('JsonMemo', () => {
  it('a value seen for the first time gets no entry; the second time it does, and keeps it', () => {
    const m = memo();
    const list = [{ name: 'f', parameters: { type: 'object' } }];
    expect(m.entry(parsed(list))).toBeUndefined();
    const a = m.entry(parsed(list))!;
    expect(a).toBeDefined();
    a.made = 1;
    expect(m.entry(parsed(list))).toBe(a);
  });

  it('look() records nothing, whatever it finds; note() then acts on what it found, as entry() would', () => {
    const m = memo();
    const list = [{ name: 'checked_first' }];
    for (let i = 0; i < 3; i++) expect(m.look(parsed(list))).toEqual({ value: list, entry: undefined, seen: undefined });
    expect(m.heldBytes).toBe(0); // nothing recorded by looking
    expect(m.note(m.look(parsed(list)))).toBeUndefined(); // first sighting: recorded
    const held = m.heldBytes;
    expect(held).toBeGreaterThan(0);
    const second = m.look(parsed(list));
    expect(second.entry).toBeUndefined(); // seen once is not kept
    expect(second.seen).toBeDefined();
    expect(m.heldBytes).toBe(held);
    const entry = m.note(second)!; // second sighting: kept
    expect(entry).toBeDefined();
    expect(m.look(parsed(list)).entry).toBe(entry);
    expect(m.entry(parsed(list))).toBe(entry);
  });

  it('look() walks the value once against every tape, kept and seen once alike', () => {
    const m = memo(8);
    for (let i = 0; i < 4; i++) kept(m, [{ name: `kept_${i}`, x: i }]);
    for (let i = 0; i < 4; i++) m.entry(parsed([{ name: `seen_${i}`, x: i }]));
    let enumerations = 0;
    const tool = new Proxy(parsed({ name: 'seen_3', x: 3 }), {
      ownKeys(target) {
        enumerations++;
        return Reflect.ownKeys(target);
      },
    });
    expect(m.look([tool]).seen).toBeDefined();
    expect(enumerations).toBe(1);
  });

  it('an equal value parsed again finds the same entry; a different one (key order too) does not', () => {
    const m = memo();
    const a = kept(m, [{ name: 'f', parameters: { type: 'object' } }]);
    expect(m.entry(parsed([{ name: 'f', parameters: { type: 'object' } }]))).toBe(a);
    expect(m.entry(parsed([{ name: 'g', parameters: { type: 'object' } }]))).toBeUndefined();
    expect(m.entry(parsed([{ parameters: { type: 'object' }, name: 'f' }]))).toBeUndefined();
  });

  it('a value too large is never kept, however often it is seen, and holds nothing', () => {
    const m = memo(3, 10);
    const big = parsed({ text: 'x'.repeat(100) });
    for (let i = 0; i < 3; i++) expect(m.entry(big)).toBeUndefined();
    expect(m.heldBytes).toBe(0);
  });

  it('keeps the most recently used entries, at most `entries` of them', () => {
    const m = memo(2);
    const a = kept(m, ['a']);
    kept(m, ['b']);
    expect(m.entry(parsed(['a']))).toBe(a); // a is now the most recent
    kept(m, ['c']); // b, the least recent, goes
    expect(m.entry(parsed(['a']))).toBe(a);
    expect(m.entry(parsed(['b']))).toBeUndefined(); // seen once again
  });

  it('what users charge counts against the byte budget: past it the least recently used entry goes', () => {
    const m = memo(8, 1000, 10_000);
    const [, b, c, d] = ['a', 'b', 'c', 'd'].map((k) => {
      const e = kept(m, [k]);
      m.charge(e, 2400); // under a quarter of the budget each
      return e;
    });
    expect(m.heldBytes).toBeGreaterThan(9600);
    expect(m.heldBytes).toBeLessThanOrEqual(10_000);
    const e = kept(m, ['e']);
    m.charge(e, 2400); // over 10,000: a, the least recently used, goes
    expect(m.heldBytes).toBeLessThanOrEqual(10_000);
    expect(m.entry(parsed(['e']))).toBe(e);
    expect(m.entry(parsed(['d']))).toBe(d);
    expect(m.entry(parsed(['c']))).toBe(c);
    expect(m.entry(parsed(['b']))).toBe(b);
    expect(m.entry(parsed(['a']))).toBeUndefined();
  });

  it('one value charged more than a quarter of the budget is dropped alone: the others stay kept', () => {
    const m = memo(8, 1000, 10_000);
    const others = ['a', 'b', 'c'].map((k) => {
      const e = kept(m, [k]);
      m.charge(e, 2000);
      return e;
    });
    const huge = kept(m, ['huge']);
    m.charge(huge, 2600); // alone over 10,000 / 4, though all would fit in 10,000
    expect(m.entry(parsed(['huge']))).toBeUndefined();
    ['a', 'b', 'c'].forEach((k, i) => expect(m.entry(parsed([k]))).toBe(others[i]));
    expect(m.heldBytes).toBeLessThan(6500);
  });

  it('an entry dropped from the budget frees what it was charged', () => {
    const m = memo(8, 1000, 10_000);
    const a = kept(m, ['a']);
    const before = m.heldBytes;
    m.charge(a, 20_000); // more than the whole budget: dropped at once
    expect(m.heldBytes).toBeLessThan(before);
    expect(m.entry(parsed(['a']))).toBeUndefined();
  });
});

describe('JsonTape with a weight limit', () => {
  it.each<[string, unknown]>([
    ['a primitive', 'text'],
    ['an empty object and array', { a: {}, b: [] }],
    ['a tool list', [{ type: 'function', name: 'f', parameters: { type: 'object', properties: { q: { type: 'string', enum: ['x', 'y'] } }, required: ['q'] } }]],
    ['numbers, booleans and nulls', [1, 2.5, true, false, null, { n: -3 }]],
  ])('%s: kept exactly when its recorded weight is within the limit (the weighing before recording never refuses what recording would keep)', (_name, value) => {
    const weight = new JsonTape(parsed(value)).weight;
    expect(weight).toBeGreaterThan(0);
    expect(new JsonTape(parsed(value), weight).complete).toBe(true);
    expect(new JsonTape(parsed(value), weight - 1).complete).toBe(false);
  });

  it('stops recording past the limit: incomplete, weighing nothing, matching nothing', () => {
    const value = parsed(Array.from({ length: 1000 }, (_, i) => ({ i })));
    const tape = new JsonTape(value, 100);
    expect(tape.complete).toBe(false);
    expect(tape.weight).toBe(0);
    expect(tape.matches(value)).toBe(false);
    const whole = new JsonTape(value);
    expect(whole.complete).toBe(true);
    expect(whole.matches(parsed(value))).toBe(true);
  });

  it('never reads what lies past the limit (a huge list costs the limit to look at, not its size)', () => {
    const value: unknown[] = Array.from({ length: 1000 }, (_, i) => ({ i }));
    let reads = 0;
    Object.defineProperty(value, 999, { get: () => (reads++, { i: 999 }), enumerable: true });
    expect(new JsonTape(value, 100).complete).toBe(false);
    expect(reads).toBe(0);
  });
});
