// Calls Gemini: URL, key header, network failures and error bodies decoded into the contract.
// The only module of the converter that performs I/O against Google; fetch is passed in.
import { checkModelName } from '@opengemini/shared';
import { ApiError, badRequest } from '../errors';
import { errorFromResponse } from './errors';

export const DEFAULT_GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

export interface GeminiTarget {
  /** e.g. https://generativelanguage.googleapis.com, without a trailing slash or version */
  baseUrl: string;
  key: string;
  fetch: typeof fetch;
  /** Aborts the upstream call when the client goes away. */
  signal?: AbortSignal | undefined;
}

/**
 * `models/gemini-2.5-flash` and `gemini-2.5-flash` both name the same model. The one place a model
 * name becomes part of a Gemini URL: a name that could steer it (`/`, `..`, a percent escape) is
 * the client's 400 here, naming the field, before any URL exists.
 */
export function modelPath(model: string, param = 'model'): string {
  const check = checkModelName(model);
  if (!check.ok) throw badRequest(check.message, param);
  return `models/${check.model}`;
}

/**
 * Sends one request to Gemini v1beta. Resolves with the Response when it is 2xx; otherwise
 * throws an ApiError labelled by the contract (the error body is read and classified).
 */
export async function callGemini(target: GeminiTarget, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const url = `${target.baseUrl}/v1beta/${path}`;
  let res: Response;
  try {
    res = await target.fetch(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'x-goog-api-key': target.key, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(target.signal ? { signal: target.signal } : {}),
    });
  } catch (err) {
    throw networkError(err);
  }
  if (!res.ok) throw await errorFromResponse(res);
  return res;
}

/** A failure to reach Gemini at all: the egress is at fault, not the key. */
export function networkError(err: unknown): ApiError {
  const aborted = err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError(
    { kind: 'upstream', reason: aborted ? 'timeout' : 'network' },
    `Could not reach Gemini: ${message}`,
    { cause: err },
  );
}

/** Parses a 2xx JSON body from Gemini; a body that is not JSON is Gemini's (or the egress') fault. */
export async function readJson<T>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError({ kind: 'gemini', reason: 'internal' }, `Gemini returned a body that is not JSON (HTTP ${res.status})`);
  }
}
