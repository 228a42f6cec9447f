import { describe, expect, it } from 'vitest';
import { type ErrorCode, type Fault, anthropicErrorBody, anthropicErrorEnvelope, anthropicErrorType, apiError, faultStatus } from '../src/index';

// Every fault of the contract in Anthropic's words: the type its SDKs show, beside the status
// the contract answers with (the SDKs pick their exception class by status).
describe('anthropicErrorType', () => {
  it.each<[Fault, string, number]>([
    [{ kind: 'client', reason: 'bad_request' }, 'invalid_request_error', 400],
    [{ kind: 'client', reason: 'unsupported' }, 'invalid_request_error', 400],
    [{ kind: 'client', reason: 'not_found' }, 'not_found_error', 404],
    [{ kind: 'client', reason: 'too_large' }, 'request_too_large', 413],
    [{ kind: 'client', reason: 'missing_key' }, 'authentication_error', 401],
    [{ kind: 'key', reason: 'invalid' }, 'authentication_error', 401],
    [{ kind: 'key', reason: 'expired' }, 'authentication_error', 401],
    [{ kind: 'key', reason: 'suspended' }, 'permission_error', 403],
    [{ kind: 'key', reason: 'leaked' }, 'permission_error', 403],
    [{ kind: 'key', reason: 'permission_denied' }, 'permission_error', 403],
    [{ kind: 'quota', reason: 'per_minute' }, 'rate_limit_error', 429],
    [{ kind: 'quota', reason: 'per_day' }, 'rate_limit_error', 429],
    [{ kind: 'quota', reason: 'tokens_per_minute' }, 'rate_limit_error', 429],
    [{ kind: 'quota', reason: 'unknown' }, 'rate_limit_error', 429],
    [{ kind: 'gemini', reason: 'unavailable' }, 'overloaded_error', 503],
    [{ kind: 'gemini', reason: 'internal' }, 'api_error', 500],
    [{ kind: 'gemini', reason: 'deadline' }, 'api_error', 504],
    [{ kind: 'gemini', reason: 'bad_answer' }, 'api_error', 502],
    [{ kind: 'upstream', reason: 'worker_auth' }, 'authentication_error', 401],
    [{ kind: 'upstream', reason: 'region_blocked' }, 'api_error', 502],
    [{ kind: 'upstream', reason: 'network' }, 'api_error', 502],
    [{ kind: 'upstream', reason: 'timeout' }, 'api_error', 504],
    [{ kind: 'upstream', reason: 'worker_fault' }, 'api_error', 502],
  ])('%o -> %s (%i)', (fault, type, status) => {
    expect(anthropicErrorType(fault)).toBe(type);
    expect(faultStatus(fault)).toBe(status);
  });

  it('renders the envelope with the fault code and no key in the message', () => {
    const key = `AIza${'x'.repeat(35)}`;
    const body = anthropicErrorBody({ kind: 'key', reason: 'leaked' }, `Your API key was reported as leaked (api_key:${key})`);
    expect(body).toEqual({ type: 'error', error: { type: 'permission_error', message: expect.stringContaining('reported as leaked'), code: 'key_leaked' } });
    expect(JSON.stringify(body)).not.toContain(key);
  });
});

// The pool's own errors (and any catalogue error) on /v1/messages: a fault code keeps its
// fault's type; the pool's codes get the type Anthropic gives their status.
describe('anthropicErrorEnvelope', () => {
  it.each<[ErrorCode, string]>([
    ['invalid_api_key', 'authentication_error'],
    ['all_keys_cooling', 'rate_limit_error'],
    ['daily_budget_spent', 'rate_limit_error'],
    ['all_upstreams_down', 'overloaded_error'],
    ['no_usable_key', 'overloaded_error'],
    ['upstream_timeout', 'api_error'],
    ['pool_error', 'api_error'],
    ['client_bad_request', 'invalid_request_error'],
    ['gemini_unavailable', 'overloaded_error'],
    ['key_suspended', 'permission_error'],
  ])('%s -> %s', (code, type) => {
    const e = apiError(code, `no key AIza${'x'.repeat(35)} here`);
    const env = anthropicErrorEnvelope(e);
    expect(env).toEqual({ type: 'error', error: { type, message: expect.not.stringContaining('AIza'), code } });
  });

  it('a status set apart from the code (Fastify’s 413 as client_bad_request) takes that status’s type', () => {
    expect(anthropicErrorEnvelope(apiError('client_bad_request', 'too big', { status: 413 })).error.type).toBe('request_too_large');
  });
});
