// The Fastify application: plugins for each group of routes, the pool's services passed in.
// Built apart from main.ts so tests can run it with their own services, files and logger.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import { MAX_REQUEST_BYTES } from '@opengemini/shared';
import type { ClientKeys } from './access-key';
import { sendRefusal } from './auth';
import { notFound } from './errors';
import type { PoolContext } from '../proxy';
import { PoolMetrics } from '../accounting';
import { AdminGuard, type AdminServices, Sessions, effectiveAdminKey, guessLimit, operatorRoutes } from '../admin';
import { healthRoutes } from './routes/health';
import { nativeRoutes } from './routes/native';
import { anthropicRoutes } from './routes/anthropic';
import { openaiRoutes } from './routes/openai';
import { responsesRoutes } from './routes/responses';
import { ModelCache } from './routes/proxy';
import type { ReloadReport } from '../sources';
import type { SaveHealth } from '../state';

export interface AppOptions {
  ctx: PoolContext;
  clientKeys: ClientKeys;
  logger: Logger;
  mode: () => string;
  reload: () => Promise<ReloadReport>;
  /** Dashboard sessions; by default with an in-memory secret (sessions end with the process). */
  sessions?: Sessions;
  /** The main access key, the admin key when ADMIN_KEY is unset (only for the default guard). */
  accessKey?: string;
  /** The extended admin API (keys, upstreams, client keys, budgets); without it only the basics. */
  services?: AdminServices;
  /** Whether the last state save worked (/health, the dashboard); by default always. */
  saveHealth?: () => SaveHealth;
}

/** Node's whole-request limit: headers, then the body's own limit, then Node's 1 s check interval. */
const requestTimeoutOf = (c: { HEADERS_TIMEOUT_MS: number; BODY_TIMEOUT_MS: number }) => c.HEADERS_TIMEOUT_MS + c.BODY_TIMEOUT_MS + 1_000;

export function buildApp(opts: AppOptions): { app: FastifyInstance; models: ModelCache } {
  const { ctx, clientKeys } = opts;
  const app = Fastify({
    loggerInstance: opts.logger,
    // The proxy routes log their own line (with model, attempts, key fingerprint, upstream).
    logController: new LogController({ disableRequestLogging: true }),
    // One limit for both tiers (the converter refuses the same); Fastify refuses a larger
    // Content-Length with 413 before reading a byte, and cuts a chunked body off at the limit.
    bodyLimit: MAX_REQUEST_BYTES,
    // Node's timeouts for what a client sends: its headers within HEADERS_TIMEOUT_MS, else 408 and
    // the connection closed. The body: the data routes' parser gives it BODY_TIMEOUT_MS after the
    // headers and answers a late one with 408 in the route's envelope (http/body.ts); Node's
    // requestTimeout, which can only write a bare 408, is the backstop for the other routes, set
    // past the parser's limit so it never wins the race on a data route. Both stop once the
    // request has arrived, so an answer, however long a stream, is not cut by them. Checked
    // every second (Node's default is every 30 s).
    requestTimeout: requestTimeoutOf(ctx.config),
    http: { headersTimeout: ctx.config.HEADERS_TIMEOUT_MS, requestTimeout: requestTimeoutOf(ctx.config), connectionsCheckingInterval: 1_000 },
    // Idle keep-alive sockets are closed at shutdown, busy ones are let finish (see main.ts).
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Route schemas (the admin API's) refuse what does not match, naming the field: no type
    // coercion (`{"label": 5}` is not a label) and no silent removal of unknown fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  }) as unknown as FastifyInstance;
  const models = new ModelCache(ctx.config.MODELS_CACHE_MS);
  const adminKey = effectiveAdminKey(ctx.config.ADMIN_KEY, opts.accessKey ?? '');
  const guard = new AdminGuard(adminKey, opts.sessions ?? new Sessions(randomBytes(32), adminKey, ctx.config.SESSION_TTL_MS, ctx.now));
  ctx.metrics ??= new PoolMetrics(ctx);

  // Operator routes log a line too; proxy routes are hijacked and log in proxy.ts.
  app.decorateRequest('proxied', false);
  // Hooks that run on every request take a callback rather than being async: no promise each.
  app.addHook('onResponse', (request, reply, done) => {
    if (!request.proxied) request.log.info({ method: request.method, route: request.routeOptions.url ?? request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    done();
  });

  // Wrong keys counted per client address, for the operator's routes and the data routes alike.
  void app.register(guessLimit, { perAddress: ctx.config.SIGN_IN_FAILURES });
  const saveHealth = opts.saveHealth ?? (() => ({ saved: true }) as const);
  void app.register(healthRoutes, { ctx, mode: opts.mode, saveHealth });
  void app.register(operatorRoutes, { ctx, clientKeys, guard, metrics: ctx.metrics, mode: opts.mode, reload: opts.reload, services: opts.services, saveHealth });
  void app.register(openaiRoutes, { ctx, clientKeys, models });
  void app.register(anthropicRoutes, { ctx, clientKeys, models });
  void app.register(responsesRoutes, { ctx, clientKeys, models });
  void app.register(nativeRoutes, { ctx, clientKeys, models });
  // Unknown paths are answered before their body is read (Fastify would parse a JSON body for the
  // not-found handler, up to the body limit, for anyone), and the connection closed if one was sent.
  const unknownPath = (request: FastifyRequest, reply: FastifyReply) => void sendRefusal(request, reply, request.url.startsWith('/v1beta') ? 'gemini' : request.url.startsWith('/v1/messages') ? 'anthropic' : 'openai', notFound(request.method, request.url.split('?')[0] ?? ''));
  app.addHook('onRequest', (request, reply, done) => {
    if (request.is404) unknownPath(request, reply);
    else done();
  });
  app.setNotFoundHandler(unknownPath);
  return { app, models };
}
