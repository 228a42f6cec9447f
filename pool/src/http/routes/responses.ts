// OpenAI Responses, as Codex CLI and the openai SDK call it: /v1/responses and
// /v1/responses/input_tokens through the one attempt loop like chat; errors in OpenAI's envelope,
// a stream's late error as a Responses `error` event. The Worker is stateless: the stored-response
// endpoints (GET / DELETE /v1/responses/{id}, .../cancel, .../input_items) are passed to it for
// its clear answer (nothing is stored; send the whole input). Their path is checked as a native
// path is (no dot segments, no escapes): a URL built from `/v1/responses/../../v1beta/files` would
// resolve to Gemini's files with the operator's key, past the access rules of /v1beta.
import { apiError, checkNativePath } from '@opengemini/shared';
import type { FastifyInstance } from 'fastify';
import { type PostRoute, postRoutes } from './client-api';
import { sendError } from '../errors';
import type { RouteOptions } from './openai';
import { dataRouteSetup, proxy } from './proxy';

export const RESPONSES_ROUTES: Readonly<Record<string, PostRoute>> = {
  '/v1/responses': { streamable: true },
  '/v1/responses/input_tokens': { streamable: false, tokenCount: true, modelOptional: true },
};

export async function responsesRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { ctx } = opts;
  dataRouteSetup(app, opts.clientKeys, 'responses', ctx.config.BODY_TIMEOUT_MS);
  postRoutes(app, ctx, 'responses', RESPONSES_ROUTES);
  app.all('/v1/responses/*', (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const checked = checkNativePath(path.slice('/v1/responses'.length));
    if (!checked.ok) return void sendError(reply, 'responses', apiError('client_bad_request', checked.message, { param: 'response_id' }));
    return proxy(ctx, { dialect: 'responses', method: request.method, path, body: undefined, headers: {}, model: '*', stream: false, expect: 'json', clientFp: request.clientFp }, request, reply, '/v1/responses/{id}');
  });
}
