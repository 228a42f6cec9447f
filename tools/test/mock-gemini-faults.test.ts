import { describe, expect, it } from 'vitest';
import { FaultDice } from '../src/mock-gemini/faults';
import type { GeminiMethod, RecordedRequest } from '../src/mock-gemini/types';

const A = `AIza${'a'.repeat(35)}`;
const B = `AIza${'b'.repeat(35)}`;
const MODEL = 'gemini-2.5-flash';
const req = (key: string, action: GeminiMethod = 'streamGenerateContent'): RecordedRequest => ({
  method: 'POST',
  path: `/v1beta/models/${MODEL}:${action}`,
  action,
  model: MODEL,
  query: {},
  headers: {},
  key,
  body: {},
  rawBody: '{}',
});

describe('FaultDice', () => {
  it('cools a (key, model) for the retryDelay after a per-minute 429, refusing it without a roll, and remembers when', () => {
    const dice = new FaultDice({ rates: { perMinute: 1 }, retryDelayMs: 3000 });
    const t0 = 1_000_000;
    expect(dice.decide(req(A), MODEL, t0)?.behaviour).toEqual({ kind: 'quota', quota: 'per_minute', retryDelay: '3s' });
    // Inside the window: refused with what is left of it, and no new roll.
    expect(dice.decide(req(A), MODEL, t0 + 1500)?.behaviour).toMatchObject({ quota: 'per_minute', retryDelay: '2s' });
    expect(dice.rolled).toBe(1);
    expect(dice.counts.perMinute).toBe(2);
    expect(dice.healthyKeys([A, B], MODEL, t0 + 10)).toEqual([B]);
    expect(dice.healthyKeys([A, B], MODEL, t0 - 1)).toEqual([A, B]);
    expect(dice.healthyKeys([A, B], MODEL, t0 + 3000)).toEqual([A, B]);
    expect(dice.healthyKeys([A, B], 'gemini-2.5-pro', t0 + 10)).toEqual([A, B]);
  });

  it('spends a key for good on a per-day 429, at most maxSpentKeys of them, then answers normally', () => {
    const dice = new FaultDice({ rates: { perDay: 1 }, maxSpentKeys: 1 });
    expect(dice.decide(req(A), MODEL, 10)?.behaviour).toMatchObject({ kind: 'quota', quota: 'per_day' });
    expect(dice.decide(req(B), MODEL, 20)).toBeUndefined();
    expect(dice.decide(req(A), MODEL, 1e12)?.behaviour).toMatchObject({ quota: 'per_day' });
    expect(dice.healthyKeys([A, B], MODEL, 1e12)).toEqual([B]);
    expect(dice.counts.perDay).toBe(2);
  });

  it('rolls the same faults for the same seed, different ones for another, at about the configured rate', () => {
    const run = (seed: number) => {
      const dice = new FaultDice({ seed, rates: { overloaded: 0.1, emptyStream: 0.1 } });
      return Array.from({ length: 2000 }, (_, i) => dice.decide(req(i % 2 ? A : B), MODEL, i)?.behaviour?.kind ?? 'ok');
    };
    const first = run(7);
    expect(run(7)).toEqual(first);
    expect(run(8)).not.toEqual(first);
    const faulty = first.filter((k) => k !== 'ok').length;
    expect(faulty).toBeGreaterThan(320);
    expect(faulty).toBeLessThan(480);
    expect(new Set(first)).toEqual(new Set(['ok', 'serverError', 'http']));
  });

  it('journals every generate call it saw, with its fault, a refusal of a cooling key marked as such', () => {
    const dice = new FaultDice({ rates: { perMinute: 1 }, retryDelayMs: 3000, maxSpentKeys: 0 });
    const first = req(A);
    dice.decide(first, MODEL, 100);
    dice.decide(req(A), MODEL, 200);
    dice.decide(req(A, 'countTokens'), MODEL, 300);
    expect(dice.journal.map(({ at, fault, refused }) => ({ at, fault, refused }))).toEqual([
      { at: 100, fault: 'perMinute', refused: undefined },
      { at: 200, fault: 'perMinute', refused: true },
    ]);
    expect(dice.journal[0]?.request).toBe(first);
    const clean = new FaultDice({ rates: {} });
    clean.decide(req(B), MODEL, 5);
    expect(clean.journal).toEqual([{ at: 5, request: expect.objectContaining({ key: B }), model: MODEL }]);
  });

  it('leaves methods other than generate alone', () => {
    const dice = new FaultDice({ rates: { overloaded: 1 } });
    expect(dice.decide(req(A, 'countTokens'), MODEL)).toBeUndefined();
    expect(dice.decide(req(A, 'generateContent'), MODEL)?.behaviour).toEqual({ kind: 'serverError', status: 503 });
  });

  it('refuses rates it cannot honour', () => {
    expect(() => new FaultDice({ rates: { overloaded: 0.7, perMinute: 0.6 } })).toThrow(/add up to/);
    expect(() => new FaultDice({ rates: { overloaded: -1 } })).toThrow(/\[0, 1\]/);
    expect(() => new FaultDice({ rates: { nope: 0.1 } as never })).toThrow(/unknown fault/);
  });
});
