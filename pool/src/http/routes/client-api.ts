// What the POST routes of every client API share (OpenAI chat and embeddings, Anthropic
// Messages, OpenAI Responses): the one reading of a JSON body (parsed once to validate it and read
// `model` and `stream`, then forwarded as the same bytes, no re-serialisation), the route's
// ProxyRequest, and errors in the route's dialect. The plugins' common setup (raw bodies, the
// client key, Fastify's own errors) is dataRouteSetup in proxy.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkModelName } from '@opengemini/shared';
import { type Dialect, type PoolError, badRequest, sendError } from '../errors';
import type { PoolContext, ProxyRequest } from '../../proxy';
import { proxy } from './proxy';

/** Validates a JSON body and reads what the pool needs; a PoolError names the bad field. */
export function readBody(raw: unknown, streamable: boolean, modelRequired = true): { model: string; stream: boolean } | PoolError {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return badRequest('The request needs a JSON body.');
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return badRequest(`The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return badRequest('The request body must be a JSON object.');
  const { model, stream } = body as { model?: unknown; stream?: unknown };
  if (model === undefined && !modelRequired) return { model: '*', stream: false };
  // The normalised name is what is budgeted, cooled down, counted and logged.
  const checked = checkModelName(model);
  if (!checked.ok) return badRequest(checked.message, 'model');
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') return badRequest('stream must be a boolean', 'stream');
  return { model: checked.model, stream: streamable && stream === true };
}

/** How a POST route of a client API is forwarded. */
export interface PostRoute {
  /** Its answer may be a stream (`stream: true` in the body). */
  streamable: boolean;
  /** Its answer is a token count, not a use of the model: no tokens are counted for it. */
  tokenCount?: boolean;
  /** A body may leave out `model` (OpenAI's input_tokens). */
  modelOptional?: boolean;
}

/** What to forward for a POST route's body, or the PoolError to answer. */
export function postRequest(dialect: Dialect, path: string, route: PostRoute, body: unknown, clientFp: string): ProxyRequest | PoolError {
  const parsed = readBody(body, route.streamable, !route.modelOptional);
  if ('status' in parsed) return parsed;
  const pr: ProxyRequest = {
    dialect,
    method: 'POST',
    path,
    body: body as Buffer,
    headers: { 'content-type': 'application/json' },
    model: parsed.model,
    stream: parsed.stream,
    expect: parsed.stream ? 'sse' : 'json',
    clientFp,
  };
  if (route.tokenCount) pr.tokenCount = true;
  return pr;
}

/** Registers POST routes that go through the attempt loop as they are (path = route). */
export function postRoutes(app: FastifyInstance, ctx: PoolContext, dialect: Dialect, routes: Readonly<Record<string, PostRoute>>): void {
  for (const [route, how] of Object.entries(routes)) {
    app.post(route, async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const fr = postRequest(dialect, route, how, request.body, request.clientFp);
      if ('status' in fr) return void sendError(reply, dialect, fr);
      await proxy(ctx, fr, request, reply, route);
    });
  }
}
