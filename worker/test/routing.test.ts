import { describe, expect, it } from 'vitest';
import { extractKey, timingSafeEqual } from '../src/auth';
import { apiPath } from '../src/api-path';

describe('apiPath finds the API wherever the Worker is mounted', () => {
  const r = (version: string, rest: string, mount = '', upload = false) => ({ version, rest, upload, mount });
  it.each([
    ['/v1/chat/completions', r('v1', '/chat/completions')],
    ['/gemini/v1/chat/completions', r('v1', '/chat/completions', '/gemini')],
    ['/a/b/v1/models', r('v1', '/models', '/a/b')],
    ['/v1/models/gemini-2.5-flash', r('v1', '/models/gemini-2.5-flash')],
    ['/v1beta/models/gemini-2.5-flash:generateContent', r('v1beta', '/models/gemini-2.5-flash:generateContent')],
    ['/proxy/v1beta/models', r('v1beta', '/models', '/proxy')],
    ['/upload/v1beta/files', r('v1beta', '/files', '', true)],
    ['/gemini/upload/v1beta/files', r('v1beta', '/files', '/gemini', true)],
    ['/v1', r('v1', '/')],
    ['/chat/completions', r('v1', '/chat/completions')],
    ['/embeddings', r('v1', '/embeddings')],
    ['/x/models', r('v1', '/models', '/x')],
    ['/favicon.ico', undefined],
    ['/v1x/chat', undefined],
  ])('%s', (path, expected) => {
    expect(apiPath(path)).toEqual(expected);
  });
});

const req = (headers: Record<string, string>, url = 'http://w/v1/models') => new Request(url, { headers });
const key = `AIza${'x'.repeat(35)}`;

describe('extractKey', () => {
  it.each([
    ['Bearer header', { authorization: `Bearer ${key}` }, 'http://w/v1/models', key],
    ['lower-case bearer', { authorization: `bearer ${key}` }, 'http://w/v1/models', key],
    ['x-goog-api-key', { 'x-goog-api-key': key }, 'http://w/v1beta/models', key],
    ['?key=', {}, `http://w/v1beta/models?key=${key}`, key],
    ['nothing', {}, 'http://w/v1/models', ''],
  ])('%s', (_n, headers, url, expected) => {
    expect(extractKey(req(headers, url), new URL(url), undefined)).toEqual({ key: expected, secretOk: true });
  });

  it('picks one of several comma-separated keys', () => {
    const keys = ['AIza1', 'AIza2', 'AIza3'];
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(extractKey(req({ authorization: `Bearer ${keys.join(', ')}` }), new URL('http://w/'), undefined).key);
    expect([...seen].sort()).toEqual(keys);
  });

  it('with WORKER_SECRET, accepts the secret header or SECRET:KEY and refuses neither', () => {
    const url = new URL('http://w/v1/models');
    expect(extractKey(req({ authorization: `Bearer ${key}`, 'x-opengemini-secret': 's3cret' }), url, 's3cret')).toEqual({ key, secretOk: true });
    expect(extractKey(req({ authorization: `Bearer s3cret:${key}` }), url, 's3cret')).toEqual({ key, secretOk: true });
    expect(extractKey(req({ authorization: `Bearer ${key}` }), url, 's3cret').secretOk).toBe(false);
    expect(extractKey(req({ authorization: `Bearer ${key}`, 'x-opengemini-secret': 's3cre' }), url, 's3cret').secretOk).toBe(false);
  });
});

describe('timingSafeEqual', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['ab', 'abc', false],
    ['abcd', 'abc', false],
    ['', 'abc', false],
  ])('%j vs %j', (a, b, eq) => {
    expect(timingSafeEqual(a, b)).toBe(eq);
  });
});
