// The loopback HTTP server: reads each request whole, records it (key fingerprinted), and hands
// it to the router. close() cuts every connection, stalled streams included.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fingerprint, scrubKeys } from '@opengemini/shared';
import { requestKey } from './auth';
import type { Exchange } from './respond';
import { type MockEnv, crashed, dispatch, parseRoute } from './routes';
import { FaultDice } from './faults';
import { FileStore } from './files';
import { RuleBook } from './rules';
import type { MockGemini, MockGeminiOptions, RecordedRequest } from './types';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function record(req: IncomingMessage, url: URL, rawBody: string): RecordedRequest {
  const key = requestKey(req.headers, url.searchParams);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // Scrubbed too: a converter that wrongly forwards `Authorization: Bearer AIza...` must not
    // leak the key into test output.
    if (value !== undefined) headers[name] = scrubKeys(Array.isArray(value) ? value.join(', ') : value);
  }
  const headerKey = req.headers['x-goog-api-key'];
  if (typeof headerKey === 'string') headers['x-goog-api-key'] = fingerprint(headerKey);
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name === 'key' ? fingerprint(value) : scrubKeys(value);
  const route = parseRoute(req.method ?? 'GET', url.pathname);
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    ...(route && { action: route.action }),
    ...(route?.model !== undefined && { model: route.model }),
    query,
    headers,
    ...(key !== undefined && { key }),
    body: parseJson(rawBody),
    rawBody,
  };
}

/** Starts the mock on 127.0.0.1 and a free port (by default). */
export async function startMockGemini(options: MockGeminiOptions = {}): Promise<MockGemini> {
  const rules = new RuleBook();
  const env: MockEnv = { extraKeys: options.extraKeys ?? [], files: new FileStore() };
  const requests: RecordedRequest[] = [];
  const closing = new AbortController();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://mock.invalid');
    const rec = record(req, url, await readBody(req));
    requests.push(rec);
    const ex: Exchange = { res, record: rec, url, signal: closing.signal };
    try {
      await dispatch(ex, rules, env);
    } catch (err) {
      crashed(ex, err);
    }
  };
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  server.keepAliveTimeout = 1000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    requests,
    script: (rule) => rules.add(rule),
    injectFaults: (faultOptions) => (rules.faults = new FaultDice(faultOptions)),
    reset: () => {
      rules.clear();
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
