// GET /status: the operator's view. Per key fingerprint: state, the reason it was disabled (the
// upstream's own message, scrubbed), cooldowns per model with their end time, usage today; per
// upstream: breaker state, latency, errors; per client key: usage today. Never a key.
import type { FastifyInstance } from 'fastify';
import type { AdminGuard } from '../admin-guard';
import type { PoolContext } from '../../proxy';
import { pacificDay } from '../../accounting';

export interface StatusOptions {
  ctx: PoolContext;
  guard: AdminGuard;
  mode: () => string;
}

export function statusReport(ctx: PoolContext, mode: string) {
  const now = ctx.now();
  const day = pacificDay(now);
  const keys = ctx.keys.all().map((e) => {
    const cooldowns: Record<string, { until: string; reason: string }> = {};
    for (const [model, c] of e.cooldowns) if (c.until > now) cooldowns[model] = { until: new Date(c.until).toISOString(), reason: c.reason };
    return {
      key: e.fp,
      state: e.disabled ? 'disabled' : Object.keys(cooldowns).length ? 'cooling' : 'ok',
      ...(e.disabled ? { reason: e.disabled.reason, message: e.disabled.message, disabledAt: new Date(e.disabled.at).toISOString() } : {}),
      cooldowns,
      inFlight: e.inFlight,
      usageToday: ctx.usage.keyDay(day, e.fp),
    };
  });
  const upstreams = ctx.upstreams.all().map((u) => ({
    upstream: u.id,
    state: u.breaker.state,
    ...(u.breaker.state !== 'closed' ? { nextProbe: new Date(u.breaker.openUntil).toISOString() } : {}),
    consecutiveFailures: u.breaker.failures,
    latencyMs: Math.round(u.stats.latencyMs),
    requests: u.stats.requests,
    errors: u.stats.errors,
    ...(u.stats.lastError ? { lastError: u.stats.lastError, lastErrorAt: new Date(u.stats.lastErrorAt ?? 0).toISOString() } : {}),
  }));
  return { mode, day, now: new Date(now).toISOString(), keys, upstreams, clients: ctx.usage.clientDay(day), totalToday: ctx.usage.totalDay(day) };
}

export async function statusRoutes(app: FastifyInstance, opts: StatusOptions): Promise<void> {
  app.addHook('onRequest', opts.guard.hook);
  app.get('/status', async () => statusReport(opts.ctx, opts.mode()));
}
