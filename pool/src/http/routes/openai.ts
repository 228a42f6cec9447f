// The OpenAI-format routes: /v1/chat/completions, /v1/embeddings, /v1/models, /v1/models/{id}.
// Errors are OpenAI's envelope. (/v1/responses has its own plugin: responses.ts.)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkModelName } from '@opengemini/shared';
import type { ClientKeys } from '../access-key';
import { badRequest, notFound, sendError } from '../errors';
import type { PoolContext } from '../../proxy';
import { type PostRoute, postRoutes } from './client-api';
import { type ModelCache, cachedList, dataRouteSetup } from './proxy';

export interface RouteOptions {
  ctx: PoolContext;
  clientKeys: ClientKeys;
  models: ModelCache;
}

/** The POST routes and whether each may stream. */
export const POST_ROUTES: Readonly<Record<string, PostRoute>> = { '/v1/chat/completions': { streamable: true }, '/v1/embeddings': { streamable: false } };

export async function openaiRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { ctx, clientKeys, models } = opts;
  dataRouteSetup(app, clientKeys, 'openai', ctx.config.BODY_TIMEOUT_MS);

  postRoutes(app, ctx, 'openai', POST_ROUTES);

  const list = (request: FastifyRequest, reply: FastifyReply, path: string, route: string) =>
    cachedList(ctx, models, { dialect: 'openai', method: 'GET', path, body: undefined, headers: {}, model: '*', stream: false, expect: 'json', clientFp: request.clientFp }, request, reply, route);
  app.get('/v1/models', (request, reply) => list(request, reply, '/v1/models', '/v1/models'));
  app.get<{ Params: { id: string } }>('/v1/models/:id', (request, reply) => {
    // The same check as a model in a body: `..` would climb out of /v1/models upstream.
    const checked = checkModelName(request.params.id);
    if (!checked.ok) return sendError(reply, 'openai', badRequest(checked.message, 'model'));
    return list(request, reply, `/v1/models/${encodeURIComponent(checked.model)}`, '/v1/models/:id');
  });
  app.all('/v1/*', (request, reply) => sendError(reply, 'openai', notFound(request.method, request.url.split('?')[0] ?? '')));
}
