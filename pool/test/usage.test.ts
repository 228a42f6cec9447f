import { describe, expect, it } from 'vitest';
import { nextPacificMidnight, pacificDay } from '../src/accounting/pacific-day';
import { HOURS_KEPT, Usage } from '../src/accounting/usage';

const HOUR = 3_600_000;
const t0 = Date.parse('2025-06-01T19:30:00Z'); // 12:30 PDT

describe('usage accounting', () => {
  it('counts per key and model, per client and model, by Pacific day', () => {
    const u = new Usage(7);
    u.recordKey(t0, 'k1', 'm1', 'ok', { in: 10, out: 5 });
    u.recordKey(t0, 'k1', 'm1', 'rate_limited');
    u.recordKey(t0, 'k1', 'm2', 'error');
    u.recordClient(t0, 'c1', 'm1', 'ok', { in: 10, out: 5 });
    u.recordClient(t0, 'c1', 'm2', 'error');
    const day = pacificDay(t0);
    expect(u.keyDay(day, 'k1')).toEqual({
      m1: { requests: 2, tokensIn: 10, tokensOut: 5, rateLimited: 1, errors: 0 },
      m2: { requests: 1, tokensIn: 0, tokensOut: 0, rateLimited: 0, errors: 1 },
    });
    expect(u.clientDay(day)).toEqual({ c1: { requests: 2, tokensIn: 10, tokensOut: 5, rateLimited: 0, errors: 1 } });
    expect(u.clientModels(day, 'c1')['m2']?.errors).toBe(1);
    expect(u.totalDay(day)).toMatchObject({ requests: 3, rateLimited: 1, errors: 1 });
    expect(u.clientTotalDay(day)).toMatchObject({ requests: 2, errors: 1 });
  });

  it('the day rolls over at midnight Pacific, not UTC', () => {
    const u = new Usage(7);
    const midnight = nextPacificMidnight(t0); // 07:00 UTC in summer
    u.recordKey(midnight - 1, 'k', 'm', 'ok');
    u.recordKey(midnight, 'k', 'm', 'ok');
    expect(u.keptDays()).toEqual([pacificDay(midnight - 1), pacificDay(midnight)]);
    expect(new Date(midnight).toISOString()).toBe('2025-06-02T07:00:00.000Z');
  });

  it('keeps USAGE_DAYS days and folds older ones into all-time totals', () => {
    const u = new Usage(2);
    for (let d = 0; d < 4; d++) {
      u.recordKey(t0 + d * 24 * HOUR, 'k', 'm', 'ok', { in: 1, out: 1 });
      u.recordClient(t0 + d * 24 * HOUR, 'c', 'm', 'ok');
    }
    expect(u.keptDays()).toEqual([pacificDay(t0 + 2 * 24 * HOUR), pacificDay(t0 + 3 * 24 * HOUR)]);
    expect(u.allTimeFolded()).toEqual({ keys: { requests: 2, tokensIn: 2, tokensOut: 2, rateLimited: 0, errors: 0 }, clients: { requests: 2, tokensIn: 0, tokensOut: 0, rateLimited: 0, errors: 0 }, since: pacificDay(t0) });
  });

  it('keeps at most 64 models per key-day (client-chosen names cannot grow memory)', () => {
    const u = new Usage(7);
    for (let i = 0; i < 200; i++) u.recordKey(t0, 'k', `model-${i}`, 'ok');
    const models = u.keyDay(pacificDay(t0), 'k');
    expect(Object.keys(models)).toHaveLength(65);
    expect(models['(other)']?.requests).toBe(136);
  });

  it('the hourly series: client outcomes and Google 429s per hour, empty hours included, bounded to HOURS_KEPT', () => {
    const u = new Usage(7);
    u.recordClient(t0 - 2 * HOUR, 'c', 'm', 'ok', { in: 3, out: 4 });
    u.recordClient(t0, 'c', 'm', 'error');
    u.recordKey(t0, 'k', 'm', 'rate_limited');
    const s = u.series(t0, 3);
    expect(s.map((h) => new Date(h.start).toISOString())).toEqual(['2025-06-01T17:00:00.000Z', '2025-06-01T18:00:00.000Z', '2025-06-01T19:00:00.000Z']);
    expect(s.map((h) => h.counters)).toEqual([
      { requests: 1, ok: 1, errors: 0, rateLimited: 0, tokensIn: 3, tokensOut: 4 },
      { requests: 0, ok: 0, errors: 0, rateLimited: 0, tokensIn: 0, tokensOut: 0 },
      { requests: 1, ok: 0, errors: 1, rateLimited: 1, tokensIn: 0, tokensOut: 0 },
    ]);
    for (let h = 0; h < HOURS_KEPT + 10; h++) u.recordClient(t0 + h * HOUR, 'c', 'm', 'ok');
    expect(Object.keys(u.snapshot().hours ?? {}).length).toBeLessThanOrEqual(HOURS_KEPT);
  });

  it('the current hour is remembered between requests, but a restore or going back in time is not misfiled', () => {
    const u = new Usage(7);
    u.recordClient(t0, 'c', 'm', 'ok');
    u.recordClient(t0 + 1000, 'c', 'm', 'ok');
    u.restore({ keys: {}, clients: {}, hours: {} });
    u.recordClient(t0 + 2000, 'c', 'm', 'error');
    expect(u.series(t0, 1)[0]?.counters).toMatchObject({ requests: 1, ok: 0, errors: 1 });
    u.recordClient(t0 - HOUR, 'c', 'm', 'ok');
    u.recordClient(t0, 'c', 'm', 'ok');
    expect(u.series(t0, 2).map((h) => h.counters.requests)).toEqual([1, 2]);
  });

  it('snapshot and restore round-trip, old snapshots without hours or totals included', () => {
    const u = new Usage(7);
    u.recordKey(t0, 'k', 'm', 'ok');
    u.recordClient(t0, 'c', 'm', 'ok');
    const again = new Usage(7);
    again.restore(JSON.parse(JSON.stringify(u.snapshot())));
    expect(again.snapshot()).toEqual(u.snapshot());
    const old = new Usage(7);
    old.restore({ keys: { [pacificDay(t0)]: { k: { m: { requests: 1, tokensIn: 0, tokensOut: 0, rateLimited: 0, errors: 0 } } } }, clients: {} });
    expect(old.series(t0, 1)[0]?.counters.requests).toBe(0);
    expect(old.totalDay(pacificDay(t0)).requests).toBe(1);
  });
});
