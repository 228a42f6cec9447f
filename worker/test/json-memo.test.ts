// JsonMemo: one entry per distinct JSON value, found again for an equal value parsed anew, bounded
// in entries and in size.
import { describe, expect, it } from 'vitest';
import { JsonMemo } from '../src/json-memo';

const parsed = <T = object>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const memo = (entries = 3, maxWeight = 1000) => new JsonMemo<{ made?: number }>(() => ({}), { entries, maxWeight });

describe('JsonMemo', () => {
  it('an equal value parsed again finds the same entry; a different one gets its own', () => {
    const m = memo();
    const a = m.entry(parsed([{ name: 'f', parameters: { type: 'object' } }]));
    a.made = 1;
    expect(m.entry(parsed([{ name: 'f', parameters: { type: 'object' } }]))).toBe(a);
    expect(m.entry(parsed([{ name: 'g', parameters: { type: 'object' } }]))).not.toBe(a);
    expect(m.entry(parsed([{ parameters: { type: 'object' }, name: 'f' }]))).not.toBe(a);
  });

  it('the object looked up last is found again by identity, even when too large to keep', () => {
    const m = memo(3, 10);
    const big = parsed({ text: 'x'.repeat(100) });
    const entry = m.entry(big);
    expect(m.entry(big)).toBe(entry);
    expect(m.entry(parsed(big))).not.toBe(entry);
  });

  it('keeps the most recently used entries, at most `entries` of them', () => {
    const m = memo(2);
    const a = m.entry(parsed(['a']));
    const b = m.entry(parsed(['b']));
    expect(m.entry(parsed(['a']))).toBe(a); // a is now the most recent
    m.entry(parsed(['c'])); // b, the least recent, goes
    expect(m.entry(parsed(['a']))).toBe(a);
    expect(m.entry(parsed(['b']))).not.toBe(b);
  });
});
