// /admin/upstreams*: the Workers with their circuit, latency and errors; add and remove, written
// back to upstreams.txt (comments kept) and applied at once. Secrets are never shown: only
// whether an upstream has one. Removing the last upstream switches the pool to direct mode.
import { apiError, fingerprint } from '@opengemini/shared';
import type { FastifyInstance } from 'fastify';
import { sendAdminError } from '../admin-guard';
import { badRequest } from '../../http';
import { FileEditError } from '../file-editor';
import type { PoolContext } from '../../proxy';
import { appendLines, removeLines } from '../line-edit';
import { DIRECT_ID, normaliseUpstreamUrl, parseUpstreamFile, placeView, regionWarning } from '../../upstreams';
import type { AdminServices } from './admin';
import { hints, schemas } from './schemas';

interface Deps {
  ctx: PoolContext;
  services: AdminServices;
  mode: () => string;
}

export function upstreamRows(ctx: PoolContext) {
  const now = ctx.now();
  // How many keys each upstream serves first (rendezvous order): what it would carry when all are up.
  const primary = new Map<string, number>();
  for (const e of ctx.keys.all()) {
    const first = ctx.upstreams.rank(e.fp)[0];
    if (first) primary.set(first.id, (primary.get(first.id) ?? 0) + 1);
  }
  return ctx.upstreams.all().map((u) => ({
    upstream: u.id,
    up: u.breaker.available(now),
    circuit: u.breaker.state,
    nextProbe: u.breaker.state !== 'closed' ? new Date(u.breaker.openUntil).toISOString() : null,
    consecutiveFailures: u.breaker.failures,
    latencyMs: Math.round(u.stats.latencyMs),
    requests: u.stats.requests,
    errors: u.stats.errors,
    lastError: u.stats.lastError ?? null,
    lastErrorAt: u.stats.lastErrorAt ? new Date(u.stats.lastErrorAt).toISOString() : null,
    hasSecret: u.secret !== undefined,
    keys: primary.get(u.id) ?? 0,
    ...placeView(u, DIRECT_ID),
  }));
}

export async function upstreamRoutes(app: FastifyInstance, { ctx, services, mode }: Deps): Promise<void> {
  const file = ctx.config.UPSTREAM_FILE;
  const failed = (err: unknown) => apiError('write_failed', err instanceof FileEditError ? err.message : `could not update ${file}: ${(err as Error).message}`);

  app.get('/admin/upstreams', async () => {
    const warning = regionWarning(ctx.upstreams, DIRECT_ID);
    return { mode: mode(), upstreams: upstreamRows(ctx), ...(warning ? { warning } : {}) };
  });

  // The schemas refuse a body that is not an object, a missing or non-string url and a secret
  // that is neither a string nor null; what they cannot say (blank, not a Worker URL, spaces) is here.
  app.post<{ Body: { url: string; secret?: string | null } }>('/admin/upstreams', { schema: schemas.addUpstream, config: { schemaHint: hints.addUpstream } }, async (request, reply) => {
    const b = request.body;
    if (!b.url.trim()) return sendAdminError(reply, badRequest('Send {"url": "https://your-worker.workers.dev", "secret": "optional"}.', 'url'));
    const url = normaliseUpstreamUrl(b.url.trim());
    if (!url) {
      const shown = /AIza|key=/i.test(b.url) ? fingerprint(b.url) : JSON.stringify(b.url.slice(0, 120));
      return sendAdminError(reply, badRequest(`Not a Worker URL (${shown}): an http(s) URL without credentials, query or fragment.`, 'url'));
    }
    if (b.secret && !/^\S{1,500}$/.test(b.secret)) {
      return sendAdminError(reply, badRequest('secret must be one word without spaces (or left out)', 'secret'));
    }
    const secret = b.secret || undefined;
    try {
      const added = await services.files.edit(file, (text) => {
        if (parseUpstreamFile(text).upstreams.some((u) => u.url === url)) return { text, result: false };
        return { text: appendLines(text, [secret ? `${url} secret=${secret}` : url]), result: true };
      }, services.reloadUpstreams);
      if (!added) return sendAdminError(reply, apiError('duplicate_upstream', `${url} is already in ${file}.`));
      request.log.info({ route: '/admin/upstreams', upstream: url }, 'upstream added');
      return { added: url, mode: mode(), upstreams: upstreamRows(ctx) };
    } catch (err) {
      return sendAdminError(reply, failed(err));
    }
  });

  app.post<{ Body: { url: string } }>('/admin/upstreams/delete', { schema: schemas.deleteUpstream, config: { schemaHint: hints.deleteUpstream } }, async (request, reply) => {
    const url = normaliseUpstreamUrl(request.body.url.trim());
    if (!url) return sendAdminError(reply, badRequest('Send {"url": "<an upstream as listed by GET /admin/upstreams>"}.', 'url'));
    try {
      const removed = await services.files.edit(file, (text) => {
        const r = removeLines(text, (content) => normaliseUpstreamUrl(content.split(/\s+/)[0] ?? '') === url);
        return { text: r.text, result: r.removed.length };
      }, services.reloadUpstreams);
      if (!removed) return sendAdminError(reply, apiError('unknown_upstream', `${url} is not in ${file}.`));
      request.log.info({ route: '/admin/upstreams/delete', upstream: url }, 'upstream removed');
      return { removed: url, mode: mode(), upstreams: upstreamRows(ctx) };
    } catch (err) {
      return sendAdminError(reply, failed(err));
    }
  });
}
