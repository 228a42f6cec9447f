// Regression tests for issue 10, Worker side, through the BUILT Worker in workerd against the
// strict mock Gemini: remote media only from public addresses (in one neutral message), and
// Gemini's 200s that are not answers labelled as Gemini's fault (gemini_bad_answer), never as
// the Worker's network. The body limit is tested on the handler in Node (handler.test.ts): the
// local wrangler proxy in front of workerd cannot carry an answer sent before a large body is
// read (it answers 503 "worker restarted", or nothing), which Cloudflare's edge does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAULT_HEADER, type OpenAI as Wire } from '@opengemini/shared';
import type { FaultName } from '../../tools/src/mock-gemini/index';
import { type Stack, TEST_KEY, readSse, startStack } from './support/stack';

let stack: Stack;
let images: Server;
let imagesPort: number;
let imageHits = 0;

beforeAll(async () => {
  stack = await startStack();
  images = createServer((_req, res) => {
    imageHits++;
    res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('89504e470d0a1a0a', 'hex'));
  });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  imagesPort = (images.address() as AddressInfo).port;
});
afterAll(async () => {
  images?.closeAllConnections();
  images?.close();
  await stack?.close();
});
beforeEach(() => {
  stack.mock.reset();
  imageHits = 0;
});

const post = (path: string, body: unknown) =>
  fetch(`${stack.worker.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const chat = (stream: boolean, content: unknown = 'hello') => post('/v1/chat/completions', { model: 'gemini-2.5-flash', stream, messages: [{ role: 'user', content }] });
const errorOf = async (res: Response) => ((await res.json()) as Wire.ErrorEnvelope).error;

describe('remote media: public addresses only, one neutral message', () => {
  const forms = (port: number) => [
    `http://127.0.0.1:${port}/cat.png`,
    `http://127.1:${port}/cat.png`,
    `http://2130706433:${port}/cat.png`,
    `http://0x7f.1:${port}/cat.png`,
    `http://[::1]:${port}/cat.png`,
    `http://[::ffff:127.0.0.1]:${port}/cat.png`,
    `http://localhost:${port}/cat.png`,
    `http://127.0.0.1:1/closed-port.png`,
    'http://169.254.169.254/latest/meta-data/',
  ];

  it('refuses loopback in every spelling, closed ports and cloud metadata alike, fetching nothing', async () => {
    for (const url of forms(imagesPort)) {
      const res = await chat(false, [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url } }]);
      expect(res.status, url).toBe(400);
      expect(res.headers.get(FAULT_HEADER)).toBe('client; reason=bad_request');
      expect(await errorOf(res)).toMatchObject({ message: 'Could not fetch image_url at messages[0].content[1].', param: 'messages[0].content[1].image_url.url', code: 'client_bad_request' });
    }
    expect(imageHits).toBe(0);
    expect(stack.mock.requests).toHaveLength(0);
  });
});

describe("Gemini's 200s that are not answers: gemini_bad_answer, not the Worker's network", () => {
  const only = (name: FaultName) => stack.mock.injectFaults({ rates: { [name]: 1 } });

  it.each<FaultName>(['emptyStream', 'noCandidates', 'noDataPrefix'])('a stream with %s: 502 and the header, before any event', async (fault) => {
    only(fault);
    const res = await chat(true);
    expect(res.status).toBe(502);
    expect(res.headers.get(FAULT_HEADER)).toBe('gemini; reason=bad_answer');
    expect((await errorOf(res)).code).toBe('gemini_bad_answer');
  });

  it('a stream whose connection drops after the first event: an SSE error event with the code, no [DONE]', async () => {
    only('dropMidStream');
    const res = await chat(true);
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events).not.toContain('[DONE]');
    expect(JSON.parse(events.at(-1)!).error).toMatchObject({ code: 'gemini_bad_answer', type: 'server_error' });
  });

  it.each<FaultName>(['emptyStream', 'noCandidates', 'noDataPrefix', 'dropMidStream'])('a whole answer with %s: 502 and the header', async (fault) => {
    only(fault);
    const res = await chat(false);
    expect(res.status).toBe(502);
    expect(res.headers.get(FAULT_HEADER)).toBe('gemini; reason=bad_answer');
    expect((await errorOf(res)).code).toBe('gemini_bad_answer');
  });

  it('an error event opening a stream gets its own status and label before the head is sent', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'x' }, stream: { errorAfter: { chunks: 0, error: { kind: 'quota', quota: 'per_minute', retryDelay: '7s' } } } });
    const res = await chat(true);
    expect(res.status).toBe(429);
    expect(res.headers.get(FAULT_HEADER)).toMatch(/^quota; reason=per_minute; retry-ms=7000/);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it.each([
    ['generateContent', 'emptyStream'],
    ['generateContent', 'noCandidates'],
    ['streamGenerateContent?alt=sse', 'emptyStream'],
    ['streamGenerateContent?alt=sse', 'noDataPrefix'],
  ] as const)('native %s with %s: 502 in Google\'s envelope, with the header', async (method, fault) => {
    only(fault);
    const res = await fetch(`${stack.worker.url}/v1beta/models/gemini-2.5-flash:${method}`, {
      method: 'POST',
      headers: { 'x-goog-api-key': TEST_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] }),
    });
    expect(res.status).toBe(502);
    expect(res.headers.get(FAULT_HEADER)).toBe('gemini; reason=bad_answer');
    expect(await res.json()).toEqual({ error: { code: 502, message: expect.any(String), status: 'UNAVAILABLE' } });
  });
});
