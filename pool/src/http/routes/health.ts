// GET /health: liveness for load balancers and the operator, with counts and no key material.
// No auth: it says how many keys are usable, never which.
import type { FastifyInstance } from 'fastify';
import type { PoolContext } from '../../proxy';

export interface HealthOptions {
  ctx: PoolContext;
  mode: () => string;
}

export async function healthRoutes(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  const { ctx } = opts;
  app.get('/health', async () => {
    const now = ctx.now();
    const keys = ctx.keys.counts(now);
    const up = ctx.upstreams.upCount(now);
    return {
      status: keys.total - keys.disabled > 0 && up > 0 ? 'ok' : 'degraded',
      mode: opts.mode(),
      keys,
      upstreams: { total: ctx.upstreams.size, up },
    };
  });
}
