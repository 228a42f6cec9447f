// The dashboard page at / and /dashboard, its files under /dashboard/. Public: the page holds no
// data, it signs in and calls the admin API. Strict headers: a Content-Security-Policy allowing
// only this origin's scripts and styles (no inline code), no framing, no referrer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebAsset } from '../web-assets';

export interface DashboardOptions {
  assets: Map<string, WebAsset> | undefined;
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export async function dashboardRoutes(app: FastifyInstance, opts: DashboardOptions): Promise<void> {
  const { assets } = opts;
  const send = (request: FastifyRequest, reply: FastifyReply, name: string) => {
    const a = assets?.get(name);
    if (!a) {
      if (!assets) {
        return reply.code(503).header('content-type', 'text/plain; charset=utf-8').send('The dashboard is not built: run `pnpm build` (it builds pool/web into pool/dist/web).\n');
      }
      return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('Not found\n');
    }
    void reply.headers(SECURITY_HEADERS).header('etag', a.etag).header('cache-control', name === 'index.html' ? 'no-cache' : 'public, max-age=300');
    if (request.headers['if-none-match'] === a.etag) return reply.code(304).send();
    return reply.header('content-type', a.type).send(a.body);
  };
  app.get('/', (request, reply) => send(request, reply, 'index.html'));
  app.get('/dashboard', (request, reply) => send(request, reply, 'index.html'));
  // The page links its files relatively (dashboard/app.js), so it also works under a path prefix;
  // /dashboard/ would resolve them one level too deep.
  app.get('/dashboard/', (_request, reply) => reply.redirect('../dashboard', 301));
  app.get<{ Params: { file: string } }>('/dashboard/:file', (request, reply) => send(request, reply, request.params.file));
}
