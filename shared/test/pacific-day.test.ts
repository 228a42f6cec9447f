import { describe, expect, it } from 'vitest';
import { nextPacificMidnight, pacificDay } from '../src/pacific-day';

// Los Angeles: PST = UTC-8 (winter), PDT = UTC-7 (summer). 2025: DST starts Sun 9 March 02:00
// local, ends Sun 2 November 02:00 local. Midnight is 08:00 UTC in winter, 07:00 UTC in summer.
const cases: [string, string, string, string][] = [
  ['winter afternoon', '2025-01-15T20:00:00Z', '2025-01-15', '2025-01-16T08:00:00.000Z'],
  ['summer afternoon', '2025-07-15T20:00:00Z', '2025-07-15', '2025-07-16T07:00:00.000Z'],
  ['one ms before summer midnight', '2025-07-01T06:59:59.999Z', '2025-06-30', '2025-07-01T07:00:00.000Z'],
  ['exactly at summer midnight: the next one', '2025-07-01T07:00:00.000Z', '2025-07-01', '2025-07-02T07:00:00.000Z'],
  ['eve of spring-forward: midnight still PST', '2025-03-08T12:00:00Z', '2025-03-08', '2025-03-09T08:00:00.000Z'],
  ['day of spring-forward (23 h long): next midnight is PDT', '2025-03-09T09:00:00Z', '2025-03-09', '2025-03-10T07:00:00.000Z'],
  ['right after the spring-forward jump', '2025-03-09T10:30:00Z', '2025-03-09', '2025-03-10T07:00:00.000Z'],
  ['eve of fall-back: midnight still PDT', '2025-11-01T18:00:00Z', '2025-11-01', '2025-11-02T07:00:00.000Z'],
  ['day of fall-back (25 h long): next midnight is PST', '2025-11-02T07:30:00Z', '2025-11-02', '2025-11-03T08:00:00.000Z'],
  ['inside the repeated hour of fall-back', '2025-11-02T09:30:00Z', '2025-11-02', '2025-11-03T08:00:00.000Z'],
  ['new year in UTC, still 31 Dec in LA', '2026-01-01T03:00:00Z', '2025-12-31', '2026-01-01T08:00:00.000Z'],
  ['leap day', '2028-02-29T12:00:00Z', '2028-02-29', '2028-03-01T08:00:00.000Z'],
];

describe('Pacific day and next Pacific midnight across DST changes', () => {
  it.each(cases)('%s', (_name, at, day, next) => {
    const t = Date.parse(at);
    expect(pacificDay(t)).toBe(day);
    expect(new Date(nextPacificMidnight(t)).toISOString()).toBe(next);
    expect(nextPacificMidnight(t)).toBeGreaterThan(t);
  });

  it('the next midnight begins a new Pacific day and nothing earlier does', () => {
    for (const at of cases.map((c) => Date.parse(c[1]))) {
      const next = nextPacificMidnight(at);
      expect(pacificDay(next)).not.toBe(pacificDay(at));
      expect(pacificDay(next - 1)).toBe(pacificDay(at));
    }
  });
});
