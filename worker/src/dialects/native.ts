// Native Gemini passthrough: /v1beta/* (and Gemini's own /v1/models/x:method). The body and any
// SSE stream go through untouched; the key is injected as x-goog-api-key. Error bodies stay in
// Google's format (native clients parse it) but are scrubbed of keys and labelled with the
// contract header so the pool can act on them.
import { NATIVE_REQUEST_HEADERS, NATIVE_RESPONSE_HEADERS, checkNativePath, scrubKeys, uploadUrlAt } from '@opengemini/shared';
import { MAX_BODY_BYTES } from '../body';
import { ApiError } from '../errors';
import { classifyGeminiError } from '../gemini/errors';
import type { ApiRoute } from '../api-path';
import { type GeminiTarget, networkError } from '../gemini/client';
import { CORS_HEADERS, faultHeaders } from '../http';
import { readCapped } from '../read-capped';

export async function handleNative(request: Request, url: URL, target: GeminiTarget, route: ApiRoute): Promise<Response> {
  const { version, rest } = route;
  // The path goes to Google as sent: nothing in it may step out of its resource (`%2F`, `..`).
  const checked = checkNativePath(rest);
  if (!checked.ok) throw new ApiError({ kind: 'client', reason: 'bad_request' }, checked.message, { param: 'path' });
  const query = new URLSearchParams(url.search);
  query.delete('key');
  const qs = query.toString();
  const upstreamUrl = `${target.baseUrl}${route.upload ? '/upload' : ''}/${version}${rest}${qs ? `?${qs}` : ''}`;

  const headers = new Headers({ 'x-goog-api-key': target.key });
  for (const name of NATIVE_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  let body: Uint8Array | undefined;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    body = Number(request.headers.get('content-length')) > MAX_BODY_BYTES ? undefined : await readCapped(request.body, MAX_BODY_BYTES);
    if (!body) throw new ApiError({ kind: 'client', reason: 'too_large' }, `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`);
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
  if (uploadUrl?.startsWith(`${target.baseUrl}/`)) {
    // Without any key parameter: never hand a key back; the Worker injects it again.
    const rewritten = uploadUrlAt(uploadUrl, url.origin, route.mount);
    if (rewritten) out.set('x-goog-upload-url', rewritten);
  }
  if (res.ok) return new Response(res.body, { status: res.status, headers: out });

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
