// GET /health: liveness for load balancers and the operator, with counts and no key material.
// No auth: it says how many keys are usable, never which. `degraded` lists what is wrong: no
// usable key, no upstream up, or the state not saved (a full or read-only DATA_DIR; the reason is
// on the dashboard, not here).
import type { FastifyInstance } from 'fastify';
import type { PoolContext } from '../../proxy';
import type { SaveHealth } from '../../state';

export interface HealthOptions {
  ctx: PoolContext;
  mode: () => string;
  /** Whether the last state save worked. */
  saveHealth: () => SaveHealth;
}

export async function healthRoutes(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  const { ctx } = opts;
  app.get('/health', async () => {
    const now = ctx.now();
    const keys = ctx.keys.counts(now);
    const up = ctx.upstreams.upCount(now);
    const degraded: string[] = [];
    if (keys.total - keys.disabled === 0) degraded.push('no usable key');
    if (up === 0) degraded.push('no upstream up');
    if (!opts.saveHealth().saved) degraded.push('state not saved');
    return {
      status: degraded.length ? 'degraded' : 'ok',
      ...(degraded.length ? { degraded } : {}),
      mode: opts.mode(),
      keys,
      upstreams: { total: ctx.upstreams.size, up },
    };
  });
}
