// Budgets under concurrency, through the real routes (inject) with an in-memory upstream that
// holds every answer until told: attempts in flight count against the budget.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fingerprint } from '@opengemini/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientKeys } from '../src/http/access-key';
import { buildApp } from '../src/http/app';
import { Budgets } from '../src/keys/budgets';
import { loadConfig } from '../src/config';
import type { PoolContext } from '../src/proxy/context';
import { KeyRing } from '../src/keys/keyring';
import { createLogger } from '../src/log';
import type { Transport, UpstreamReply, UpstreamRequest } from '../src/upstreams/transport';
import { UpstreamSet } from '../src/upstreams/upstreams';
import { Usage } from '../src/accounting/usage';

const KEY = `AIza${'7'.repeat(35)}`;
const CLIENT = 'sk-test-client-key-0000';
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Holds every request until `open()`; `fail` makes it a network failure instead. */
class HeldTransport implements Transport {
  seen = 0;
  private gate!: () => void;
  private readonly opened = new Promise<void>((r) => (this.gate = r));
  constructor(private readonly fail = false) {}
  open(): void {
    this.gate();
  }
  async send(_req: UpstreamRequest): Promise<UpstreamReply> {
    this.seen++;
    if (this.fail) throw new TypeError('fetch failed');
    await this.opened;
    const body = JSON.stringify({ id: 'x', object: 'chat.completion', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } });
    return { status: 200, headers: new Headers({ 'content-type': 'application/json' }), body: Readable.from([Buffer.from(body)]) };
  }
  close = async () => {};
}

async function setup(transport: HeldTransport) {
  const dir = await mkdtemp(join(tmpdir(), 'pool-budget-'));
  dirs.push(dir);
  const config = await loadConfig({});
  const usage = new Usage(7);
  const budgets = new Budgets(dir, usage);
  await budgets.load({ flash: 5 }, () => {});
  const upstreams = new UpstreamSet({ threshold: 100, backoffMs: 1, maxBackoffMs: 1 });
  upstreams.replace([{ id: 'held', secret: undefined, transport: () => transport }]);
  const keys = new KeyRing([KEY]);
  keys.useBudget(budgets);
  const ctx: PoolContext = { config, keys, upstreams, usage, state: { schedule: () => {}, flushNow: async () => {} }, now: Date.now, random: () => 0 };
  const { app } = buildApp({ ctx, clientKeys: new ClientKeys([CLIENT]), logger: createLogger('silent'), mode: () => 'workers', reload: async () => ({ keys: { error: '' }, upstreams: { error: '' } }) });
  const chat = () =>
    app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { authorization: `Bearer ${CLIENT}`, 'content-type': 'application/json' }, payload: { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] } });
  return { budgets, chat };
}

describe('budgets under concurrency', () => {
  it('20 concurrent requests against a key with budget flash=5: exactly 5 reach that key', async () => {
    const transport = new HeldTransport();
    const { budgets, chat } = await setup(transport);
    const replies = Array.from({ length: 20 }, () => chat());
    await new Promise((r) => setTimeout(r, 50)); // every request has picked (or been refused) by now
    transport.open();
    const statuses = (await Promise.all(replies)).map((r) => r.statusCode);
    expect(transport.seen).toBe(5);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(budgets.spent(fingerprint(KEY), 'flash', Date.now())).toBe(5);
  });

  it('attempts that never reached Gemini (network failures to the upstream) spend no budget', async () => {
    const transport = new HeldTransport(true);
    const { budgets, chat } = await setup(transport);
    for (let i = 0; i < 4; i++) await chat();
    expect(transport.seen).toBe(8); // each tried twice: the only Worker again, after a short backoff
    expect(budgets.spent(fingerprint(KEY), 'flash', Date.now())).toBe(0);
  });
});
