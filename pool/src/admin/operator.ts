// The operator's side of the server as one encapsulated plugin: session cookies (@fastify/cookie,
// signed with the sessions' signer), security headers (@fastify/helmet), then /status, /metrics,
// the sign-in, the admin API and the dashboard. Nothing here runs for /v1 or /v1beta.
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { PoolMetrics } from '../accounting';
import type { ClientKeys } from '../http/access-key';
import type { PoolContext } from '../proxy';
import type { ReloadReport } from '../sources';
import type { SaveHealth } from '../state';
import type { AdminGuard } from './admin-guard';
import { type AdminServices, adminRoutes } from './routes/admin';
import { dashboardRoutes } from './routes/dashboard';
import { metricsRoutes } from './routes/metrics';
import { sessionRoutes } from './routes/session';
import { statusRoutes } from './routes/status';

export interface OperatorOptions {
  ctx: PoolContext;
  clientKeys: ClientKeys;
  guard: AdminGuard;
  metrics: PoolMetrics;
  mode: () => string;
  reload: () => Promise<ReloadReport>;
  services: AdminServices | undefined;
  saveHealth: () => SaveHealth;
}

/**
 * The page's policy: its own scripts and styles only (no inline code), images also as data:
 * URLs, calls to its own origin, no framing, no referrer. No HSTS and no upgrade-insecure-requests:
 * the pool is often reached over plain http on a LAN, and HTTPS is the reverse proxy's to declare.
 */
export const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      manifestSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
} as const;

export async function operatorRoutes(app: FastifyInstance, opts: OperatorOptions): Promise<void> {
  const { ctx, guard } = opts;
  await app.register(fastifyCookie, { secret: guard.sessions.signer, hook: 'onRequest' });
  await app.register(fastifyHelmet, SECURITY_HEADERS);
  await app.register(statusRoutes, { ctx, guard, mode: opts.mode });
  await app.register(metricsRoutes, { metrics: opts.metrics, guard, access: ctx.config.METRICS });
  await app.register(sessionRoutes, { guard });
  await app.register(adminRoutes, { ctx, clientKeys: opts.clientKeys, guard, mode: opts.mode, reload: opts.reload, services: opts.services, saveHealth: opts.saveHealth });
  await app.register(dashboardRoutes);
}
