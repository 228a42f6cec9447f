// The native passthrough rules both tiers apply (native.ts): what of a client's query goes on to
// Google, which `alt` an answer that is read may ask for, and which headers travel.
import { describe, expect, it } from 'vitest';
import { NATIVE_REQUEST_HEADERS, nativeQuery, unreadableAlt } from '../src';

describe('nativeQuery', () => {
  it.each([
    ['nothing', '', ''],
    ['the key', '?key=AIzaX', ''],
    ['credentials of the client’s own', 'access_token=a&oauth_token=b&bearer_token=c', ''],
    ['JSONP and the older error format', '?callback=cb&%24.xgafv=1', ''],
    ['what Google’s methods take, kept in order', '?alt=sse&key=k&pageSize=5&pageToken=t&uploadType=resumable&fields=name', '?alt=sse&pageSize=5&pageToken=t&uploadType=resumable&fields=name'],
    ['a credential given twice', '?access_token=a&alt=json&access_token=b', '?alt=json'],
  ])('%s', (_name, search, expected) => {
    expect(nativeQuery(search)).toBe(expected);
  });
});

describe('unreadableAlt', () => {
  it.each([
    ['', undefined],
    ['?alt=json', undefined],
    ['?alt=sse', undefined],
    ['?alt=proto', 'alt=proto'],
    ['?alt=media', 'alt=media'],
    ['?alt=sse&alt=proto', 'alt=sse,proto'],
  ])('%s', (search, problem) => {
    const why = unreadableAlt(search, 'generateContent');
    if (problem === undefined) expect(why).toBeUndefined();
    else expect(why).toContain(problem);
  });
});

describe('what travels', () => {
  it('no header that lets a client choose whose project a key bills', () => {
    expect(NATIVE_REQUEST_HEADERS as readonly string[]).not.toContain('x-goog-user-project');
  });
});
