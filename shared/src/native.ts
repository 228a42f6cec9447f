// Native Gemini (/v1beta/*, /upload/v1beta/*) passthrough rules both tiers apply: which headers
// travel each way, and where an upload session URL must point so the client's next call comes
// back through the same tier (which injects a key again). Pure.

/** Request headers worth passing on to Google; everything else (auth, cookies, hop-by-hop per
 * RFC 9110 §7.6.1, Cloudflare's cf-*) stays behind. Not accept-encoding: answers must arrive as
 * plain bytes, which both tiers scrub of keys on their way back. */
export const NATIVE_REQUEST_HEADERS = [
  'content-type',
  'accept',
  'x-goog-api-client',
  // Not x-goog-user-project: a client could name a project the keys may not bill, and Google's
  // 403 USER_PROJECT_DENIED would be taken for each key's own fault, one key after another.
  // Google's resumable upload protocol (the SDK's files.upload)
  'x-goog-upload-protocol',
  'x-goog-upload-command',
  'x-goog-upload-offset',
  'x-goog-upload-header-content-length',
  'x-goog-upload-header-content-type',
] as const;

/** The methods Google's REST API uses (its discovery document's, every one). Anything else
 * (OPTIONS, TRACE, HEAD...) is refused by both tiers before a key is spent on it: such a request
 * comes back as no answer at all (a 204 preflight, a fetch that cannot be made), which would be
 * taken for the upstream's fault and open its breaker. */
export const NATIVE_METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PATCH', 'DELETE']);

/**
 * Google's system parameters a client may not set, because Google would judge the request by
 * them and the answer would be blamed on a key or an upstream: credentials of the client's own
 * (key, access_token, oauth_token, bearer_token: a bad one is a 401 for every key tried), and the
 * two that change what an answer looks like (callback: JSONP; $.xgafv: the older error format,
 * whose reasons the error catalogue does not read). `alt` is checked where answers are read.
 */
const DROPPED_PARAMS = ['key', 'access_token', 'oauth_token', 'bearer_token', 'callback', '$.xgafv'] as const;

/** A native request's query string as it may go to Google (`?...`, or '' when nothing is left). */
export function nativeQuery(search: string): string {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  for (const name of DROPPED_PARAMS) params.delete(name);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * Why `alt` in `search` does not suit a method whose answer both tiers read (generateContent,
 * streamGenerateContent...), or undefined: such answers are JSON (alt=json) or SSE (alt=sse);
 * another (alt=proto, alt=media) would come back as a 200 that is not an answer, taken for the
 * upstream's fault.
 */
export function unreadableAlt(search: string, method: string): string | undefined {
  const alt = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search).getAll('alt');
  if (alt.every((a) => a === 'json' || a === 'sse')) return undefined;
  return `alt=${alt.join(',')}: ${method} answers as JSON (alt=json) or, streamed, as SSE (alt=sse).`;
}

/** Google's upload protocol headers of an answer, passed back to the client. */
export const UPLOAD_RESPONSE_HEADERS = ['x-goog-upload-url', 'x-goog-upload-status', 'x-goog-upload-chunk-granularity', 'x-goog-upload-control-url', 'x-goog-upload-size-received'] as const;

/** Response headers worth passing back on native routes. */
export const NATIVE_RESPONSE_HEADERS = ['content-type', 'content-disposition', ...UPLOAD_RESPONSE_HEADERS] as const;

/**
 * An upload session URL (`.../upload/v1beta/files?upload_id=...`, pointing at Google, a Worker or
 * the in-process handler's placeholder host) moved to `origin` + `mount` (the path a tier is
 * served under), without any `key` parameter: a key is never handed back. Undefined when the
 * value is not an upload URL.
 */
export function uploadUrlAt(value: string, origin: string, mount = ''): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const at = url.pathname.indexOf('/upload/v1beta/');
  if (at < 0) return undefined;
  url.searchParams.delete('key');
  return `${origin}${mount}${url.pathname.slice(at)}${url.search}`;
}
