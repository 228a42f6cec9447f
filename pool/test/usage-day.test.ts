import { describe, expect, it } from 'vitest';
import { pacificDay } from '../src/accounting/pacific-day';
import { Usage } from '../src/accounting/usage';

describe('Usage.dayOf', () => {
  it('an instant before the last midnight (a clock stepped back, a timestamp taken earlier) gets its own day, not the cached one', () => {
    const usage = new Usage(7);
    const afterMidnight = Date.parse('2025-06-02T07:30:00Z'); // 00:30 PDT on June 2
    const beforeMidnight = Date.parse('2025-06-02T06:30:00Z'); // 23:30 PDT on June 1
    expect(usage.dayOf(afterMidnight)).toBe('2025-06-02');
    expect(usage.dayOf(beforeMidnight)).toBe('2025-06-01');
    expect(usage.dayOf(afterMidnight)).toBe(pacificDay(afterMidnight));
  });
});
