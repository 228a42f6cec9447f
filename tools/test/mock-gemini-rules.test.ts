import { describe, expect, it } from 'vitest';
import { behaviourError, quotaExceeded } from '../src/mock-gemini/errors';
import { RuleBook } from '../src/mock-gemini/rules';
import { checkGenerateRequest } from '../src/mock-gemini/semantic';
import type { GeminiMethod, RecordedRequest } from '../src/mock-gemini/types';

const KEY = `AIza${'k'.repeat(35)}`;
const req = (action: GeminiMethod, model = 'gemini-2.5-flash', key = KEY): RecordedRequest => ({
  method: 'POST',
  path: `/v1beta/models/${model}:${action}`,
  action,
  model,
  query: {},
  headers: {},
  key,
  body: {},
  rawBody: '{}',
});

describe('RuleBook', () => {
  it('lets the first live matching rule win and spends rules with times', () => {
    const book = new RuleBook();
    const first = book.add({ times: 1, reply: { kind: 'serverError', status: 503 } });
    book.add({ reply: { kind: 'text', text: 'ok' } });
    expect(book.decide(req('generateContent'))?.behaviour.kind).toBe('serverError');
    expect(first).toMatchObject({ hits: 1, spent: true });
    expect(book.decide(req('generateContent'))?.behaviour.kind).toBe('text');
  });

  it('matches key and model by string or pattern', () => {
    const book = new RuleBook();
    book.add({ key: /^AIza/, model: 'gemini-2.5-pro', reply: { kind: 'regionBlocked' } });
    expect(book.decide(req('generateContent'))).toBeUndefined();
    expect(book.decide(req('generateContent', 'gemini-2.5-pro'))?.behaviour.kind).toBe('regionBlocked');
    expect(book.decide(req('generateContent', 'gemini-2.5-pro', 'other'))).toBeUndefined();
  });

  it('applies content behaviours to generate calls only, errors to every method', () => {
    const book = new RuleBook();
    book.add({ reply: { kind: 'text', text: 'x' } });
    expect(book.decide(req('embedContent'))).toBeUndefined();
    book.add({ reply: { kind: 'quota', quota: 'per_day' } });
    expect(book.decide(req('embedContent'))?.behaviour.kind).toBe('quota');
    expect(book.decide(req('listModels'))?.behaviour.kind).toBe('quota');
  });

  it('honours an explicit method list and reply functions', () => {
    const book = new RuleBook();
    book.add({ method: 'countTokens', reply: (r) => ({ kind: 'http', status: 418, body: { model: r.model } }) });
    expect(book.decide(req('generateContent'))).toBeUndefined();
    expect(book.decide(req('countTokens'))?.behaviour).toEqual({ kind: 'http', status: 418, body: { model: 'gemini-2.5-flash' } });
  });

  it('refuses a times that is not a positive integer', () => {
    expect(() => new RuleBook().add({ times: 0, reply: { kind: 'regionBlocked' } })).toThrow(/times/);
  });
});

describe('semantic checks (Google wording)', () => {
  const user = (text: string) => ({ role: 'user', parts: [{ text }] });
  const call = (name: string, sig?: string) => ({ functionCall: { name, args: {} }, ...(sig && { thoughtSignature: sig }) });
  const answer = (name: string) => ({ functionResponse: { name, response: {} } });
  it.each([
    ['no contents', 'gemini-2.5-flash', {}, '* GenerateContentRequest.contents: contents is not specified\n'],
    ['empty parts', 'gemini-2.5-flash', { contents: [user('a'), { role: 'model', parts: [] }] }, '* GenerateContentRequest.contents[1].parts: contents.parts must not be empty.\n'],
    ['a part with no data', 'gemini-2.5-flash', { contents: [{ role: 'user', parts: [{ text: '' }] }] }, "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field\n"],
    ['an OpenAI role', 'gemini-2.5-flash', { contents: [{ role: 'assistant', parts: [{ text: 'a' }] }] }, 'Please use a valid role: user, model.'],
    ['fewer function responses than calls', 'gemini-2.5-flash', { contents: [user('a'), { role: 'model', parts: [call('f'), call('g')] }, { role: 'user', parts: [answer('f')] }] }, 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.'],
    ['budget and level together', 'gemini-3-pro-preview', { contents: [user('a')], generationConfig: { thinkingConfig: { thinkingBudget: 100, thinkingLevel: 'LOW' } } }, 'thinking_budget and thinking_level are not supported together.'],
    ['budget 0 on a pro model', 'gemini-2.5-pro', { contents: [user('a')], generation_config: { thinking_config: { thinking_budget: 0 } } }, 'Budget 0 is invalid. This model only works in thinking mode.'],
    ['a thinking level before Gemini 3', 'gemini-2.5-flash', { contents: [user('a')], generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH' } } }, 'Thinking level is not supported for this model.'],
    ['thoughts asked of a model that does not think', 'gemini-2.0-flash', { contents: [user('a')], generationConfig: { thinkingConfig: { includeThoughts: true } } }, 'Thinking is not enabled for models/gemini-2.0-flash'],
    ['JSON mode with function declarations', 'gemini-2.5-flash', { contents: [user('a')], tools: [{ functionDeclarations: [{ name: 'f' }] }], generationConfig: { responseMimeType: 'application/json' } }, "Function calling with a response mime type: 'application/json' is unsupported"],
    ['a Gemini 3 call turn without a signature', 'gemini-3-flash-preview', { contents: [user('a'), { role: 'model', parts: [{ text: 'x' }, call('lookup')] }, { role: 'user', parts: [answer('lookup')] }] }, 'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:lookup` , position 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.'],
  ])('rejects %s', (_name, model, body, message) => {
    expect(checkGenerateRequest(model, body)?.body.error).toEqual({ code: 400, message, status: 'INVALID_ARGUMENT' });
  });

  it.each([
    ['the documented placeholder signature on Gemini 3', 'gemini-3-pro-preview', { contents: [user('a'), { role: 'model', parts: [call('f', 'skip_thought_signature_validator')] }, { role: 'user', parts: [answer('f')] }] }],
    ['unsigned calls from an earlier turn on Gemini 3', 'gemini-3-pro-preview', { contents: [user('a'), { role: 'model', parts: [call('f')] }, { role: 'user', parts: [answer('f')] }, { role: 'model', parts: [{ text: 'done' }] }, user('next')] }],
    ['a signature on the first call only (parallel calls)', 'gemini-3-pro-preview', { contents: [user('a'), { role: 'model', parts: [call('f', 'c2ln'), call('g')] }, { role: 'user', parts: [answer('f'), answer('g')] }] }],
    ['unsigned calls on Gemini 2.5', 'gemini-2.5-flash', { contents: [user('a'), { role: 'model', parts: [call('f')] }, { role: 'user', parts: [answer('f')] }] }],
    ['MINIMAL on a Gemini 3 Flash model', 'gemini-3-flash-preview', { contents: [user('a')], generationConfig: { thinkingConfig: { thinkingLevel: 'MINIMAL' } } }],
    ['snake_case bodies', 'gemini-2.5-flash', { contents: [{ role: 'user', parts: [{ text: 'a' }] }], generation_config: { thinking_config: { thinking_budget: 0 } } }],
  ])('accepts %s', (_name, model, body) => {
    expect(checkGenerateRequest(model, body)).toBeUndefined();
  });
});

describe('error bodies', () => {
  it('quota: QuotaFailure, Help and RetryInfo with the configured delay', () => {
    const { status, body } = quotaExceeded({ quota: 'per_minute', retryDelay: '12s' }, 'gemini-2.5-pro');
    expect(status).toBe(429);
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.details).toEqual([
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
            quotaDimensions: { location: 'global', model: 'gemini-2.5-pro' },
            quotaValue: '10',
          },
        ],
      },
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' },
    ]);
  });

  it('per-day quota defaults to a 0s delay; tokens per minute has its own quotaId', () => {
    const day = quotaExceeded({ quota: 'per_day' }, 'm').body.error.details;
    expect(day?.[2]).toEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0s' });
    expect(JSON.stringify(quotaExceeded({ quota: 'tokens_per_minute' }, 'm').body)).toContain('GenerateContentInputTokensPerModelPerMinute-FreeTier');
    expect(quotaExceeded({ quota: 'bare' }, 'm').body).toEqual({ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } });
  });

  it('echoes the request key where Google does, and only there', () => {
    const ctx = { key: KEY, model: 'm' };
    expect(behaviourError({ kind: 'keyError', reason: 'suspended' }, ctx).body.error.message).toBe(`Permission denied: Consumer 'api_key:${KEY}' has been suspended.`);
    expect(behaviourError({ kind: 'keyError', reason: 'leaked', echoKey: true }, ctx).body.error.message).toContain(KEY);
    expect(JSON.stringify(behaviourError({ kind: 'keyError', reason: 'leaked' }, ctx).body)).not.toContain(KEY);
    expect(JSON.stringify(behaviourError({ kind: 'keyError', reason: 'invalid' }, ctx).body)).not.toContain(KEY);
  });
});
