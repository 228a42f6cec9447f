// What the proxy routes share: running the attempt loop on a hijacked reply (proxy/ writes the
// response itself: it streams, and it decides when the answer is committed), the per-request log
// line, and the short-lived cache of model lists (they cost no quota, but clients ask often).
import { MAX_REQUEST_BYTES } from '@opengemini/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientKeys } from '../access-key';
import { clientAuth } from '../auth';
import { boundedBody } from '../body';
import { fastifyErrorHandler } from '../fastify-errors';
import { type Dialect, type PoolError, badRequest, errorBody, errorHeaders, forbidden } from '../errors';
import { fileNamesIn, uploadIdOf } from '../../keys';
import { type PoolContext, type ProxyOutcome, type ProxyRequest, proxyRequest } from '../../proxy';
import { writeRequestLine } from '../../log';

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

/**
 * What every data route plugin sets up in its own encapsulated context: bodies kept as the bytes
 * that came (forwarded as they are), bounded in size and in time (body.ts), the client key
 * checked before anything else, and Fastify's own errors (a body too large, a broken upload, a
 * body too slow) answered in the plugin's dialect.
 */
export function dataRouteSetup(app: FastifyInstance, clientKeys: ClientKeys, dialect: Dialect, bodyTimeoutMs: number): void {
  app.removeAllContentTypeParsers();
  const body = boundedBody(MAX_REQUEST_BYTES, bodyTimeoutMs);
  // JSON named as well as '*': Fastify caches the parser it finds for a named type, while a
  // request only the catch-all matches has its content-type parsed again every time.
  app.addContentTypeParser('application/json', body);
  app.addContentTypeParser('*', body);
  app.addHook('onRequest', clientAuth(clientKeys, dialect, app.keyGuesses));
  app.setErrorHandler(fastifyErrorHandler(dialect));
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Its line is written by proxy() (with model, attempts, key, upstream): the app's generic
     * onResponse line skips it. A request decorator (app.ts), a plain property on every request. */
    proxied: boolean;
  }
}

/**
 * The request bound to the key of the Gemini files it names (a `files/...` path, an upload
 * session, a fileUri or file_id in its body), or the refusal: another client's file, a file the
 * pool does not know named by the path, files of two keys, a file whose key left the pool (the
 * one rule: FileKeys.bind, keys/file-keys.ts).
 */
export function bindToFileKey(ctx: PoolContext, pr: ProxyRequest): ProxyRequest | PoolError {
  if (!ctx.files) return pr;
  // JSON bodies only: an upload's bytes are the file itself, whatever text it holds.
  const names = (pr.headers['content-type'] ?? 'application/json').includes('json') ? fileNamesIn(pr.body) : [];
  // Whatever the path's segment holds (the access table's segment), not only Gemini's own id shape:
  // a name of another shape must still be bound (or refused), never pass unbound.
  const own = /^\/(?:upload\/)?v1beta\/(files\/[^/:?]+)/.exec(pr.path)?.[1];
  const session = pr.path.startsWith('/upload/') ? uploadIdOf(pr.path) : undefined;
  if (session) names.push(`upload:${session}`);
  if (names.length === 0 && !own) return pr;
  const b = ctx.files.bind(names, pr.clientFp, (fp) => ctx.keys.get(fp)?.active === true, own);
  if (b.kind === 'refused') return b.status === 403 ? forbidden(b.message) : badRequest(b.message);
  return b.kind === 'pinned' ? { ...pr, keyFp: b.keyFp } : pr;
}

/** Runs the attempt loop for a request and logs its one line; undefined when it was refused first. */
export async function proxy(ctx: PoolContext, pr: ProxyRequest, request: FastifyRequest, reply: FastifyReply, route: string): Promise<ProxyOutcome | undefined> {
  const bound = bindToFileKey(ctx, pr);
  if ('status' in bound) {
    // Answered by Fastify, logged by the app's onResponse line like any refused request.
    void reply.code(bound.status).headers(errorHeaders(bound)).send(errorBody(pr.dialect, bound));
    return undefined;
  }
  pr = bound;
  request.proxied = true;
  reply.hijack();
  const started = performance.now();
  const r = await proxyRequest(ctx, pr, reply.raw);
  ctx.metrics?.request(route, pr.model, r.status, (performance.now() - started) / 1000, r.tokens);
  writeRequestLine(request.log, {
    method: request.method,
    route,
    model: pr.model,
    status: r.status,
    attempts: r.attempts,
    key: r.keyFp,
    upstream: r.upstream,
    code: r.code,
    faults: r.faults.length ? r.faults : undefined,
    tokensIn: r.tokens?.in,
    tokensOut: r.tokens?.out,
    ms: Math.round((performance.now() - started) * 10) / 10,
  });
  return r;
}

/** Serves a model list from the cache, or forwards and caches a 200. */
export async function cachedList(
  ctx: PoolContext,
  cache: ModelCache,
  fr: ProxyRequest,
  request: FastifyRequest,
  reply: FastifyReply,
  route: string,
): Promise<void> {
  const hit = cache.get(fr.path, ctx.now());
  if (hit) {
    writeRequestLine(request.log, { method: request.method, route, model: fr.model, status: hit.status, attempts: 0, cached: true, ms: 0 });
    ctx.metrics?.request(route, fr.model, hit.status, 0, undefined);
    request.proxied = true;
    reply.hijack();
    reply.raw.writeHead(hit.status, { 'content-type': hit.contentType, 'content-length': String(hit.body.length) }).end(hit.body);
    return;
  }
  const withCache: ProxyRequest = {
    ...fr,
    onBody: (status, contentType, body) => cache.set(fr.path, { at: ctx.now(), status, contentType, body }),
  };
  await proxy(ctx, withCache, request, reply, route);
}
