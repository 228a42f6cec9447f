// Where in a URL path the API starts, wherever the Worker is mounted.

/**
 * Finds the API path wherever the Worker is mounted: `/v1/...`, `/gemini/v1/...`, `/v1beta/...`.
 * Bare `/chat/completions`, `/embeddings` and `/models` are accepted too (clients configured with
 * a base URL lacking /v1).
 */
export function apiPath(pathname: string): { version: 'v1' | 'v1beta'; rest: string } | undefined {
  const m = /(?:^|\/)(v1beta|v1)(\/.*)?$/.exec(pathname);
  if (m) return { version: m[1] as 'v1' | 'v1beta', rest: m[2] ?? '/' };
  if (/\/(chat\/completions|embeddings|models(\/.*)?)$/.test(pathname)) {
    return { version: 'v1', rest: pathname.slice(pathname.search(/\/(chat\/completions|embeddings|models)/)) };
  }
  return undefined;
}
