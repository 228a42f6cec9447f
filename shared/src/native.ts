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
  'x-goog-user-project',
  // Google's resumable upload protocol (the SDK's files.upload)
  'x-goog-upload-protocol',
  'x-goog-upload-command',
  'x-goog-upload-offset',
  'x-goog-upload-header-content-length',
  'x-goog-upload-header-content-type',
] as const;

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
