// The Fastify application: plugins for each group of routes, the pool's services passed in.
// Built apart from main.ts so tests can run it with their own services, files and logger.
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { ClientKeys } from './access-key';
import { errorBody, errorHeaders, notFound } from './errors';
import type { ForwardContext } from './forward';
import { adminRoutes } from './routes/admin';
import { healthRoutes } from './routes/health';
import { nativeRoutes } from './routes/native';
import { openaiRoutes } from './routes/openai';
import { ModelCache, proxied } from './routes/proxy';
import { statusRoutes } from './routes/status';
import type { ReloadReport } from './sources';

export interface AppOptions {
  ctx: ForwardContext;
  clientKeys: ClientKeys;
  logger: Logger;
  mode: () => string;
  reload: () => Promise<ReloadReport>;
}

export function buildApp(opts: AppOptions): { app: FastifyInstance; models: ModelCache } {
  const { ctx, clientKeys } = opts;
  const app = Fastify({
    loggerInstance: opts.logger,
    // The proxy routes log their own line (with model, attempts, key fingerprint, upstream).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.BODY_LIMIT_BYTES,
    // Streams can be long; Node's default 5-minute request timeout would cut them.
    requestTimeout: 0,
    // Idle keep-alive sockets are closed at shutdown, busy ones are let finish (see main.ts).
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  }) as unknown as FastifyInstance;
  const models = new ModelCache(ctx.config.MODELS_CACHE_MS);

  // Operator routes log a line too; proxy routes are hijacked and log in proxy.ts.
  app.addHook('onResponse', async (request, reply) => {
    if (proxied.has(request.raw)) return;
    request.log.info({ method: request.method, route: request.routeOptions.url ?? request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  void app.register(healthRoutes, { ctx, mode: opts.mode });
  void app.register(statusRoutes, { ctx, clientKeys, mode: opts.mode });
  void app.register(adminRoutes, { ctx, clientKeys, reload: opts.reload });
  void app.register(openaiRoutes, { ctx, clientKeys, models });
  void app.register(nativeRoutes, { ctx, clientKeys, models });
  app.setNotFoundHandler((request, reply) => {
    const e = notFound(request.url.split('?')[0] ?? '');
    void reply.code(404).headers(errorHeaders(e)).send(errorBody(request.url.startsWith('/v1beta') ? 'gemini' : 'openai', e));
  });
  return { app, models };
}
