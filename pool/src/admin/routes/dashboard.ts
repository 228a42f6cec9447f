// The dashboard page at / and /dashboard, its files under /dashboard/, served by @fastify/static
// from the web root (web-root.ts). Public: the page holds no data, it signs in and calls the admin
// API. The security headers (a Content-Security-Policy that allows only this origin's scripts
// and styles, no framing, no referrer) come from @fastify/helmet in the operator plugin.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { webRoot } from '../web-root';

/** The page itself is always revalidated (it names the current script); its files are cached briefly. */
const FILE_MAX_AGE_MS = 300_000;

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const root = await webRoot();
  app.addHook('onClose', () => root.dispose());
  if (!root.dir) {
    const unavailable = (_request: unknown, reply: import('fastify').FastifyReply) => reply.code(503).header('content-type', 'text/plain; charset=utf-8').send(`${root.problem}\n`);
    for (const url of ['/', '/dashboard', '/dashboard/*']) app.get(url, unavailable);
    return;
  }
  // One route per file found now (wildcard: false): nothing else under /dashboard/ is served.
  await app.register(fastifyStatic, { root: root.dir, prefix: '/dashboard/', wildcard: false, index: false, redirect: false, maxAge: FILE_MAX_AGE_MS });
  const page = (_request: unknown, reply: import('fastify').FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  app.get('/', page);
  app.get('/dashboard', page);
  // The page links its files relatively (dashboard/app.js), so it also works under a path prefix;
  // /dashboard/ would resolve them one level too deep.
  app.get('/dashboard/', (_request, reply) => reply.redirect('../dashboard', 301));
}
