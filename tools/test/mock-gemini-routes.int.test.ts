import { fingerprint } from '@opengemini/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MODELS, startMockGemini, type Behaviour, type MockGemini } from '../src/mock-gemini';
import { oraclesMissingMessage, oraclesPresent } from '../src/oracles/paths';
import { get, KEY, OTHER_KEY, post, simpleRequest } from './mock-gemini-client';

let mock: MockGemini;
beforeAll(async () => {
  mock = await startMockGemini();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent';
type ErrorJson = { error: { code: number; message: string; status: string; details?: Array<Record<string, unknown>> } };

describe('models', () => {
  it('pages 50 at a time by default and follows nextPageToken to the end', async () => {
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await get(mock.url, `/v1beta/models${token ? `?pageToken=${token}` : ''}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { models: Array<{ name: string }>; nextPageToken?: string };
      if (pages === 0) expect(body.models).toHaveLength(50);
      names.push(...body.models.map((m) => m.name));
      token = body.nextPageToken;
      pages++;
    } while (token);
    expect(pages).toBe(2);
    expect(names).toEqual(MODELS.map((m) => m.name));
  });

  it('honours pageSize, capped at 1000, with no token on the last page', async () => {
    const five = (await (await get(mock.url, '/v1beta/models?pageSize=5')).json()) as { models: unknown[]; nextPageToken?: string };
    expect(five.models).toHaveLength(5);
    expect(five.nextPageToken).toBeTypeOf('string');
    const all = (await (await get(mock.url, '/v1beta/models?pageSize=5000')).json()) as { models: unknown[]; nextPageToken?: string };
    expect(all.models).toHaveLength(MODELS.length);
    expect(all.nextPageToken).toBeUndefined();
    expect((await get(mock.url, '/v1beta/models?pageToken=garbage')).status).toBe(400);
  });

  it('returns one model, and 404 NOT_FOUND for an unknown one', async () => {
    const model = (await (await get(mock.url, '/v1beta/models/gemini-3-pro-preview')).json()) as Record<string, unknown>;
    expect(model).toMatchObject({ name: 'models/gemini-3-pro-preview', thinking: true, inputTokenLimit: 1048576 });
    const missing = await get(mock.url, '/v1beta/models/gemini-9');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorJson).error.status).toBe('NOT_FOUND');
  });
});

describe('keys', () => {
  it('answers 403 PERMISSION_DENIED without a key', async () => {
    const res = await post(mock.url, GENERATE, simpleRequest, { key: null });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: {
        code: 403,
        message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        status: 'PERMISSION_DENIED',
      },
    });
  });

  it('answers 400 API_KEY_INVALID for a key not shaped like one', async () => {
    const res = await post(mock.url, GENERATE, simpleRequest, { key: 'sk-not-a-google-key' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.message).toBe('API key not valid. Please pass a valid API key.');
    expect(body.error.details?.[0]).toEqual({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } });
  });

  it('takes the key from ?key= too, and refuses a forwarded Authorization header', async () => {
    expect((await post(mock.url, `${GENERATE}?key=${KEY}`, simpleRequest, { key: null })).status).toBe(200);
    expect(mock.requests[0]?.query.key).toBe(fingerprint(KEY));
    const res = await post(mock.url, GENERATE, simpleRequest, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(401);
    expect(JSON.stringify(mock.requests[1]?.headers)).not.toContain(KEY);
  });

  it('records requests with the key fingerprinted, the raw key apart, and the status', async () => {
    await post(mock.url, `${GENERATE}?alt=json`, simpleRequest);
    const [rec] = mock.requests;
    expect(rec).toMatchObject({ method: 'POST', action: 'generateContent', model: 'gemini-2.5-flash', key: KEY, body: simpleRequest, status: 200 });
    expect(rec?.headers['x-goog-api-key']).toBe(fingerprint(KEY));
    expect(JSON.stringify({ ...rec, key: undefined })).not.toContain(KEY);
  });
});

describe('strictness', () => {
  it('404s an unknown model and a model without the method, in Google words', async () => {
    const res = await post(mock.url, '/v1beta/models/gemini-9-ultra:generateContent', simpleRequest);
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorJson).error.message).toBe(
      'models/gemini-9-ultra is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.',
    );
    expect((await post(mock.url, '/v1beta/models/text-embedding-004:generateContent', simpleRequest)).status).toBe(404);
    expect((await post(mock.url, '/v1/models/gemini-2.5-flash:generateContent', simpleRequest)).status).toBe(404);
  });

  it.skipIf(!oraclesPresent)(`answers an unknown field with Google's 400 body${oraclesPresent ? '' : ` (${oraclesMissingMessage})`}`, async () => {
    const res = await post(mock.url, GENERATE, { ...simpleRequest, generationConfig: { foo: 1 } });
    expect(res.status).toBe(400);
    const description = "Invalid JSON payload received. Unknown name \"foo\" at 'generation_config': Cannot find field.";
    expect(await res.json()).toEqual({
      error: { code: 400, message: description, status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'generation_config', description }] }] },
    });
  });

  it('answers a body that is not JSON with 400 INVALID_ARGUMENT', async () => {
    const res = await post(mock.url, GENERATE, '{not json');
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.status).toBe('INVALID_ARGUMENT');
  });

  it('applies the semantic checks (empty parts)', async () => {
    const res = await post(mock.url, GENERATE, { contents: [{ role: 'user', parts: [] }] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.message).toBe('* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n');
  });
});

describe('default answers', () => {
  it('echo the last user text with realistic usage', async () => {
    const body = (await (await post(mock.url, GENERATE, simpleRequest)).json()) as {
      candidates: Array<{ content: { parts: Array<{ text: string }> }; finishReason: string }>;
      usageMetadata: Record<string, number>;
      modelVersion: string;
      responseId: string;
    };
    expect(body.candidates[0]?.content.parts.at(-1)?.text).toBe('mock answer to: hello there');
    expect(body.candidates[0]?.finishReason).toBe('STOP');
    expect(body.usageMetadata.promptTokenCount).toBe(Math.ceil('hello there'.length / 4));
    const u = body.usageMetadata;
    expect(u.totalTokenCount).toBe((u.promptTokenCount ?? 0) + (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0));
    expect(body.modelVersion).toBe('gemini-2.5-flash');
    expect(body.responseId).toMatch(/^[\w-]{20,}$/);
  });

  it('count tokens', async () => {
    const res = await post(mock.url, '/v1beta/models/gemini-2.5-flash:countTokens', { contents: [{ parts: [{ text: '12345678' }] }] });
    expect(await res.json()).toEqual({ totalTokens: 2, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 2 }] });
  });
});

describe('embeddings', () => {
  const item = (model: string, text: string, extra: Record<string, unknown> = {}) => ({ model: `models/${model}`, content: { parts: [{ text }] }, ...extra });
  it('default to 3072 values for gemini-embedding-001 and 768 for text-embedding-004, honouring outputDimensionality', async () => {
    const big = (await (await post(mock.url, '/v1beta/models/gemini-embedding-001:embedContent', { content: { parts: [{ text: 'a' }] } })).json()) as { embedding: { values: number[] } };
    expect(big.embedding.values).toHaveLength(3072);
    const batch = (await (await post(mock.url, '/v1beta/models/text-embedding-004:batchEmbedContents', { requests: [item('text-embedding-004', 'a'), item('text-embedding-004', 'b', { outputDimensionality: 8 })] })).json()) as {
      embeddings: Array<{ values: number[] }>;
    };
    expect(batch.embeddings.map((e) => e.values.length)).toEqual([768, 8]);
  });

  it('refuse more than 100 requests in one batch', async () => {
    const requests = Array.from({ length: 101 }, (_, i) => item('gemini-embedding-001', `t${i}`));
    const res = await post(mock.url, '/v1beta/models/gemini-embedding-001:batchEmbedContents', { requests });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.message).toBe('* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n');
  });
});

describe('scripting', () => {
  it('spends a rule after `times` answers, then falls back to the default', async () => {
    const rule = mock.script({ times: 2, reply: { kind: 'serverError', status: 503 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(mock.url, GENERATE, simpleRequest)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(rule).toMatchObject({ hits: 2, spent: true });
  });

  it('matches rules by key and model', async () => {
    mock.script({ key: OTHER_KEY, reply: { kind: 'keyError', reason: 'expired' } });
    mock.script({ model: /pro/, reply: { kind: 'text', text: 'pro answer' } });
    expect((await post(mock.url, GENERATE, simpleRequest)).status).toBe(200);
    expect((await post(mock.url, GENERATE, simpleRequest, { key: OTHER_KEY })).status).toBe(400);
    const pro = (await (await post(mock.url, '/v1beta/models/gemini-2.5-pro:generateContent', simpleRequest)).json()) as { candidates: Array<{ content: { parts: Array<{ text: string }> } }> };
    expect(pro.candidates[0]?.content.parts.at(-1)?.text).toBe('pro answer');
  });

  it('applies error rules to models listing too (a cheap key probe)', async () => {
    mock.script({ reply: { kind: 'keyError', reason: 'invalid' } });
    expect((await get(mock.url, '/v1beta/models')).status).toBe(400);
  });

  const errorCases: Array<[string, Behaviour, number, string, (body: ErrorJson) => void]> = [
    ['per-minute quota', { kind: 'quota', quota: 'per_minute', retryDelay: '47s' }, 429, 'RESOURCE_EXHAUSTED', (b) => {
      expect(b.error.details?.[0]).toMatchObject({ violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' } }] });
      expect(b.error.details?.[2]).toEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '47s' });
    }],
    ['per-day quota', { kind: 'quota', quota: 'per_day' }, 429, 'RESOURCE_EXHAUSTED', (b) => expect(JSON.stringify(b)).toContain('GenerateRequestsPerDayPerProjectPerModel-FreeTier')],
    ['tokens-per-minute quota', { kind: 'quota', quota: 'tokens_per_minute' }, 429, 'RESOURCE_EXHAUSTED', (b) => expect(JSON.stringify(b)).toContain('GenerateContentInputTokensPerModelPerMinute-FreeTier')],
    ['bare old-style 429', { kind: 'quota', quota: 'bare' }, 429, 'RESOURCE_EXHAUSTED', (b) => expect(b.error.details).toBeUndefined()],
    ['invalid key', { kind: 'keyError', reason: 'invalid' }, 400, 'INVALID_ARGUMENT', (b) => expect(b.error.details?.[0]).toMatchObject({ reason: 'API_KEY_INVALID' })],
    ['expired key', { kind: 'keyError', reason: 'expired' }, 400, 'INVALID_ARGUMENT', (b) => expect(b.error.message).toBe('API key expired. Please renew the API key.')],
    ['leaked key', { kind: 'keyError', reason: 'leaked' }, 403, 'PERMISSION_DENIED', (b) => expect(b.error.message).toBe('Your API key was reported as leaked. Please use another API key.')],
    ['leaked key echoing the key', { kind: 'keyError', reason: 'leaked', echoKey: true }, 403, 'PERMISSION_DENIED', (b) => expect(b.error.message).toContain(`api_key:${KEY}`)],
    ['suspended consumer', { kind: 'keyError', reason: 'suspended' }, 403, 'PERMISSION_DENIED', (b) => {
      expect(b.error.message).toBe(`Permission denied: Consumer 'api_key:${KEY}' has been suspended.`);
      expect(b.error.details?.[0]).toMatchObject({ reason: 'CONSUMER_SUSPENDED' });
    }],
    ['internal error', { kind: 'serverError', status: 500 }, 500, 'INTERNAL', () => undefined],
    ['overloaded model', { kind: 'serverError', status: 503 }, 503, 'UNAVAILABLE', (b) => expect(b.error.message).toBe('The model is overloaded. Please try again later.')],
    ['deadline', { kind: 'serverError', status: 504 }, 504, 'DEADLINE_EXCEEDED', () => undefined],
    ['region blocked', { kind: 'regionBlocked' }, 400, 'FAILED_PRECONDITION', (b) => expect(b.error.message).toBe('User location is not supported for the API use.')],
  ];
  it.each(errorCases)('sends the %s body', async (_name, reply, status, canonical, check) => {
    mock.script({ reply });
    const res = await post(mock.url, GENERATE, simpleRequest);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as ErrorJson;
    expect(body.error).toMatchObject({ code: status, status: canonical });
    check(body);
  });

  it('wraps an error in an array on request', async () => {
    mock.script({ reply: { kind: 'serverError', status: 503, wrapInArray: true } });
    const body = (await (await post(mock.url, GENERATE, simpleRequest)).json()) as ErrorJson[];
    expect(body[0]?.error.status).toBe('UNAVAILABLE');
  });

  it('sends an http behaviour verbatim', async () => {
    mock.script({ reply: { kind: 'http', status: 502, body: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } } });
    const res = await post(mock.url, GENERATE, simpleRequest);
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([502, 'text/html', '<html>bad gateway</html>']);
  });

  it('delays the head by delayMs, and hangs up without a byte on hangUp', async () => {
    mock.script({ times: 1, delayMs: 120, reply: { kind: 'text', text: 'late' } });
    const started = Date.now();
    expect((await post(mock.url, GENERATE, simpleRequest)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    mock.script({ times: 1, hangUp: true, reply: { kind: 'text', text: 'never' } });
    await expect(post(mock.url, GENERATE, simpleRequest)).rejects.toThrow();
  });
});
