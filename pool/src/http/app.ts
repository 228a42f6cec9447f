// The Fastify application: plugins for each group of routes, the pool's services passed in.
// Built apart from main.ts so tests can run it with their own services, files and logger.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { ClientKeys } from './access-key';
import { AdminGuard, effectiveAdminKey } from '../admin';
import { errorBody, errorHeaders, notFound } from './errors';
import type { PoolContext } from '../proxy';
import { PoolMetrics } from '../accounting';
import { type AdminServices, adminRoutes } from '../admin';
import { dashboardRoutes } from '../admin';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from '../admin';
import { nativeRoutes } from './routes/native';
import { openaiRoutes } from './routes/openai';
import { ModelCache, proxied } from './routes/proxy';
import { sessionRoutes } from '../admin';
import { statusRoutes } from '../admin';
import { Sessions } from '../admin';
import { SignInLimiter } from '../admin';
import type { ReloadReport } from '../sources';
import { type WebAsset, loadWebAssets } from '../admin';

export interface AppOptions {
  ctx: PoolContext;
  clientKeys: ClientKeys;
  logger: Logger;
  mode: () => string;
  reload: () => Promise<ReloadReport>;
  /** Sign-in and sessions; by default an in-memory secret (sessions end with the process). */
  guard?: AdminGuard;
  /** The main access key, the admin key when ADMIN_KEY is unset (only for the default guard). */
  accessKey?: string;
  /** The extended admin API (keys, upstreams, client keys, budgets); without it only the basics. */
  services?: AdminServices;
  /** The dashboard's files; by default pool/dist/web or what the bundle inlined. */
  assets?: Map<string, WebAsset> | undefined;
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
  const adminKey = effectiveAdminKey(ctx.config.ADMIN_KEY, opts.accessKey ?? '');
  const guard =
    opts.guard ?? new AdminGuard(adminKey, new Sessions(randomBytes(32), adminKey, ctx.config.SESSION_TTL_MS, ctx.now), new SignInLimiter({ perAddress: ctx.config.SIGN_IN_FAILURES, global: ctx.config.SIGN_IN_FAILURES * 10, windowMs: 10 * 60_000 }), ctx.now);
  ctx.metrics ??= new PoolMetrics(ctx);

  // Operator routes log a line too; proxy routes are hijacked and log in proxy.ts.
  app.addHook('onResponse', async (request, reply) => {
    if (proxied.has(request.raw)) return;
    request.log.info({ method: request.method, route: request.routeOptions.url ?? request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  void app.register(healthRoutes, { ctx, mode: opts.mode });
  void app.register(statusRoutes, { ctx, guard, mode: opts.mode });
  void app.register(metricsRoutes, { metrics: ctx.metrics, guard, access: ctx.config.METRICS });
  void app.register(sessionRoutes, { guard, now: ctx.now });
  void app.register(adminRoutes, { ctx, clientKeys, guard, mode: opts.mode, reload: opts.reload, services: opts.services });
  void app.register(dashboardRoutes, { assets: 'assets' in opts ? opts.assets : loadWebAssets() });
  void app.register(openaiRoutes, { ctx, clientKeys, models });
  void app.register(nativeRoutes, { ctx, clientKeys, models });
  app.setNotFoundHandler((request, reply) => {
    const e = notFound(request.url.split('?')[0] ?? '');
    void reply.code(404).headers(errorHeaders(e)).send(errorBody(request.url.startsWith('/v1beta') ? 'gemini' : 'openai', e));
  });
  return { app, models };
}
