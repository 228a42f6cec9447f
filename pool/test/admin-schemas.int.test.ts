// The admin API's route schemas: a body, querystring or field that does not match is a 400 in
// the API's envelope naming the field (`keys[1]`, `note`, `days`), never a 500, and a hostile
// body (too many items, too long a string, fields the call does not have) is refused before a
// handler walks it. Calls without a body, where the body is optional, still work.
import { fingerprint } from '@opengemini/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockGemini, startMockGemini } from '../../tools/src/mock-gemini';
import { MAX_PASTE_CHARS, MAX_SELECTED_KEYS } from '../src/admin/routes/schemas';
import { type PoolUnderTest, startTestPool, testKey } from './helpers/stack';

const ADMIN = 'admin-schema-test-key-0123456789';
const k1 = testKey(1);

let mock: MockGemini;
let p: PoolUnderTest;
beforeAll(async () => {
  mock = await startMockGemini();
  p = await startTestPool({ keys: [k1], upstreams: [], env: { ADMIN_KEY: ADMIN, GEMINI_BASE_URL: mock.url } });
});
afterAll(async () => {
  await p?.close();
  await mock?.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${ADMIN}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${p.base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

const many = (n: number) => Array.from({ length: n }, (_, i) => `…${String(i).padStart(4, '0')}#000000`);

describe('a body that does not match its route schema is a 400 naming the field', () => {
  it.each([
    ['a selection with a number among the fingerprints', 'POST', '/admin/keys/delete', { keys: ['…abcd#12ab34', 5] }, 'keys[1]'],
    ['more fingerprints than any pool holds', 'POST', '/admin/keys/delete', { keys: many(MAX_SELECTED_KEYS + 1) }, 'keys'],
    ['a field the call does not have', 'POST', '/admin/keys/disable', { keys: [], colour: 'red' }, 'colour'],
    ['a note longer than its bound', 'POST', '/admin/keys/disable', { state: 'all', note: 'x'.repeat(1001) }, 'note'],
    ['an empty model name', 'POST', '/admin/keys/clear-cooldown', { state: 'all', model: '' }, 'model'],
    ['an unknown state', 'POST', '/admin/keys/check', { state: 'dead' }, 'state'],
    ['keys that are not a list', 'POST', '/admin/keys/export', { keys: 'all' }, 'keys'],
    ['a pasted key that is an object', 'POST', '/admin/keys', { keys: [{}] }, 'keys[0]'],
    ['a paste over its bound', 'POST', '/admin/keys', { text: 'x'.repeat(MAX_PASTE_CHARS + 1) }, 'text'],
    ['an upstream with an extra field', 'POST', '/admin/upstreams', { url: 'https://x.example.dev', admin: true }, 'admin'],
    ['an upstream URL over its bound', 'POST', '/admin/upstreams', { url: `https://x.example.dev/${'a'.repeat(3000)}` }, 'url'],
    ['a secret that is a number', 'POST', '/admin/upstreams', { url: 'https://x.example.dev', secret: 5 }, 'secret'],
    ['an upstream removal without its url', 'POST', '/admin/upstreams/delete', {}, 'url'],
    ['a client label over its bound', 'POST', '/admin/clients', { label: 'x'.repeat(2000) }, 'label'],
    ['a client key body that is an array', 'POST', '/admin/clients', [1, 2], 'body'],
    ['a client label that is a number', 'POST', '/admin/clients', { label: 5 }, 'label'],
    ['an empty revocation fingerprint', 'POST', '/admin/clients/revoke', { key: '' }, 'key'],
    ['an upstream URL that is a number', 'POST', '/admin/upstreams', { url: 5 }, 'url'],
    ['a selection body that is a list', 'POST', '/admin/keys/enable', [1], 'body'],
    ['a revocation naming a list', 'POST', '/admin/clients/revoke', { key: ['a'] }, 'key'],
    ['a reset naming a number', 'POST', '/admin/reset', { key: 5 }, 'key'],
    ['budgets with an extra field', 'PUT', '/admin/budgets', { defaults: {}, extra: 1 }, 'extra'],
    ['budget defaults that are a list', 'PUT', '/admin/budgets', { defaults: [] }, 'defaults'],
  ])('%s', async (_name, method, path, body, param) => {
    const r = await call(method, path, body);
    expect({ status: r.status, code: r.json?.error?.code, param: r.json?.error?.param }).toEqual({ status: 400, code: 'client_bad_request', param });
    expect(r.json.error.message).toContain(param);
    expect(r.json.error.type).toBe('invalid_request_error');
  });

  it('a missing field is named as required, with the body the call expects', async () => {
    const r = await call('POST', '/admin/clients/revoke', {});
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ param: 'key', message: 'key is required. Send {"key": "<client key fingerprint>"}.' });
  });

  it('nothing was changed by a refused body', async () => {
    await call('POST', '/admin/keys/disable', { state: 'all', note: 'x'.repeat(1001) });
    expect(p.pool.ctx.keys.get(fingerprint(k1))?.disabled).toBeUndefined();
  });
});

describe('querystrings are checked the same way', () => {
  it.each([
    ['/admin/usage?days=1e3', 'days'],
    ['/admin/usage?days=7&days=8', 'days'],
    ['/admin/keys?sort=random', 'sort'],
    ['/admin/keys?offset=-1', 'offset'],
    [`/admin/keys?q=${'q'.repeat(1001)}`, 'q'],
  ])('GET %s is a 400 naming %s', async (path, param) => {
    const r = await call('GET', path);
    expect({ status: r.status, param: r.json?.error?.param }).toEqual({ status: 400, param });
  });

  it('a fingerprint too long for any key is refused on reset', async () => {
    const r = await call('POST', `/admin/reset?fingerprint=${'f'.repeat(65)}`);
    expect({ status: r.status, param: r.json?.error?.param }).toEqual({ status: 400, param: 'fingerprint' });
  });
});

describe('calls whose body is optional work without one', () => {
  it.each([
    ['POST', '/admin/reset', 200],
    ['POST', '/admin/keys/delete-disabled', 200],
    ['POST', '/admin/keys/export', 200],
    ['POST', '/admin/clients', 200],
  ])('%s %s answers %i', async (method, path, status) => {
    const r = await call(method, path);
    expect(r.status, r.text).toBe(status);
  });
});
