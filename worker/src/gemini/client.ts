// Calls Gemini: URL, key header, network failures and error bodies decoded into the contract.
// The only module of the converter that performs I/O against Google; fetch is passed in.
import { checkModelName } from '@opengemini/shared';
import { ApiError, badRequest } from '../errors';
import { jsonOf } from '../json-text';
import { errorFromResponse } from './errors';

export const DEFAULT_GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

export interface GeminiTarget {
  /** e.g. https://generativelanguage.googleapis.com, without a trailing slash or version */
  baseUrl: string;
  key: string;
  fetch: typeof fetch;
  /** Fetches the remote media a request names (image URLs...); default `fetch`. The pool's
   * direct mode passes one that also checks DNS answers (worker/src/node/media-fetch.ts). */
  mediaFetch?: typeof fetch | undefined;
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
 * throws an ApiError labelled by the contract (the error body is read and classified). The body
 * is serialised here, or sent as it is when it is a JsonText.
 */
export async function callGemini(target: GeminiTarget, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const url = `${target.baseUrl}/v1beta/${path}`;
  // Written before the call: a body that cannot be written is this Worker's fault, not the network's.
  const body = init.body === undefined ? undefined : jsonOf(init.body);
  let res: Response;
  try {
    res = await target.fetch(url, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { 'x-goog-api-key': target.key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
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

/** Parses a 2xx JSON body from Gemini. A body that breaks off, is empty or is not JSON is a 200
 * that is not an answer: Gemini's fault (gemini_bad_answer), not the key's nor the Worker's. */
export async function readJson<T>(res: Response): Promise<T> {
  return parseJson<T>(await readText(res), res.status);
}

/** A 2xx body as text; a connection that breaks off mid-body is a bad answer. */
export async function readText(res: Response): Promise<string> {
  try {
    return await res.text();
  } catch (err) {
    throw badAnswer(`Gemini's connection broke off in the middle of its answer (HTTP ${res.status})`, err);
  }
}

/** JSON.parse for a 2xx body; empty or not JSON is a bad answer. */
export function parseJson<T>(text: string, status: number): T {
  if (text.trim() === '') throw badAnswer(`Gemini answered HTTP ${status} with an empty body`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw badAnswer(`Gemini returned a body that is not JSON (HTTP ${status})`);
  }
}

/** A 200 from Gemini that is not an answer (contract: gemini / bad_answer, HTTP 502). */
export function badAnswer(message: string, cause?: unknown): ApiError {
  return new ApiError({ kind: 'gemini', reason: 'bad_answer' }, message, cause === undefined ? {} : { cause });
}
