// Operator actions: POST /admin/reset clears cooldowns and disabled flags (all keys, or one by
// fingerprint: body {"key":"…abcd#12ab34"} or ?fingerprint=), POST /admin/reload re-reads key.txt and
// upstreams.txt now. Guarded by ADMIN_KEY, or by a client key when none is set.
import type { FastifyInstance } from 'fastify';
import type { ClientKeys } from '../access-key';
import { adminAuth } from '../auth';
import { errorBody, errorHeaders } from '../errors';
import type { ForwardContext } from '../forward';
import type { ReloadReport } from '../sources';

export interface AdminOptions {
  ctx: ForwardContext;
  clientKeys: ClientKeys;
  reload: () => Promise<ReloadReport>;
}

export async function adminRoutes(app: FastifyInstance, opts: AdminOptions): Promise<void> {
  const { ctx } = opts;
  app.addHook('onRequest', adminAuth(ctx.config.ADMIN_KEY, opts.clientKeys));

  app.post<{ Body: { key?: unknown } | undefined; Querystring: { fingerprint?: string } }>('/admin/reset', async (request, reply) => {
    const fromBody = request.body && typeof request.body === 'object' ? request.body.key : undefined;
    const fp = typeof fromBody === 'string' ? fromBody : request.query.fingerprint;
    if (!ctx.keys.reset(fp)) {
      const e = { status: 404, type: 'not_found_error', code: 'unknown_key', message: `No key with fingerprint ${fp} (see /status).` };
      return reply.code(404).headers(errorHeaders(e)).send(errorBody('openai', e));
    }
    await ctx.state.flushNow();
    request.log.info({ route: '/admin/reset', key: fp ?? 'all' }, 'keys reset');
    return { reset: fp ?? 'all' };
  });

  app.post('/admin/reload', async () => opts.reload());
}
