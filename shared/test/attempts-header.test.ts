// The pool's x-opengemini-attempts header: written by the pool, read by the soak and by tests.
import { describe, expect, it } from 'vitest';
import { type AttemptTrail, formatAttempts, parseAttempts } from '../src/http-headers';

describe('x-opengemini-attempts', () => {
  it.each<[AttemptTrail, string]>([
    [{ sent: 1, outcomes: ['ok'] }, '1; ok'],
    [{ sent: 3, outcomes: ['quota_per_minute', 'gemini_bad_answer', 'ok'] }, '3; quota_per_minute,gemini_bad_answer,ok'],
    [{ sent: 2, outcomes: ['quota_per_minute', 'quota_per_minute'], end: 'no_key' }, '2; quota_per_minute,quota_per_minute; end=no_key'],
    [{ sent: 0, outcomes: [], end: 'no_worker' }, '0; ; end=no_worker'],
  ])('%j is written as "%s" and read back the same', (trail, text) => {
    expect(formatAttempts(trail)).toBe(text);
    expect(parseAttempts(text)).toEqual(trail);
  });

  it.each([null, undefined, '', 'three; ok', '1; OK', '1; ok; end=', '1;ok'])('%j is not a header value: undefined', (value) => {
    expect(parseAttempts(value)).toBeUndefined();
  });
});
