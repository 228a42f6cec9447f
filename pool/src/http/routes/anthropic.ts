// Anthropic Messages, as Claude Code and @anthropic-ai/sdk call it: /v1/messages (Claude Code adds
// ?beta=true; the query is not forwarded, the Worker needs none of it) and
// /v1/messages/count_tokens, through the one attempt loop like chat. The client key comes as
// x-api-key (ANTHROPIC_API_KEY) or Bearer (ANTHROPIC_AUTH_TOKEN); the pool's own errors are in
// Anthropic's envelope, so the SDK raises its typed errors.
import type { FastifyInstance } from 'fastify';
import { notFound, sendError } from '../errors';
import { type PostRoute, postRoutes } from './client-api';
import type { RouteOptions } from './openai';
import { dataRouteSetup } from './proxy';

export const MESSAGES_ROUTES: Readonly<Record<string, PostRoute>> = {
  '/v1/messages': { streamable: true },
  '/v1/messages/count_tokens': { streamable: false, tokenCount: true },
};

export async function anthropicRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  dataRouteSetup(app, opts.clientKeys, 'anthropic', opts.ctx.config.BODY_TIMEOUT_MS);
  postRoutes(app, opts.ctx, 'anthropic', MESSAGES_ROUTES);
  app.all('/v1/messages/*', (request, reply) => sendError(reply, 'anthropic', notFound(request.method, request.url.split('?')[0] ?? '')));
}
