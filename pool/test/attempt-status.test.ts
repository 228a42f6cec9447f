import { type Fault, faultStatus } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { statusOf } from '../src/proxy/attempt';

describe('statusOf: the status of an error event caught before committing a stream', () => {
  it.each<[Fault, number]>([
    [{ kind: 'client', reason: 'too_large' }, 413],
    [{ kind: 'client', reason: 'missing_key' }, 401],
    [{ kind: 'upstream', reason: 'timeout' }, 504],
    [{ kind: 'upstream', reason: 'worker_auth' }, 401],
    [{ kind: 'quota', reason: 'per_day' }, 429],
    [{ kind: 'gemini', reason: 'unavailable' }, 503],
  ])('without a code in the event, %o answers %i, as the shared contract says', (fault, status) => {
    expect(statusOf({ error: { message: 'x' } }, fault)).toBe(status);
    expect(statusOf({ error: { message: 'x' } }, fault)).toBe(faultStatus(fault));
  });

  it("the event's own HTTP code wins; a code that is not an error status does not", () => {
    expect(statusOf({ error: { code: 429 } }, { kind: 'gemini', reason: 'internal' })).toBe(429);
    expect(statusOf({ error: { code: 200 } }, { kind: 'gemini', reason: 'internal' })).toBe(500);
  });
});
