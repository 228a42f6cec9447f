// Google's error bodies, as the Gemini API sends them (see ../shared/reference/gemini-wire.md).
// One builder per case; bodies that echo a key use the request's real key, so scrubbing can be
// tested end to end.
import type { Gemini } from '@opengemini/shared';
import type { ErrorBehaviour, QuotaBehaviour } from './types';

export type GeminiErrorBody = Gemini.GeminiErrorBody;
export interface GeminiError {
  status: number;
  body: GeminiErrorBody;
}

const SERVICE = 'generativelanguage.googleapis.com';
const T = 'type.googleapis.com/google.rpc.';

function error(code: number, status: string, message: string, details?: Gemini.GeminiErrorDetail[]): GeminiError {
  return { status: code, body: { error: { code, message, status, ...(details && { details }) } } };
}

const localized = (message: string): Gemini.GeminiErrorDetail => ({ '@type': `${T}LocalizedMessage`, locale: 'en-US', message });
const errorInfo = (reason: string, metadata: Record<string, string> = { service: SERVICE }): Gemini.GeminiErrorDetail => ({
  '@type': `${T}ErrorInfo`,
  reason,
  domain: 'googleapis.com',
  metadata,
});

/** 400 API_KEY_INVALID: a key Google does not know (or one not shaped like a key at all). */
export function keyInvalid(): GeminiError {
  const message = 'API key not valid. Please pass a valid API key.';
  return error(400, 'INVALID_ARGUMENT', message, [errorInfo('API_KEY_INVALID'), localized(message)]);
}

export function keyExpired(): GeminiError {
  const message = 'API key expired. Please renew the API key.';
  return error(400, 'INVALID_ARGUMENT', message, [errorInfo('API_KEY_EXPIRED'), localized(message)]);
}

/** 403 for a key reported as leaked; `echoKey` appends the key the way some 403s echo it. */
export function keyLeaked(key: string | undefined, echoKey: boolean): GeminiError {
  const base = 'Your API key was reported as leaked. Please use another API key.';
  return error(403, 'PERMISSION_DENIED', echoKey && key ? `${base} (api_key:${key})` : base);
}

export function keySuspended(key: string | undefined): GeminiError {
  const message = `Permission denied: Consumer 'api_key:${key ?? ''}' has been suspended.`;
  return error(403, 'PERMISSION_DENIED', message, [
    errorInfo('CONSUMER_SUSPENDED', { service: SERVICE, consumer: 'projects/123456789012' }),
    localized(message),
  ]);
}

/** 403 when neither `x-goog-api-key` nor `?key=` is present. */
export function missingKey(): GeminiError {
  return error(
    403,
    'PERMISSION_DENIED',
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  );
}

/** 401 when an `Authorization` header is sent: Google reads it as an OAuth token. */
export function oauthRejected(): GeminiError {
  return error(
    401,
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    [errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED', { service: SERVICE, method: 'google.ai.generativelanguage.v1beta.GenerativeService.GenerateContent' })],
  );
}

const QUOTAS = {
  per_minute: { id: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', metric: 'generate_content_free_tier_requests', value: '10', delay: '47s' },
  per_day: { id: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', metric: 'generate_content_free_tier_requests', value: '250', delay: '0s' },
  tokens_per_minute: { id: 'GenerateContentInputTokensPerModelPerMinute-FreeTier', metric: 'generate_content_free_tier_input_token_count', value: '250000', delay: '31s' },
} as const;

/** 429 RESOURCE_EXHAUSTED: QuotaFailure, Help and RetryInfo, in Google's order. */
export function quotaExceeded(b: Pick<QuotaBehaviour, 'quota' | 'retryDelay' | 'quotaValue'>, model: string): GeminiError {
  if (b.quota === 'bare') return error(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).');
  const q = QUOTAS[b.quota];
  const delay = b.retryDelay ?? q.delay;
  const value = b.quotaValue ?? q.value;
  const metric = `generativelanguage.googleapis.com/${q.metric}`;
  const seconds = Number.parseFloat(delay);
  const message =
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n' +
    `* Quota exceeded for metric: ${metric}, limit: ${value}, model: ${model}\n` +
    `Please retry in ${Number.isFinite(seconds) ? seconds : 0}s.`;
  return error(429, 'RESOURCE_EXHAUSTED', message, [
    { '@type': `${T}QuotaFailure`, violations: [{ quotaMetric: metric, quotaId: q.id, quotaDimensions: { location: 'global', model }, quotaValue: value }] },
    { '@type': `${T}Help`, links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
    { '@type': `${T}RetryInfo`, retryDelay: delay },
  ]);
}

export function serverError(status: 500 | 503 | 504): GeminiError {
  if (status === 503) return error(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
  if (status === 504) return error(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.');
  return error(500, 'INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting');
}

export function regionBlocked(): GeminiError {
  return error(400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.');
}

/** 404 for an unknown model, or one that does not support the method. */
export function modelNotFound(model: string, method: string): GeminiError {
  return error(
    404,
    'NOT_FOUND',
    `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
  );
}

export function notFound(message = 'Method not found.'): GeminiError {
  return error(404, 'NOT_FOUND', message);
}

/** 400 INVALID_ARGUMENT with a plain message (the semantic checks' wording). */
export function invalidArgument(message: string): GeminiError {
  return error(400, 'INVALID_ARGUMENT', message);
}

/** 400 for a body that is not JSON at all. */
export function invalidJson(): GeminiError {
  const description = 'Invalid JSON payload received. Unexpected token.';
  return error(400, 'INVALID_ARGUMENT', description, [{ '@type': `${T}BadRequest`, fieldViolations: [{ description }] }]);
}

/** The error for a scripted error behaviour. */
export function behaviourError(b: ErrorBehaviour, ctx: { key: string | undefined; model: string }): GeminiError {
  switch (b.kind) {
    case 'quota':
      return quotaExceeded(b, ctx.model);
    case 'keyError':
      if (b.reason === 'invalid') return keyInvalid();
      if (b.reason === 'expired') return keyExpired();
      if (b.reason === 'leaked') return keyLeaked(ctx.key, b.echoKey === true);
      return keySuspended(ctx.key);
    case 'serverError':
      return serverError(b.status);
    case 'regionBlocked':
      return regionBlocked();
  }
}
