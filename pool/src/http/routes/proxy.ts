// What the proxy routes share: running forward() on a hijacked reply, the per-request log line,
// and the short-lived cache of model lists (they cost no quota, but clients ask for them often).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { type ForwardContext, type ForwardRequest, type ForwardResult, forward } from '../../proxy';
import { fileNamesIn, uploadIdOf } from '../../keys';
import { type PoolError, errorBody, errorHeaders, forbidden } from '../errors';

export interface ModelCacheEntry {
  at: number;
  status: number;
  contentType: string;
  body: Buffer;
}

/** A bounded map of recent model-list answers, keyed by path and query. */
export class ModelCache {
  private readonly entries = new Map<string, ModelCacheEntry>();

  constructor(private readonly ttlMs: number) {}

  get(path: string, now: number): ModelCacheEntry | undefined {
    const e = this.entries.get(path);
    if (e && now - e.at < this.ttlMs) return e;
    if (e) this.entries.delete(path);
    return undefined;
  }

  set(path: string, e: ModelCacheEntry): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= 200) this.entries.clear();
    this.entries.set(path, e);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Requests whose line proxy() writes: the app's generic onResponse line skips them. */
export const proxied = new WeakSet<object>();

/** Runs the attempt loop for a request and logs its one line. */
export async function proxy(ctx: ForwardContext, fr: ForwardRequest, request: FastifyRequest, reply: FastifyReply, route: string): Promise<ForwardResult | undefined> {
  proxied.add(request.raw);
  reply.hijack();
  return proxyRaw(ctx, fr, request.raw, reply.raw, route, request.log);
}

/**
 * The request bound to the key of the Gemini files it names (a `files/...` path, an upload
 * session, a fileUri or file_id in its body), or the refusal: another client's file, files of two
 * keys, a file whose key left the pool (keys/file-keys.ts).
 */
export function bindToFileKey(ctx: ForwardContext, fr: ForwardRequest): ForwardRequest | PoolError {
  if (!ctx.files) return fr;
  // JSON bodies only: an upload's bytes are the file itself, whatever text it holds.
  const names = (fr.headers['content-type'] ?? 'application/json').includes('json') ? fileNamesIn(fr.body) : [];
  const own = /^\/(?:upload\/)?v1beta\/(files\/[a-z0-9-]+)/.exec(fr.path)?.[1];
  if (own) names.push(own);
  const session = fr.path.startsWith('/upload/') ? uploadIdOf(fr.path) : undefined;
  if (session) names.push(`upload:${session}`);
  if (names.length === 0) return fr;
  const b = ctx.files.bind(names, fr.clientFp, (fp) => ctx.keys.get(fp)?.active === true);
  if (b.kind === 'refused') return b.status === 403 ? forbidden(b.message) : { status: 400, type: 'invalid_request_error', code: 'client_bad_request', message: b.message };
  return b.kind === 'pinned' ? { ...fr, keyFp: b.keyFp } : fr;
}

/**
 * proxy() on the raw request and response (the fast lane has no Fastify objects). `reqId` is for
 * a logger that does not carry it already (a Fastify request's child logger does): it goes first,
 * where the child's binding would be, so the line reads the same from either lane.
 */
export async function proxyRaw(ctx: ForwardContext, fr: ForwardRequest, req: IncomingMessage, res: ServerResponse, route: string, log: FastifyBaseLogger, reqId?: string): Promise<ForwardResult | undefined> {
  const started = performance.now();
  const bound = bindToFileKey(ctx, fr);
  if ('status' in bound) {
    if (!res.headersSent) res.writeHead(bound.status, errorHeaders(bound)).end(errorBody(fr.dialect, bound));
    log.info({ reqId, method: req.method, route, model: fr.model, status: bound.status, attempts: 0, code: bound.code }, 'request');
    return undefined;
  }
  fr = bound;
  const r = await forward(ctx, fr, req, res);
  ctx.metrics?.request(route, fr.model, r.status, (performance.now() - started) / 1000, r.tokens);
  log.info(
    {
      reqId,
      method: req.method,
      route,
      model: fr.model,
      status: r.status,
      attempts: r.attempts,
      key: r.keyFp,
      upstream: r.upstream,
      code: r.code,
      ...(r.faults.length ? { faults: r.faults } : {}),
      tokensIn: r.tokens?.in,
      tokensOut: r.tokens?.out,
      ms: Math.round((performance.now() - started) * 10) / 10,
    },
    'request',
  );
  return r;
}

/** Serves a model list from the cache, or forwards and caches a 200. */
export async function cachedList(
  ctx: ForwardContext,
  cache: ModelCache,
  fr: ForwardRequest,
  request: FastifyRequest,
  reply: FastifyReply,
  route: string,
): Promise<void> {
  const hit = cache.get(fr.path, ctx.now());
  if (hit) {
    request.log.info({ method: request.method, route, model: fr.model, status: hit.status, attempts: 0, cached: true }, 'request');
    ctx.metrics?.request(route, fr.model, hit.status, 0, undefined);
    proxied.add(request.raw);
    reply.hijack();
    reply.raw.writeHead(hit.status, { 'content-type': hit.contentType, 'content-length': String(hit.body.length) }).end(hit.body);
    return;
  }
  const withCache: ForwardRequest = {
    ...fr,
    onBody: (status, contentType, body) => cache.set(fr.path, { at: ctx.now(), status, contentType, body }),
  };
  await proxy(ctx, withCache, request, reply, route);
}
