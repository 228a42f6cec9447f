// Fastify's own errors get one rule in every plugin (http/fastify-errors.ts): the same failure is
// the same catalogue code and status whichever dialect's envelope carries it.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTimeout } from '../src/http/body';
import type { Dialect } from '../src/http/errors';
import { fastifyErrorHandler, fromFastifyError } from '../src/http/fastify-errors';

const failure = (statusCode: number | undefined, message = 'boom') => Object.assign(new Error(message), statusCode === undefined ? {} : { statusCode });

describe('fromFastifyError', () => {
  it.each([
    ['a body over the limit', failure(413), 'client_too_large', 413],
    ['malformed JSON', failure(400), 'client_bad_request', 400],
    ['a content type no parser takes', failure(415), 'client_bad_request', 415],
    ['a 5xx of Fastify', failure(503), 'pool_error', 500],
    ['a bug that threw a plain Error', failure(undefined), 'pool_error', 500],
    ['a status that is no error', failure(302), 'pool_error', 500],
  ] as const)('%s: %s %i', (_name, err, code, status) => {
    expect(fromFastifyError(err)).toMatchObject({ code, status, message: 'boom' });
  });

  it('a body too slow is its own request_timeout (408)', () => {
    expect(fromFastifyError(new BodyTimeout(600, 12))).toMatchObject({ code: 'request_timeout', status: 408 });
  });

  it('a schema refusal names the field, with the route hint', () => {
    const err = Object.assign(failure(400), { validation: [{ keyword: 'required', instancePath: '/keys/3', params: { missingProperty: 'name' } }], validationContext: 'body' });
    expect(fromFastifyError(err, 'Send {"keys": [...]}.')).toMatchObject({ code: 'client_bad_request', status: 400, param: 'keys[3].name', message: 'keys[3].name is required. Send {"keys": [...]}.' });
  });
});

describe('fastifyErrorHandler', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** One plugin per dialect, each with a small body limit and a schema'd route. */
  async function start(): Promise<FastifyInstance> {
    app = Fastify({ bodyLimit: 64 });
    for (const dialect of ['openai', 'anthropic', 'gemini'] as Dialect[]) {
      await app.register(async (scope) => {
        scope.setErrorHandler(fastifyErrorHandler(dialect));
        const schema = { body: { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] } };
        scope.post(`/${dialect}`, { schema, config: { schemaHint: 'Send {"key": "..."}.' } }, async () => ({ ok: true }));
      });
    }
    return app;
  }

  it('answers the same failure with the same code and status in each dialect', async () => {
    const a = await start();
    const post = (dialect: string, payload: string) => a.inject({ method: 'POST', url: `/${dialect}`, headers: { 'content-type': 'application/json' }, payload });
    const codes = async (payload: string) =>
      Promise.all(
        ['openai', 'anthropic', 'gemini'].map(async (d) => {
          const res = await post(d, payload);
          const body = res.json();
          return { status: res.statusCode, code: d === 'gemini' ? body.error.status : body.error.code };
        }),
      );
    const big = JSON.stringify({ key: 'x'.repeat(100) });
    // Google's envelope carries its own status name, not the catalogue code.
    expect(await codes(big)).toEqual([
      { status: 413, code: 'client_too_large' },
      { status: 413, code: 'client_too_large' },
      { status: 413, code: expect.any(String) },
    ]);
    expect((await codes('{"key":')).map((c) => c.status)).toEqual([400, 400, 400]);
    const refused = await post('openai', '{}');
    expect(refused.json().error).toMatchObject({ code: 'client_bad_request', param: 'key', message: 'key is required. Send {"key": "..."}.' });
    const anthropic = (await post('anthropic', big)).json();
    expect(anthropic).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
  });
});
