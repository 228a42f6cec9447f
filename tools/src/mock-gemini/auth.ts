// How Gemini authenticates: an API key in `x-goog-api-key` or `?key=`. No key is a 403; a
// string not shaped like a Google key is Google's 400 API_KEY_INVALID; an Authorization header
// is read as an OAuth token and refused (a converter must not forward the client's Bearer).
import type { IncomingHttpHeaders } from 'node:http';
import { isGoogleApiKey } from '@opengemini/shared';
import { keyInvalid, missingKey, oauthRejected, type GeminiError } from './errors';

/** The request's key: the header first, then the query parameter. */
export function requestKey(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const header = headers['x-goog-api-key'];
  const value = Array.isArray(header) ? header[0] : header;
  return value ?? query.get('key') ?? undefined;
}

export function checkAuth(headers: IncomingHttpHeaders, key: string | undefined, extraKeys: readonly string[] = []): GeminiError | undefined {
  if (headers.authorization !== undefined) return oauthRejected();
  if (key === undefined || key === '') return missingKey();
  if (!isGoogleApiKey(key) && !extraKeys.includes(key)) return keyInvalid();
  return undefined;
}
