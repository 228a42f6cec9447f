// The native passthrough rules both tiers apply (native.ts): what of a client's query goes on to
// Google, and how the answer of a method both tiers read must come.
import { describe, expect, it } from 'vitest';
import { nativeAnswerForm, nativeQuery } from '../src';

describe('nativeQuery', () => {
  it.each([
    ['nothing', '', ''],
    ['the key', '?key=AIzaX', ''],
    ['credentials of the client’s own', 'access_token=a&oauth_token=b&bearer_token=c', ''],
    ['JSONP and the older error format', '?callback=cb&%24.xgafv=1', ''],
    ['what Google’s methods take, kept in order', '?alt=sse&key=k&pageSize=5&pageToken=t&uploadType=resumable&fields=name', '?alt=sse&pageSize=5&pageToken=t&uploadType=resumable&fields=name'],
    ['a credential given twice', '?access_token=a&alt=json&access_token=b', '?alt=json'],
    ['a credential in another case, spaced or percent-encoded', '?Access_Token=a&%20oauth_token=b&%61ccess_token=c&KEY=d&alt=json', '?alt=json'],
  ])('%s', (_name, search, expected) => {
    expect(nativeQuery(search)).toBe(expected);
  });
});

describe('nativeAnswerForm', () => {
  it.each<[string, string, 'json' | 'sse' | string]>([
    ['', 'generateContent', 'json'],
    ['?alt=json', 'generateContent', 'json'],
    ['?alt=sse', 'streamGenerateContent', 'sse'],
    ['', 'streamGenerateContent', 'json'],
    ['?ALT=sse', 'streamGenerateContent', 'sse'],
    ['?alt=sse', 'generateContent', 'alt=sse'],
    ['?alt=sse', 'countTokens', 'alt=sse'],
    ['?alt=proto', 'generateContent', 'alt=proto'],
    ['?alt=media', 'streamGenerateContent', 'alt=media'],
    ['?alt=json&alt=sse', 'streamGenerateContent', 'given 2 times'],
    ['?alt=sse&Alt=json', 'streamGenerateContent', 'given 2 times'],
  ])('%s on %s', (search, method, expected) => {
    const form = nativeAnswerForm(search, method);
    if (expected === 'json' || expected === 'sse') expect(form).toBe(expected);
    else expect(typeof form === 'object' ? form.refused : form).toContain(expected);
  });
});
