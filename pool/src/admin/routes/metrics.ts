// GET /metrics in Prometheus text format. METRICS=admin (default) guards it like /status (the
// admin key as a Bearer token, which Prometheus sends with `authorization: {credentials: ...}`),
// METRICS=public leaves it open for a scraper on a private network, METRICS=off removes it.
import type { FastifyInstance } from 'fastify';
import type { AdminGuard } from '../admin-guard';
import type { PoolMetrics } from '../../accounting';
import { CONTENT_TYPE } from '../../accounting';

export interface MetricsOptions {
  metrics: PoolMetrics;
  guard: AdminGuard;
  access: 'admin' | 'public' | 'off';
}

export async function metricsRoutes(app: FastifyInstance, opts: MetricsOptions): Promise<void> {
  if (opts.access === 'off') return;
  if (opts.access === 'admin') app.addHook('onRequest', opts.guard.hook);
  app.get('/metrics', async (_request, reply) => reply.header('content-type', CONTENT_TYPE).header('cache-control', 'no-store').send(opts.metrics.render()));
}
