// Where in a URL path the API starts, wherever the Worker is mounted.

export interface ApiRoute {
  version: 'v1' | 'v1beta';
  /** The path after the version, e.g. `/chat/completions` or `/models/x:generateContent`. */
  rest: string;
  /** Google's media upload path (`/upload/v1beta/files`): the Google SDK's file uploads. */
  upload: boolean;
  /** What stands before the API path (`/gemini` for `/gemini/v1/...`); '' at the root. */
  mount: string;
}

/**
 * Finds the API path wherever the Worker is mounted: `/v1/...`, `/gemini/v1/...`, `/v1beta/...`,
 * `/upload/v1beta/...`. Bare `/chat/completions`, `/embeddings` and `/models` are accepted too
 * (clients configured with a base URL lacking /v1).
 */
export function apiPath(pathname: string): ApiRoute | undefined {
  const m = /(?:^|\/)(upload\/)?(v1beta|v1)(\/.*)?$/.exec(pathname);
  if (m) return { version: m[2] as 'v1' | 'v1beta', rest: m[3] ?? '/', upload: m[1] !== undefined, mount: pathname.slice(0, m.index) };
  const bare = pathname.search(/\/(chat\/completions|embeddings|models)(\/.*)?$/);
  if (bare >= 0) return { version: 'v1', rest: pathname.slice(bare), upload: false, mount: pathname.slice(0, bare) };
  return undefined;
}
