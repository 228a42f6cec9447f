// The Worker's request handler: Web-standard Request -> Response, the same in workerd and Node.
// Routing and nothing else; each route lives in dialects/. Used by index.ts (Cloudflare's entry)
// and by the pool's direct mode, which runs this converter in-process.
import { ApiError, badRequest } from './errors';
import { badSecret, extractKey, missingKey } from './auth';
import { DEFAULT_GEMINI_BASE_URL, type GeminiTarget } from './gemini/client';
import { errorResponse, json, preflight, toApiError } from './http';
import { handleChat } from './dialects/openai-chat/route';
import { compactionUnsupported, storedResponseNotFound } from './dialects/responses/errors';
import { handleInputTokens, handleResponses } from './dialects/responses/route';
import { handleEmbeddings } from './dialects/embeddings';
import { handleListModels, handleGetModel } from './dialects/models';
import { handleNative } from './dialects/native';
import { anthropicErrorResponse } from './dialects/anthropic/errors';
import { handleCountTokens, handleMessages } from './dialects/anthropic/route';
import { apiPath } from './api-path';
import { scrubHandedKey } from './scrub-response';
import type { StreamTiming } from './sse-stream';

export interface WorkerEnv {
  /** Where Gemini lives; default https://generativelanguage.googleapis.com. Tests point it at the mock. */
  GEMINI_BASE_URL?: string;
  /** When set, callers must send it in x-opengemini-secret (or as `SECRET:KEY` in the Bearer). */
  WORKER_SECRET?: string;
  /** Silence (ms) after which a stream gets an SSE `: keep-alive` comment; default 15000, 0 off. */
  SSE_KEEPALIVE_MS?: string;
}

export interface WorkerDeps {
  /** Calls Gemini. */
  fetch?: typeof fetch;
  /** Fetches remote media a request names (image_url...); default: `fetch`. In Node, pass
   * createNodeMediaFetch() (`@opengemini/worker/node`): it refuses names that resolve to private
   * addresses, which the Worker's own literal checks cannot see. */
  mediaFetch?: typeof fetch;
}

export type Handler = (request: Request) => Promise<Response>;

export function createWorkerHandler(env: WorkerEnv = {}, deps: WorkerDeps = {}): Handler {
  const baseUrl = (env.GEMINI_BASE_URL || DEFAULT_GEMINI_BASE_URL).replace(/\/+$/, '');
  const secret = env.WORKER_SECRET || undefined;
  const keepAlive = Number(env.SSE_KEEPALIVE_MS);
  // Bound at call time so tests and the pool can swap globalThis.fetch; workerd needs `this` kept.
  const doFetch: typeof fetch = deps.fetch ?? ((input, init) => fetch(input, init));
  const timing: StreamTiming = { keepAliveMs: env.SSE_KEEPALIVE_MS && Number.isFinite(keepAlive) && keepAlive >= 0 ? keepAlive : undefined };

  // The key each request was handed, for scrubHandedKey once its answer is ready.
  const handedKeys = new WeakMap<Request, string>();
  const handle = async function handle(request: Request): Promise<Response> {
    // Anthropic's routes answer every error in Anthropic's envelope, the others in OpenAI's
    // (native /v1beta errors keep Google's own body: dialects/native.ts).
    let anthropic = false;
    try {
      if (request.method === 'OPTIONS') return preflight();
      const url = new URL(request.url);
      const route = apiPath(url.pathname);
      if (!route) {
        if (url.pathname === '/' || url.pathname === '') {
          return json({ name: 'OpenGemini Worker', endpoints: ['/v1/chat/completions', '/v1/responses', '/v1/messages', '/v1/embeddings', '/v1/models', '/v1beta/*'] });
        }
        throw notFound(url.pathname);
      }
      anthropic = route.version === 'v1' && /^\/messages(?:\/|$)/.test(route.rest);
      const { key, secretOk } = extractKey(request, url, secret);
      if (!secretOk) throw badSecret();
      if (!key) throw missingKey();
      handedKeys.set(request, key);
      const target: GeminiTarget = { baseUrl, key, fetch: doFetch, mediaFetch: deps.mediaFetch, signal: request.signal };

      const { version, rest } = route;
      const method = request.method;
      // Native paths (`/v1beta/...`, and `/v1/models/x:generateContent` of Gemini's v1 API).
      if (version === 'v1beta' || route.upload || rest.includes(':')) return await handleNative(request, url, target, route);
      if (rest === '/chat/completions') return method === 'POST' ? await handleChat(request, target, timing) : notAllowed(method, 'POST');
      if (rest === '/responses') return method === 'POST' ? await handleResponses(request, target, timing) : notAllowed(method, 'POST');
      if (rest === '/responses/input_tokens') return method === 'POST' ? await handleInputTokens(request, target) : notAllowed(method, 'POST');
      if (rest === '/responses/compact') throw compactionUnsupported();
      if (rest.startsWith('/responses/')) throw storedResponseNotFound(pathSegment(rest.slice('/responses/'.length).split('/')[0]!));
      if (rest === '/messages') return method === 'POST' ? await handleMessages(request, target, timing) : notAllowed(method, 'POST', true);
      if (rest === '/messages/count_tokens') return method === 'POST' ? await handleCountTokens(request, target) : notAllowed(method, 'POST', true);
      if (rest === '/embeddings') return method === 'POST' ? await handleEmbeddings(request, target) : notAllowed(method, 'POST');
      if (rest === '/models' || rest === '/models/') return method === 'GET' ? await handleListModels(target) : notAllowed(method, 'GET');
      if (rest.startsWith('/models/')) {
        return method === 'GET' ? await handleGetModel(target, pathSegment(rest.slice('/models/'.length))) : notAllowed(method, 'GET');
      }
      throw notFound(url.pathname);
    } catch (err) {
      return anthropic ? anthropicErrorResponse(toApiError(err)) : errorResponse(toApiError(err));
    }
  };
  return async (request: Request): Promise<Response> => {
    const res = await handle(request);
    const key = handedKeys.get(request);
    return key === undefined ? res : scrubHandedKey(res, key);
  };
}

function notFound(path: string): ApiError {
  return new ApiError({ kind: 'client', reason: 'not_found' }, `Unknown path ${path}. Try /v1/chat/completions, /v1/responses, /v1/messages, /v1/embeddings, /v1/models or /v1beta/*.`);
}

function notAllowed(method: string, allowed: string, anthropic = false): Response {
  const err = new ApiError({ kind: 'client', reason: 'bad_request' }, `Method ${method} is not allowed here; use ${allowed}.`, { status: 405 });
  const res = anthropic ? anthropicErrorResponse(err) : errorResponse(err);
  res.headers.set('allow', `${allowed}, OPTIONS`);
  return res;
}

/** A path segment decoded; a broken percent escape is the client's 400, not a Worker fault. */
function pathSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest(`The path segment '${raw.slice(0, 80)}' has a broken percent escape.`);
  }
}
