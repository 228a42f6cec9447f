// Native Gemini passthrough: /v1beta/* (and Gemini's own /v1/models/x:method). The body and any
// SSE stream go through untouched; the key is injected as x-goog-api-key. Error bodies stay in
// Google's format (native clients parse it) but are scrubbed of keys and labelled with the
// contract header so the pool can act on them.
import { NATIVE_METHODS, NATIVE_REQUEST_HEADERS, NATIVE_RESPONSE_HEADERS, checkNativePath, nativeAnswerForm, nativeQuery, scrubKeys, uploadUrlAt } from '@opengemini/shared';
import { readBodyBytes } from '../body';
import { ApiError } from '../errors';
import { confirmStream, readAnswerText } from '../gemini/answer';
import { classifyGeminiError } from '../gemini/errors';
import type { ApiRoute } from '../api-path';
import { type GeminiTarget, networkError } from '../gemini/client';
import { CORS_HEADERS, faultHeaders, json } from '../http';

export async function handleNative(request: Request, url: URL, target: GeminiTarget, route: ApiRoute): Promise<Response> {
  const { version, rest } = route;
  // The path goes to Google as sent: nothing in it may step out of its resource (`%2F`, `..`).
  const checked = checkNativePath(rest);
  // Refusals in Google's envelope, which native clients parse.
  const refuse = (message: string, param: string) => googleErrorResponse(new ApiError({ kind: 'client', reason: 'bad_request' }, message, { param }));
  if (!checked.ok) return refuse(checked.message, 'path');
  if (!NATIVE_METHODS.has(request.method)) return refuse(`${request.method} is not a method of Google's API here: GET, POST, PATCH or DELETE.`, 'method');
  const method = /:([A-Za-z]+)$/.exec(rest)?.[1];
  const form = method ? nativeAnswerForm(url.search, method) : undefined;
  if (typeof form === 'object') return refuse(form.refused, 'alt');
  const upstreamUrl = `${target.baseUrl}${route.upload ? '/upload' : ''}/${version}${rest}${nativeQuery(url.search)}`;

  const headers = new Headers({ 'x-goog-api-key': target.key });
  for (const name of NATIVE_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  let body: Uint8Array | undefined;
  if (request.method !== 'GET') {
    try {
      body = await readBodyBytes(request);
    } catch (err) {
      if (err instanceof ApiError) return googleErrorResponse(err);
      throw err;
    }
  }

  let res: Response;
  try {
    res = await target.fetch(upstreamUrl, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body: body as Uint8Array<ArrayBuffer> }),
      ...(target.signal ? { signal: target.signal } : {}),
    });
  } catch (err) {
    throw networkError(err);
  }

  const out = new Headers(CORS_HEADERS);
  for (const name of NATIVE_RESPONSE_HEADERS) {
    const value = res.headers.get(name);
    if (value) out.set(name, value);
  }
  // The upload session URL points at Google, which the client may not reach (that is why it uses
  // a Worker): send it back through this Worker, at the same mount path.
  const uploadUrl = out.get('x-goog-upload-url');
  if (uploadUrl) {
    // Without any key parameter: never hand a key back; the Worker injects it again. A session
    // URL that cannot be pointed back at the Worker is dropped rather than passed on as Google
    // wrote it (it may carry the key).
    const rewritten = uploadUrl.startsWith(`${target.baseUrl}/`) ? uploadUrlAt(uploadUrl, url.origin, route.mount) : undefined;
    if (rewritten) out.set('x-goog-upload-url', rewritten);
    else out.delete('x-goog-upload-url');
  }
  if (res.ok) {
    try {
      return new Response(await confirmedAnswer(res, rest, form), { status: res.status, headers: out });
    } catch (err) {
      if (err instanceof ApiError) return googleErrorResponse(err);
      throw err;
    }
  }

  const text = await res.text().catch(() => '');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: classified by status alone
  }
  const err = classifyGeminiError(res.status, parsed);
  for (const [name, value] of Object.entries(faultHeaders(err))) out.set(name, value);
  if (!out.has('content-type')) out.set('content-type', 'application/json');
  return new Response(scrubKeys(text), { status: res.status, headers: out });
}

/**
 * The body to relay for a 2xx: untouched, but a generateContent answer or an SSE stream that is
 * not an answer (gemini/answer.ts) is refused as gemini_bad_answer, so the pool blames Gemini
 * rather than the Worker (a stream is checked up to its first telling event, then relayed).
 */
async function confirmedAnswer(res: Response, rest: string, form: 'json' | 'sse' | undefined): Promise<string | ReadableStream<Uint8Array> | null> {
  if (rest.endsWith(':generateContent')) return (await readAnswerText(res)).text;
  if (rest.endsWith(':streamGenerateContent') && form === 'sse') return confirmStream(res.body ?? new ReadableStream());
  return res.body;
}

/** One of our own errors in Google's envelope, which native clients parse (their SDKs read
 * `error.message` and `error.status`), labelled for the pool like any other. */
function googleErrorResponse(err: ApiError): Response {
  const status = err.fault.kind === 'client' ? 'INVALID_ARGUMENT' : 'UNAVAILABLE';
  const body = { error: { code: err.status, message: scrubKeys(err.message), status } };
  return json(body, err.status, faultHeaders(err));
}
