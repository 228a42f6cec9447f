// The attempt loop on a fake clock, without sockets: Fastify's inject() drives the routes, a
// scripted in-memory transport stands in for the Worker, and Date is faked so cooldowns can be
// walked through in time.
import { Readable } from 'node:stream';
import { encodeFaultHeader, type Fault, faultCode } from '@opengemini/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClientKeys } from '../src/http/access-key';
import { buildApp } from '../src/http/app';
import { loadConfig } from '../src/config';
import type { PoolContext } from '../src/proxy/context';
import { KeyRing } from '../src/keys/keyring';
import { createLogger } from '../src/log';
import type { Transport, UpstreamReply, UpstreamRequest } from '../src/upstreams/transport';
import { UpstreamSet } from '../src/upstreams/upstreams';
import { Usage } from '../src/accounting/usage';

const keys = [`AIza${'1'.repeat(35)}`, `AIza${'2'.repeat(35)}`];
const CLIENT = 'sk-test-client-key-0000';

/** A Worker stand-in: answers each request with the next scripted fault (or a 200). */
class ScriptedTransport implements Transport {
  readonly seen: string[] = [];
  constructor(private readonly script: Map<string, Fault>) {}
  async send(req: UpstreamRequest): Promise<UpstreamReply> {
    const key = (req.headers['authorization'] ?? '').replace('Bearer ', '');
    this.seen.push(key);
    const fault = this.script.get(key);
    if (!fault) {
      const body = JSON.stringify({ id: 'x', object: 'chat.completion', choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } });
      return { status: 200, headers: new Headers({ 'content-type': 'application/json' }), body: Readable.from([Buffer.from(body)]) };
    }
    const body = JSON.stringify({ error: { message: 'quota', type: 'rate_limit_error', param: null, code: faultCode(fault) } });
    return { status: 429, headers: new Headers({ 'content-type': 'application/json', 'x-opengemini-fault': encodeFaultHeader(fault) }), body: Readable.from([Buffer.from(body)]) };
  }
  close = async () => {};
}

async function setup(script: Map<string, Fault>) {
  // No waiting for a key that frees up soon (MAX_KEY_WAIT_MS): these tests read the 429s.
  const config = await loadConfig({ QUOTA_COOLDOWN_MS: '60000', MAX_KEY_WAIT_MS: '0' });
  const ring = new KeyRing(keys);
  const upstreams = new UpstreamSet({ threshold: 1, backoffMs: 1000, maxBackoffMs: 1000 });
  const transport = new ScriptedTransport(script);
  upstreams.replace([{ id: 'fake', secret: undefined, transport: () => transport }]);
  const ctx: PoolContext = {
    config,
    keys: ring,
    upstreams,
    usage: new Usage(7),
    state: { schedule: () => {}, flushNow: async () => {} },
    now: () => Date.now(),
    random: () => 0,
  };
  const { app } = buildApp({ ctx, clientKeys: new ClientKeys([CLIENT]), logger: createLogger('silent'), mode: () => 'workers', reload: async () => ({ keys: { error: '' }, upstreams: { error: '' } }) });
  const chat = () =>
    app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { authorization: `Bearer ${CLIENT}`, 'content-type': 'application/json' }, payload: { model: 'm', messages: [] } });
  return { app, transport, chat };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.parse('2025-06-01T12:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('cooldowns on the clock', () => {
  it('a per-minute 429 benches the (key, model) for exactly its retry delay, then the key is back', async () => {
    const { app, transport, chat } = await setup(new Map([[keys[0]!, { kind: 'quota', reason: 'per_minute', retryAfterMs: 30_000 }]]));
    expect((await chat()).statusCode).toBe(200); // key 1 refused, key 2 answered
    expect(transport.seen).toEqual([keys[0], keys[1]]);
    vi.advanceTimersByTime(29_999);
    await chat();
    expect(transport.seen.slice(2)).toEqual([keys[1]]); // key 1 still benched
    vi.advanceTimersByTime(1);
    transport.seen.length = 0;
    await chat();
    await chat();
    expect(transport.seen).toContain(keys[0]); // back in rotation at 30 s sharp
    await app.close();
  });

  it('with every key benched the answer is 429 with Retry-After counting down to the first release', async () => {
    const { app, chat } = await setup(
      new Map<string, Fault>([
        [keys[0]!, { kind: 'quota', reason: 'per_minute', retryAfterMs: 50_000 }],
        [keys[1]!, { kind: 'quota', reason: 'per_minute', retryAfterMs: 20_000 }],
      ]),
    );
    const first = await chat();
    expect(first.statusCode).toBe(429);
    expect(first.headers['retry-after']).toBe('20');
    expect(JSON.parse(first.body).error.code).toBe('all_keys_cooling');
    vi.advanceTimersByTime(15_000);
    expect((await chat()).headers['retry-after']).toBe('5');
    await app.close();
  });

  it('a quota 429 without a delay uses QUOTA_COOLDOWN_MS', async () => {
    const { app, transport, chat } = await setup(new Map([[keys[0]!, { kind: 'quota', reason: 'unknown' }]]));
    await chat();
    vi.advanceTimersByTime(59_000);
    transport.seen.length = 0;
    await chat();
    await chat();
    expect(transport.seen).not.toContain(keys[0]);
    vi.advanceTimersByTime(1_000);
    transport.seen.length = 0;
    await chat();
    await chat();
    expect(transport.seen).toContain(keys[0]);
    await app.close();
  });
});
