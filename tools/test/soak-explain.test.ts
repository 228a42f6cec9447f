// The soak's proof: every failed request in its category, joined to what the mock did with its
// Gemini calls (by the tag in its prompt).
import { fingerprint } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import type { FaultEvent, RecordedRequest } from '../src/mock-gemini';
import { type Outcome, promptTag } from '../src/soak/clients';
import { callsByRequest, explainFailures, tally } from '../src/soak/explain';

const MODEL = 'gemini-2.5-flash';
const keys = ['AIzaSoak1', 'AIzaSoak2'];
const call = (n: number, key: string, at: number, fault?: FaultEvent['fault'], refused?: boolean): FaultEvent => ({
  at,
  model: MODEL,
  request: { method: 'POST', path: '/', query: {}, headers: {}, key, body: {}, rawBody: JSON.stringify({ contents: [{ parts: [{ text: `${promptTag(n)} say something` }] }] }) } as RecordedRequest,
  ...(fault && { fault }),
  ...(refused && { refused }),
});
const failed = (o: Partial<Outcome> & { n: number }): Outcome => ({ ok: false, streamed: false, reason: '502 gemini_bad_answer', at: 10_000, ms: 1_000, committed: false, ...o });

describe('explainFailures', () => {
  // Key 1 is refused by quota from 9,500 on; key 2 from 9,900 to 9,950 only.
  const healthyKeys = (ks: readonly string[], _m: string, at: number) => ks.filter((k) => !(k === keys[0] && at >= 9_500) && !(k === keys[1] && at >= 9_900 && at < 9_950));

  it.each<[string, Outcome, string]>([
    ['a committed stream that failed later is a cut, whatever the keys', failed({ n: 1, streamed: true, committed: true, at: 9_920 }), 'cut'],
    ['a stream refused before its head is judged like a whole answer', failed({ n: 2, streamed: true, committed: false, at: 9_920 }), 'no_key'],
    ['no key healthy at the instant of the failure', failed({ n: 3, at: 9_920 }), 'no_key'],
    ['a healthy key at that instant', failed({ n: 4, at: 9_960 }), 'healthy_key'],
  ])('%s', (_title, outcome, category) => {
    const [e] = explainFailures({ failures: [outcome], journal: [], keys, model: MODEL, healthyKeys });
    expect(e?.category).toBe(category);
  });

  it("joins the mock's calls to their request and tells the pool's attempts beside them", () => {
    const journal = [call(7, keys[0]!, 9_100, 'perMinute', true), call(8, keys[1]!, 9_150), call(7, keys[1]!, 9_300, 'emptyStream')];
    const [e] = explainFailures({
      failures: [failed({ n: 7, at: 9_960, trail: { sent: 2, outcomes: ['quota_per_minute', 'gemini_bad_answer'], end: 'max_attempts' } })],
      journal,
      keys,
      model: MODEL,
      healthyKeys,
    });
    expect(e?.calls).toEqual([
      { atMs: 140, keyFp: fingerprint(keys[0]!), fault: 'perMinute (refused)' },
      { atMs: 340, keyFp: fingerprint(keys[1]!), fault: 'emptyStream' },
    ]);
    expect(e?.healthy).toBe(1);
    expect(e?.why).toContain('2 attempt(s): quota_per_minute > gemini_bad_answer; gave up: max_attempts');
    expect(e?.why).toContain(`${fingerprint(keys[1]!)} emptyStream @340ms`);
    expect(e?.why).not.toContain(keys[1]!);
  });

  it('groups journal entries by the request number in their prompt, skipping calls without one', () => {
    const other = call(1, keys[0]!, 1);
    other.request.rawBody = '{"contents":[]}';
    expect([...callsByRequest([call(3, keys[0]!, 1), other, call(3, keys[1]!, 2), call(12, keys[0]!, 3)]).entries()].map(([n, l]) => [n, l.length])).toEqual([
      [3, 2],
      [12, 1],
    ]);
  });

  it('tallies names in order of first appearance', () => {
    expect(tally(['a', 'b', 'a', 'c', 'a'])).toBe('a×3, b, c');
    expect(tally([])).toBe('');
  });
});
