// The OpenAI-format routes: /v1/chat/completions, /v1/embeddings, /v1/models, /v1/models/{id}.
// Bodies are taken as raw bytes, parsed once to validate them and read `model` and `stream`, and
// forwarded as the same bytes (no re-serialisation). Errors are OpenAI's envelope.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkModelName } from '@opengemini/shared';
import type { ClientKeys } from '../access-key';
import { type PoolError, badRequest, errorBody, errorHeaders, notFound } from '../errors';
import type { PoolContext, ProxyRequest } from '../../proxy';
import { type ModelCache, cachedList, dataRouteSetup, proxy } from './proxy';

export interface RouteOptions {
  ctx: PoolContext;
  clientKeys: ClientKeys;
  models: ModelCache;
}

function sendError(reply: FastifyReply, e: PoolError): FastifyReply {
  return reply.code(e.status).headers(errorHeaders(e)).send(errorBody('openai', e));
}

/** Validates a JSON body and reads what the pool needs; a PoolError names the bad field. */
export function readBody(raw: unknown, streamable: boolean): { model: string; stream: boolean } | PoolError {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return badRequest('The request needs a JSON body.');
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return badRequest(`The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return badRequest('The request body must be a JSON object.');
  const { model, stream } = body as { model?: unknown; stream?: unknown };
  // The normalised name is what is budgeted, cooled down, counted and logged.
  const checked = checkModelName(model);
  if (!checked.ok) return badRequest(checked.message, 'model');
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') return badRequest('stream must be a boolean', 'stream');
  return { model: checked.model, stream: streamable && stream === true };
}

/** The POST routes and whether each may stream. */
export const POST_ROUTES: Readonly<Record<string, boolean>> = { '/v1/chat/completions': true, '/v1/embeddings': false };

/** What to forward for a POST route's body, or the PoolError to answer. */
export function postRequest(route: string, body: unknown, clientFp: string): ProxyRequest | PoolError {
  const parsed = readBody(body, POST_ROUTES[route] === true);
  if ('status' in parsed) return parsed;
  return {
    dialect: 'openai',
    method: 'POST',
    path: route,
    body: body as Buffer,
    headers: { 'content-type': 'application/json' },
    model: parsed.model,
    stream: parsed.stream,
    expect: parsed.stream ? 'sse' : 'json',
    clientFp,
  };
}

export async function openaiRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { ctx, clientKeys, models } = opts;
  dataRouteSetup(app, clientKeys, 'openai');

  const post = (route: string) =>
    async function (request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const fr = postRequest(route, request.body, request.clientFp);
      if ('status' in fr) return void sendError(reply, fr);
      await proxy(ctx, fr, request, reply, route);
    };

  for (const route of Object.keys(POST_ROUTES)) app.post(route, post(route));

  const list = (request: FastifyRequest, reply: FastifyReply, path: string, route: string) =>
    cachedList(ctx, models, { dialect: 'openai', method: 'GET', path, body: undefined, headers: {}, model: '*', stream: false, expect: 'json', clientFp: request.clientFp }, request, reply, route);
  app.get('/v1/models', (request, reply) => list(request, reply, '/v1/models', '/v1/models'));
  app.get<{ Params: { id: string } }>('/v1/models/:id', (request, reply) =>
    list(request, reply, `/v1/models/${encodeURIComponent(request.params.id)}`, '/v1/models/:id'),
  );
  app.all('/v1/*', (request, reply) => sendError(reply, notFound(request.url.split('?')[0] ?? '')));
}
