// Native Gemini routes, /v1beta/*: the Google SDK and Gemini CLI work through the pool as they
// would against Google (generateContent, streamGenerateContent, countTokens, embedContent,
// models, and file uploads at /upload/v1beta/*). The client's pool key arrives where Google's key
// would (x-goog-api-key or ?key=); it is removed and a Gemini key from the ring goes out the same
// way. Errors are Google's shape.
import { NATIVE_METHODS, NATIVE_REQUEST_HEADERS, type NativePathCheck, UPLOAD_RESPONSE_HEADERS, apiError, checkNativePath, nativeAnswerForm, nativeQuery, uploadUrlAt } from '@opengemini/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OPERATOR_TAG } from '../access-key';
import { type PoolError, forbidden, sendError } from '../errors';
import { nativeAccess } from '../native-access';
import { uploadIdOf } from '../../keys';
import type { ProxyRequest } from '../../proxy';
import type { RouteOptions } from './openai';
import { cachedList, dataRouteSetup, proxy } from './proxy';

function poolOrigin(request: FastifyRequest): string {
  const proto = request.headers['x-forwarded-proto'];
  const scheme = typeof proto === 'string' && proto.split(',')[0]!.trim() === 'https' ? 'https' : 'http';
  return `${scheme}://${request.headers.host ?? 'localhost'}`;
}

/**
 * The model and method a native path names (`/v1beta/models/gemini-2.5-flash:streamGenerateContent`),
 * `*` for paths about no one model; or why the path is refused (escapes, dot segments, a bad
 * model id), checked as the Worker checks it, so what is logged and budgeted is what Gemini gets.
 */
function nativeTarget(pathname: string): NativePathCheck {
  const at = /^(?:\/upload)?\/v1beta(?=\/|$)/.exec(pathname);
  return checkNativePath(at ? pathname.slice(at[0].length) : pathname);
}

/** `files/abc` from an upload's answer (`{"file":{"name":"files/abc",...}}`), if it is one. */
function fileNameOf(answer: Buffer): string | undefined {
  try {
    const name = (JSON.parse(answer.toString('utf8')) as { file?: { name?: unknown } }).file?.name;
    return typeof name === 'string' && /^files\/[a-z0-9-]{1,64}$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why this client key may not call this native method, or undefined when it may: operator-only
 * methods need operator rights (native-access.ts). A file's own methods (files.get, files.delete)
 * are for its uploader: that is decided with every other use of a file, by FileKeys.bind
 * (bindToFileKey in proxy.ts).
 */
function accessProblem(opts: RouteOptions, request: FastifyRequest, pathname: string): PoolError | undefined {
  if (opts.clientKeys.isOperator(request.clientFp)) return undefined;
  const { id, access } = nativeAccess(request.method, pathname);
  if (access === 'operator') {
    return forbidden(`${id} reads or changes what the pool's operator keeps at Google; this client key may generate, count, embed, list models and upload and use its own files. The operator can grant it more with "${OPERATOR_TAG}" in its label in client_keys.txt.`);
  }
  return undefined;
}


export async function nativeRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { ctx, clientKeys, models } = opts;
  dataRouteSetup(app, clientKeys, 'gemini', ctx.config.BODY_TIMEOUT_MS);

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!NATIVE_METHODS.has(request.method)) {
      return void sendError(reply, 'gemini', apiError('client_bad_request', `${request.method} is not a method of Google's API here: GET, POST, PATCH or DELETE.`));
    }
    const pathname = request.url.split('?')[0] ?? '';
    // The query as it may go upstream: no client credentials, nothing that changes an answer's form.
    const q = request.url.indexOf('?');
    const path = pathname + (q < 0 ? '' : nativeQuery(request.url.slice(q)));
    const headers: Record<string, string> = {};
    for (const name of NATIVE_REQUEST_HEADERS) {
      const v = request.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const target = nativeTarget(pathname);
    if (!target.ok) return void sendError(reply, 'gemini', apiError('client_bad_request', target.message));
    const { model, method } = target;
    const form = method ? nativeAnswerForm(path.slice(pathname.length), method) : undefined;
    if (typeof form === 'object') return void sendError(reply, 'gemini', apiError('client_bad_request', form.refused));
    const refused = accessProblem(opts, request, pathname);
    if (refused) return void sendError(reply, 'gemini', refused);
    const body = Buffer.isBuffer(request.body) && request.body.length ? request.body : undefined;
    if (body && method && (headers['content-type'] ?? 'application/json').includes('json')) {
      try {
        JSON.parse(body.toString('utf8'));
      } catch (err) {
        return void sendError(reply, 'gemini', apiError('client_bad_request', `Invalid JSON payload received. ${(err as Error).message}`));
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
      expect: form ?? (pathname.startsWith('/v1beta/models') ? 'json' : 'any'),
      clientFp: request.clientFp,
    };
    let session: string | undefined;
    let created: string | undefined;
    if (pathname.startsWith('/upload/') || (request.method === 'POST' && pathname === '/v1beta/files')) {
      // The upload session and the file it creates belong to the key that served the call.
      fr.onBody = (_status, _type, answer) => {
        created = fileNameOf(answer);
      };
      fr.replyHeaders = (up) => {
        const out: Record<string, string> = {};
        for (const name of UPLOAD_RESPONSE_HEADERS) {
          const v = up.get(name);
          if (v) out[name] = v;
        }
        // The session URL points at the Worker (or direct mode's placeholder host): bring the
        // client's next upload call back here, where a key is injected again.
        const url = up.get('x-goog-upload-url');
        session = url ? uploadIdOf(url) : undefined;
        const moved = url ? uploadUrlAt(url, poolOrigin(request)) : undefined;
        if (moved) out['x-goog-upload-url'] = moved;
        else delete out['x-goog-upload-url'];
        return out;
      };
    }
    const route = method ? `/v1beta/models/{model}:${method}` : pathname.replace(/\/models\/[^/]+$/, '/models/{model}');
    if (request.method === 'GET' && /^\/v1beta\/models(\/[^/:]+)?$/.test(pathname)) return cachedList(ctx, models, fr, request, reply, route);
    const r = await proxy(ctx, fr, request, reply, route);
    if (ctx.files && r?.keyFp && r.status < 300) {
      if (session) ctx.files.pin(`upload:${session}`, r.keyFp, request.clientFp);
      if (created) ctx.files.pin(created, r.keyFp, request.clientFp);
      const deleted = request.method === 'DELETE' ? /^\/v1beta\/(files\/[a-z0-9-]+)$/.exec(pathname)?.[1] : undefined;
      if (deleted) ctx.files.forget(deleted);
      if (session || created || deleted) ctx.state.schedule();
    }
  };
  app.all('/v1beta/*', handler);
  app.all('/upload/v1beta/*', handler);
}
