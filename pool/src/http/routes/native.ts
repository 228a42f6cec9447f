// Native Gemini routes, /v1beta/*: the Google SDK and Gemini CLI work through the pool as they
// would against Google (generateContent, streamGenerateContent, countTokens, embedContent,
// models, and file uploads at /upload/v1beta/*). The client's pool key arrives where Google's key
// would (x-goog-api-key or ?key=); it is removed and a Gemini key from the ring goes out the same
// way. Errors are Google's shape.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientAuth } from '../auth';
import { type PoolError, errorBody, errorHeaders } from '../errors';
import type { ForwardRequest } from '../../proxy';
import type { RouteOptions } from './openai';
import { cachedList, proxy } from './proxy';

/** Client headers Google's API cares about; everything else (auth, cookies, hop-by-hop) stays. */
const PASSED_HEADERS = [
  'content-type',
  'accept',
  'x-goog-api-client',
  'x-goog-user-project',
  // Google's resumable upload protocol (the SDK's files.upload, /upload/v1beta/files)
  'x-goog-upload-protocol',
  'x-goog-upload-command',
  'x-goog-upload-offset',
  'x-goog-upload-header-content-length',
  'x-goog-upload-header-content-type',
] as const;

/** Upload protocol headers of the answer, passed back to the client. */
const UPLOAD_REPLY_HEADERS = ['x-goog-upload-status', 'x-goog-upload-chunk-granularity', 'x-goog-upload-control-url', 'x-goog-upload-size-received'] as const;

/**
 * The upload session URL the upstream handed back (pointing at the Worker, or at the in-process
 * handler's placeholder host) moved to the pool's own origin, so the client's next upload call
 * comes here and gets a key injected again. Undefined when it is not an upload URL.
 */
export function uploadUrlAtPool(value: string, poolOrigin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const at = url.pathname.indexOf('/upload/v1beta/');
  if (at < 0) return undefined;
  url.searchParams.delete('key'); // never hand a key back
  return `${poolOrigin}${url.pathname.slice(at)}${url.search}`;
}

function poolOrigin(request: FastifyRequest): string {
  const proto = request.headers['x-forwarded-proto'];
  const scheme = typeof proto === 'string' && proto.split(',')[0]!.trim() === 'https' ? 'https' : 'http';
  return `${scheme}://${request.headers.host ?? 'localhost'}`;
}

/** `models/gemini-2.5-flash:streamGenerateContent` -> model and method. */
export function nativeTarget(path: string): { model: string; method: string } {
  const m = /\/models\/([^/:]+):([A-Za-z]+)$/.exec(path);
  return m ? { model: decodeURIComponent(m[1]!), method: m[2]! } : { model: '*', method: '' };
}

/** The query string without the client's `key` (the pool's key must not travel upstream). */
export function queryWithoutKey(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return '';
  const params = new URLSearchParams(url.slice(q + 1));
  params.delete('key');
  const s = params.toString();
  return s ? `?${s}` : '';
}

function sendError(reply: FastifyReply, e: PoolError): FastifyReply {
  return reply.code(e.status).headers(errorHeaders(e)).send(errorBody('gemini', e));
}

export async function nativeRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { ctx, clientKeys, models } = opts;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addHook('onRequest', clientAuth(clientKeys, 'gemini'));
  app.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    void sendError(reply, { status, type: 'invalid_request_error', code: status < 500 ? 'client_bad_request' : 'pool_error', message: err.message });
  });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = request.url.split('?')[0] ?? '';
    const path = pathname + queryWithoutKey(request.url);
    const headers: Record<string, string> = {};
    for (const name of PASSED_HEADERS) {
      const v = request.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const { model, method } = nativeTarget(pathname);
    const body = Buffer.isBuffer(request.body) && request.body.length ? request.body : undefined;
    if (body && method && (headers['content-type'] ?? 'application/json').includes('json')) {
      try {
        JSON.parse(body.toString('utf8'));
      } catch (err) {
        return void sendError(reply, { status: 400, type: 'invalid_request_error', code: 'client_bad_request', message: `Invalid JSON payload received. ${(err as Error).message}` });
      }
    }
    const fr: ForwardRequest = {
      dialect: 'gemini',
      method: request.method,
      path,
      body,
      headers,
      model,
      stream: method === 'streamGenerateContent',
      clientFp: request.clientFp,
    };
    if (pathname.startsWith('/upload/')) {
      fr.replyHeaders = (up) => {
        const out: Record<string, string> = {};
        for (const name of UPLOAD_REPLY_HEADERS) {
          const v = up.get(name);
          if (v) out[name] = v;
        }
        const session = up.get('x-goog-upload-url');
        const moved = session ? uploadUrlAtPool(session, poolOrigin(request)) : undefined;
        if (moved) out['x-goog-upload-url'] = moved;
        return out;
      };
    }
    const route = method ? `/v1beta/models/{model}:${method}` : pathname.replace(/\/models\/[^/]+$/, '/models/{model}');
    if (request.method === 'GET' && /^\/v1beta\/models(\/[^/:]+)?$/.test(pathname)) return cachedList(ctx, models, fr, request, reply, route);
    await proxy(ctx, fr, request, reply, route);
  };
  app.all('/v1beta/*', handler);
  app.all('/upload/v1beta/*', handler);
}
