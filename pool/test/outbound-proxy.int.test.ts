// HTTPS_PROXY / HTTP_PROXY / NO_PROXY, end to end through a real CONNECT proxy on loopback (the
// kind a local Clash or v2ray client runs): it carries Worker traffic and direct-mode traffic when
// the variables are set, and none when NO_PROXY covers the host. The Worker and the mock Gemini
// listen on plain http here, so HTTP_PROXY is what routes them; HTTPS_PROXY is shown on Google's
// real https address in direct mode, where the proxy sees the CONNECT for
// generativelanguage.googleapis.com:443 and refuses it (no internet needed). Loopback is not
// exempt by default in undici's agent, so the proxy's own record proves each route.
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback } from './helpers/loopback';
import { type Backend, type PoolUnderTest, startBackend, startTestPool, testKey } from './helpers/stack';

const MODEL = 'gemini-2.5-flash';
const PROXY_VARS = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'] as const;

interface ConnectProxy {
  url: string;
  /** `host:port` of every CONNECT it was asked for, in order. */
  tunnels: string[];
  /** Targets it answers 502 to instead of connecting (a host this machine cannot reach). */
  refuse: Set<string>;
  close(): Promise<void>;
}

/** A minimal HTTP CONNECT proxy: records each tunnel, then splices the sockets together. */
async function startConnectProxy(): Promise<ConnectProxy> {
  const state = { tunnels: [] as string[], refuse: new Set<string>() };
  const server: Server = createServer((_req, res) => res.writeHead(405).end('CONNECT only'));
  server.on('connect', (req, client, head) => {
    const target = req.url ?? '';
    state.tunnels.push(target);
    if (state.refuse.has(target)) return void client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, close, tunnels: state.tunnels, refuse: state.refuse };
}

let backend: Backend;
let proxy: ConnectProxy;
const pools: PoolUnderTest[] = [];
const savedEnv = Object.fromEntries(PROXY_VARS.map((n) => [n, process.env[n]]));

beforeAll(async () => {
  backend = await startBackend();
  proxy = await startConnectProxy();
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  for (const n of PROXY_VARS) {
    if (savedEnv[n] === undefined) delete process.env[n];
    else process.env[n] = savedEnv[n];
  }
  proxy.tunnels.length = 0;
  proxy.refuse.clear();
  backend.mock.reset();
});
afterAll(async () => {
  await proxy?.close();
  await backend?.close();
});

/** A pool started with these proxy variables in its environment (read once, at start). */
async function poolWith(env: Partial<Record<(typeof PROXY_VARS)[number], string>>, upstreams: string[], poolEnv: Record<string, string> = {}) {
  for (const n of PROXY_VARS) delete process.env[n];
  Object.assign(process.env, env);
  const p = await startTestPool({ keys: [testKey(1)], upstreams, env: poolEnv });
  pools.push(p);
  return p;
}

const hostPort = (url: string) => new URL(url).host;
const chat = (p: PoolUnderTest) => p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'through the proxy' }] });
async function stream(p: PoolUnderTest): Promise<string> {
  let text = '';
  for await (const c of await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'streamed' }], stream: true })) text += c.choices[0]?.delta.content ?? '';
  return text;
}

describe('Worker calls', () => {
  it('go through the proxy when HTTPS_PROXY and HTTP_PROXY are set: whole answers and streams', async () => {
    const p = await poolWith({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }, [backend.worker.url]);
    expect((await chat(p)).choices[0]?.message.content).toContain('mock answer');
    expect(await stream(p)).toContain('mock answer');
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([hostPort(backend.worker.url)]));
    expect(p.logs.join('')).toContain(`outbound proxy: https via ${proxy.url}, http via ${proxy.url}`);
  });

  it('go straight when NO_PROXY covers the Worker\'s host', async () => {
    const p = await poolWith({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' }, [backend.worker.url]);
    expect((await chat(p)).choices[0]?.message.content).toContain('mock answer');
    expect(await stream(p)).toContain('mock answer');
    expect(proxy.tunnels).toEqual([]);
  });

  it('go straight with no proxy variable set', async () => {
    const p = await poolWith({}, [backend.worker.url]);
    expect((await chat(p)).choices[0]?.message.content).toContain('mock answer');
    expect(proxy.tunnels).toEqual([]);
    expect(p.logs.join('')).not.toContain('outbound proxy');
  });
});

describe('direct mode', () => {
  it('reaches Gemini through the proxy', async () => {
    const p = await poolWith({ HTTP_PROXY: proxy.url }, [], { GEMINI_BASE_URL: backend.mock.url });
    expect((await chat(p)).choices[0]?.message.content).toContain('mock answer');
    expect(await stream(p)).toContain('mock answer');
    expect(new Set(proxy.tunnels)).toEqual(new Set([hostPort(backend.mock.url)]));
  });

  it('asks HTTPS_PROXY for a tunnel to Google itself (generativelanguage.googleapis.com:443)', async () => {
    proxy.refuse.add('generativelanguage.googleapis.com:443');
    const p = await poolWith({ HTTPS_PROXY: proxy.url }, []);
    await expect(chat(p)).rejects.toMatchObject({ status: expect.any(Number) });
    expect(proxy.tunnels).toContain('generativelanguage.googleapis.com:443');
  });

  it('goes straight when NO_PROXY covers Gemini\'s host', async () => {
    const p = await poolWith({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, [], { GEMINI_BASE_URL: backend.mock.url });
    expect((await chat(p)).choices[0]?.message.content).toContain('mock answer');
    expect(proxy.tunnels).toEqual([]);
  });
});

describe('a proxy variable that is not a URL', () => {
  it('stops the pool at start with one line naming the variable', async () => {
    await expect(poolWith({ HTTPS_PROXY: '127.0.0.1:7890' }, [backend.worker.url])).rejects.toThrow('HTTPS_PROXY must be a proxy URL such as http://127.0.0.1:7890 (got "127.0.0.1:7890")');
  });
});
