// Native Gemini routes, /v1beta/*: the Google SDK and Gemini CLI work through the pool as they
// would against Google (generateContent, streamGenerateContent, countTokens, embedContent,
// models, and file uploads at /upload/v1beta/*). The client's pool key arrives where Google's key
// would (x-goog-api-key or ?key=); it is removed and a Gemini key from the ring goes out the same
// way. Errors are Google's shape.
import { NATIVE_REQUEST_HEADERS, UPLOAD_RESPONSE_HEADERS, apiError, uploadUrlAt } from '@opengemini/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type PoolError, errorBody, errorHeaders } from '../errors';
import type { ProxyRequest } from '../../proxy';
import type { RouteOptions } from './openai';
import { cachedList, dataRouteSetup, proxy } from './proxy';

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
  dataRouteSetup(app, clientKeys, 'gemini');

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = request.url.split('?')[0] ?? '';
    const path = pathname + queryWithoutKey(request.url);
    const headers: Record<string, string> = {};
    for (const name of NATIVE_REQUEST_HEADERS) {
      const v = request.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const { model, method } = nativeTarget(pathname);
    const body = Buffer.isBuffer(request.body) && request.body.length ? request.body : undefined;
    if (body && method && (headers['content-type'] ?? 'application/json').includes('json')) {
      try {
        JSON.parse(body.toString('utf8'));
      } catch (err) {
        return void sendError(reply, apiError('client_bad_request', `Invalid JSON payload received. ${(err as Error).message}`));
      }
    }
    const fr: ProxyRequest = {
      dialect: 'gemini',
      method: request.method,
      path,
      body,
      headers,
      model,
      stream: method === 'streamGenerateContent',
      // Google streams SSE with ?alt=sse, a JSON array without; files and uploads are its own.
      expect: !method ? (pathname.startsWith('/v1beta/models') ? 'json' : 'any') : method === 'streamGenerateContent' && /[?&]alt=sse(&|$)/.test(path) ? 'sse' : 'json',
      clientFp: request.clientFp,
    };
    if (pathname.startsWith('/upload/')) {
      fr.replyHeaders = (up) => {
        const out: Record<string, string> = {};
        for (const name of UPLOAD_RESPONSE_HEADERS) {
          const v = up.get(name);
          if (v) out[name] = v;
        }
        // The session URL points at the Worker (or direct mode's placeholder host): bring the
        // client's next upload call back here, where a key is injected again.
        const session = up.get('x-goog-upload-url');
        const moved = session ? uploadUrlAt(session, poolOrigin(request)) : undefined;
        if (moved) out['x-goog-upload-url'] = moved;
        else delete out['x-goog-upload-url'];
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
