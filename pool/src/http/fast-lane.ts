// The two hot routes, POST /v1/chat/completions and /v1/embeddings, without Fastify's
// per-request machinery (router, request and reply objects, child logger, hook runner,
// content-type parser): under load that machinery cost about a tenth of the pool's CPU.
//
// Only the plain case takes this lane: the exact path with no query string, `Content-Type:
// application/json`, a Content-Length from 1 to BODY_LIMIT_BYTES (no chunked upload), and a
// client key in a header that matches. It then does what the Fastify route does — same request
// ids, same answers, same log line (test/fast-lane.int.test.ts compares the two lanes). All else
// goes to Fastify untouched: a wrong or missing key (the 401), ?key=, other methods and paths,
// chunked or oversized bodies (the 413), and every request once shutdown began (the 503).
//
// Fastify hooks do not run here: a hook added for these routes must be added here too.
import { type IncomingMessage, type Server, type ServerOptions, type ServerResponse, createServer } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { ClientKeys } from './access-key';
import { headerKey } from './auth';
import { type PoolError, errorBody, errorHeaders } from './errors';
import type { ForwardContext } from '../proxy';
import { postRequest } from './routes/openai';
import { proxyRaw } from './routes/proxy';

const CHAT = '/v1/chat/completions';
const EMBEDDINGS = '/v1/embeddings';

export interface FastLaneOptions {
  ctx: ForwardContext;
  clientKeys: ClientKeys;
  bodyLimit: number;
}

/** What the lane borrows from the Fastify app once it exists: its request ids and its logger. */
export interface LaneApp {
  genReqId(req: IncomingMessage): string;
  log: FastifyBaseLogger;
}

export class FastLane {
  /** Set when shutdown begins: from then on Fastify answers (503, Connection: close). */
  closing = false;
  /** Requests taken (for tests and curiosity). */
  taken = 0;
  private app: LaneApp | undefined;

  constructor(private readonly opts: FastLaneOptions) {}

  attach(app: LaneApp): void {
    this.app = app;
  }

  /** Takes the request if it is the plain case and answers it; false leaves it to Fastify. */
  take(req: IncomingMessage, res: ServerResponse): boolean {
    const app = this.app;
    if (!app || this.closing || req.method !== 'POST') return false;
    const route = req.url;
    if (route !== CHAT && route !== EMBEDDINGS) return false;
    const h = req.headers;
    if (h['content-type'] !== 'application/json' || h['transfer-encoding'] !== undefined) return false;
    // Node's parser has checked the header is digits; an absent one reads NaN and fails here.
    const length = Number(h['content-length']);
    if (!(length > 0 && length <= this.opts.bodyLimit)) return false;
    const clientFp = this.opts.clientKeys.match(headerKey(h));
    if (clientFp === undefined) return false;
    this.taken++;
    const reqId = app.genReqId(req);
    const started = performance.now();
    readBody(req, (err, body) => {
      // The upload broke, so the client is gone: Fastify's 400 goes nowhere and, the response
      // never finishing, its onResponse line is never written. The same here.
      if (err) return void this.answer(res, { status: 400, type: 'invalid_request_error', code: 'client_bad_request', message: err.message });
      const fr = postRequest(route, body, clientFp);
      if ('status' in fr) return this.refuse(app.log, reqId, req, res, route, started, fr);
      proxyRaw(this.opts.ctx, fr, req, res, route, app.log, reqId).catch((err: unknown) => {
        // What Fastify does when a hijacked route's promise rejects (fastify/lib/wrap-thenable.js).
        app.log.error({ reqId, err }, 'Promise errored, but reply.sent = true was set');
      });
    });
    return true;
  }

  /** A bad request, answered and logged as the Fastify route and the app's onResponse hook do. */
  private refuse(log: FastifyBaseLogger, reqId: string, req: IncomingMessage, res: ServerResponse, route: string, started: number, e: PoolError): void {
    this.answer(res, e);
    log.info({ reqId, method: req.method, route, status: e.status, ms: Math.round(performance.now() - started) }, 'request');
  }

  private answer(res: ServerResponse, e: PoolError): void {
    const body = errorBody('openai', e);
    // Fastify's reply.send() adds the charset to a JSON type and the length.
    res.writeHead(e.status, { ...errorHeaders(e), 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) }).end(body);
  }
}

/** Reads a request body whole (its length was checked against the limit before). */
function readBody(req: IncomingMessage, done: (err: Error | undefined, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
  };
  const onEnd = (err?: Error) => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onEnd);
    if (err) done(err, Buffer.alloc(0));
    else done(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onEnd);
}

/** Fastify's server options that its own server factory applies (fastify/lib/server.js, HTTP/1). */
export interface LaneServerOptions {
  http?: ServerOptions | null;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

/**
 * Fastify's `serverFactory`: the HTTP server Fastify would make, with the fast lane in front of
 * Fastify's handler.
 */
export function laneServer(lane: FastLane, handler: (req: IncomingMessage, res: ServerResponse) => void, options: LaneServerOptions): Server {
  const server = createServer(options.http ?? {}, (req, res) => {
    if (!lane.take(req, res)) handler(req, res);
  });
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
  if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
  if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
  if (options.maxRequestsPerSocket !== undefined && options.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
  return server;
}
