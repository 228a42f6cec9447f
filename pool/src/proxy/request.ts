// One client request as the attempt loop sees it, whatever the route: where it goes, what it
// carries, and what a successful answer must look like.
import type { Dialect } from '../http';
import type { HeaderGetter, UpstreamRequest } from '../upstreams';

/**
 * What a 200 must look like to count as an answer: `json` (an object or array), `sse` (SSE
 * frames), or `any` (uploads, files: Google's own bodies). A 200 that is not what was asked for
 * (an HTML page, an empty body) is the Worker's fault, not an answer.
 */
export type Expect = 'json' | 'sse' | 'any';

export interface ProxyRequest {
  dialect: Dialect;
  method: string;
  /** Upstream path and query, the client's key already removed. */
  path: string;
  body: Buffer | undefined;
  /** Client headers worth passing on (content-type, accept, x-goog-*). */
  headers: Record<string, string>;
  /** The model (for cooldowns and usage); `*` for calls that are not about one model. */
  model: string;
  /** The answer is relayed as it arrives (committed at its first event) rather than read whole. */
  stream: boolean;
  expect: Expect;
  clientFp: string;
  /** The answer is a token count (count_tokens, input_tokens), not a use of the model: its
   * `input_tokens` are not usage. */
  tokenCount?: boolean;
  /** Sees a whole successful answer (the models cache). */
  onBody?: (status: number, contentType: string, body: Buffer) => void;
  /** Extra headers of a whole successful answer to pass back (the upload protocol's): a fresh
   * object each call, which the reply completes. */
  replyHeaders?: (upstream: HeaderGetter) => Record<string, string>;
  /** The only key this request may use: the Gemini files it names belong to it (keys/file-keys.ts). */
  keyFp?: string;
}

/** The request as it leaves for a Worker: the key where the dialect carries one, and the Worker's secret. */
export function upstreamRequest(pr: ProxyRequest, key: string, secret: string | undefined): Omit<UpstreamRequest, 'signal' | 'cancel'> {
  // Object.assign, not a spread: V8 adds a property to a spread copy the slow way (0.7 us each).
  const headers: Record<string, string> = Object.assign({}, pr.headers);
  if (pr.dialect === 'gemini') headers['x-goog-api-key'] = key;
  else headers['authorization'] = `Bearer ${key}`;
  if (secret) headers['x-opengemini-secret'] = secret;
  return { method: pr.method, path: pr.path, headers, body: pr.body };
}
