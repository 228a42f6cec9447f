// Gemini's daily quotas reset at midnight Pacific time (America/Los_Angeles), which is 07:00 UTC
// in summer (PDT, UTC-7) and 08:00 UTC in winter (PST, UTC-8). Other pools use a fixed 07:00 UTC
// cron and are wrong by an hour half the year; this asks Intl for the zone's real offset. Pure.

const ZONE = 'America/Los_Angeles';

// Creating a DateTimeFormat costs far more than using one: build it once.
const parts = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface Wall {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ms: number): Wall {
  const out: Record<string, number> = {};
  for (const p of parts.formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out as unknown as Wall;
}

/** The zone's offset from UTC at instant `ms`, in ms (negative west of Greenwich: -7 h or -8 h). */
function offsetAt(ms: number): number {
  const w = wallClock(ms);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ms - (ms % 1000));
}

/** The Pacific calendar day of an instant, as `YYYY-MM-DD` (the key of daily usage counters). */
export function pacificDay(ms: number): string {
  // Every request asks; formatToParts costs ~10 us, so remember the day and where it ends.
  if (ms >= dayCache.from && ms < dayCache.until) return dayCache.day;
  const w = wallClock(ms);
  const day = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  const until = nextPacificMidnight(ms);
  // [ms, until) is inside `day`; instants before ms are recomputed (clocks may step back).
  dayCache = { from: ms, until, day };
  return day;
}

let dayCache = { from: 0, until: 0, day: '' };

/**
 * The first instant after `ms` at which the Pacific date changes: the next local midnight.
 * Midnight is never skipped or repeated in Los Angeles (its DST changes happen at 02:00), so the
 * answer is unique; the offset is read at the target instant, not at `ms`, so the night of a DST
 * change comes out right (23 h or 25 h after the previous midnight).
 */
export function nextPacificMidnight(ms: number): number {
  const w = wallClock(ms);
  const localMidnight = Date.UTC(w.year, w.month - 1, w.day + 1, 0, 0, 0); // wall time, read as UTC
  let guess = localMidnight - offsetAt(ms);
  guess = localMidnight - offsetAt(guess);
  return guess;
}
