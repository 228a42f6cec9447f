// What the proxy routes share: running forward() on a hijacked reply, the per-request log line,
// and the short-lived cache of model lists (they cost no quota, but clients ask for them often).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { type ForwardContext, type ForwardRequest, forward } from '../../proxy';

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
export async function proxy(ctx: ForwardContext, fr: ForwardRequest, request: FastifyRequest, reply: FastifyReply, route: string): Promise<void> {
  proxied.add(request.raw);
  reply.hijack();
  await proxyRaw(ctx, fr, request.raw, reply.raw, route, request.log);
}

/**
 * proxy() on the raw request and response (the fast lane has no Fastify objects). `reqId` is for
 * a logger that does not carry it already (a Fastify request's child logger does): it goes first,
 * where the child's binding would be, so the line reads the same from either lane.
 */
export async function proxyRaw(ctx: ForwardContext, fr: ForwardRequest, req: IncomingMessage, res: ServerResponse, route: string, log: FastifyBaseLogger, reqId?: string): Promise<void> {
  const started = performance.now();
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
