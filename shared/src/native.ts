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
const DROPPED_PARAMS: ReadonlySet<string> = new Set(['key', 'access_token', 'oauth_token', 'bearer_token', 'callback', '$.xgafv']);

/** A parameter's name as it is compared: whatever its case and surrounding spaces, in case Google
 * is lenient about either (`Access_Token`, `ALT`). */
const nameOf = (name: string): string => name.trim().toLowerCase();

const paramsOf = (search: string) => new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);

/** A native request's query string as it may go to Google (`?...`, or '' when nothing is left). */
export function nativeQuery(search: string): string {
  const kept = new URLSearchParams();
  paramsOf(search).forEach((value, name) => {
    if (!DROPPED_PARAMS.has(nameOf(name))) kept.append(name, value);
  });
  const s = kept.toString();
  return s ? `?${s}` : '';
}

/**
 * How the answer of a method both tiers read (generateContent, streamGenerateContent,
 * countTokens...) comes, by its query's `alt`: JSON, or SSE for streamGenerateContent?alt=sse;
 * else why it is refused. Another form (alt=proto, alt=media, alt=sse on a method that is not
 * streamed), or two `alt`s read differently along the way (each tier and Google once took the
 * first, the pool the last), would be a 200 that is not the answer expected: the upstream's fault.
 */
export function nativeAnswerForm(search: string, method: string): 'json' | 'sse' | { refused: string } {
  const alt: string[] = [];
  paramsOf(search).forEach((value, name) => {
    if (nameOf(name) === 'alt') alt.push(value);
  });
  if (alt.length > 1) return { refused: `alt is given ${alt.length} times: give it once.` };
  const form = alt[0] ?? 'json';
  if (form === 'json') return 'json';
  if (form === 'sse' && method === 'streamGenerateContent') return 'sse';
  return { refused: `alt=${form}: ${method} answers as JSON (alt=json)${method === 'streamGenerateContent' ? ' or SSE (alt=sse)' : ''}.` };
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
