// One attempt, table by table, over a fake transport that answers with Fetch API Responses
// adapted exactly as direct mode adapts them (fromFetchResponse): the same read path as
// production, only the Worker is scripted.
import { encodeFaultHeader } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { attempt, type AttemptResult } from '../src/proxy/attempt';
import { replyFailure } from '../src/proxy/reply';
import type { Expect } from '../src/proxy/request';
import { Cancel, fromFetchResponse, type Transport, type UpstreamReply, type UpstreamRequest } from '../src/upstreams/transport';

/** A Worker stand-in: `answer` builds the Response (or throws, as a failed connection does). */
/** What the reply writer sends, without a socket: status, headers and body. */
class CapturedResponse {
  headersSent = false;
  destroyed = false;
  status = 0;
  body = '';
  writeHead(status: number): this {
    this.status = status;
    this.headersSent = true;
    return this;
  }
  end(body: string | Buffer): this {
    this.body = body.toString();
    return this;
  }
}

function fake(answer: (req: UpstreamRequest) => Response | Promise<Response>): Transport & { seen: UpstreamRequest[] } {
  const seen: UpstreamRequest[] = [];
  return {
    seen,
    async send(req: UpstreamRequest): Promise<UpstreamReply> {
      seen.push(req);
      return fromFetchResponse(await answer(req));
    },
    close: async () => {},
  };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const sse = (text: string) => new Response(text, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
/** A body that sends `first` and then nothing, until the request is aborted. */
function stalled(first: string, contentType: string): (req: UpstreamRequest) => Response {
  return (req) =>
    new Response(
      new ReadableStream({
        start(c) {
          if (first) c.enqueue(new TextEncoder().encode(first));
          req.signal.addEventListener('abort', () => c.error(req.signal.reason));
        },
      }),
      { headers: { 'content-type': contentType } },
    );
}

const run = (t: Transport, opts: { stream?: boolean; expect?: Expect; timeoutMs?: number; client?: Cancel; limit?: number } = {}) =>
  attempt({ transport: t, request: { method: 'POST', path: '/v1/chat/completions', headers: {}, body: Buffer.from('{}') }, stream: opts.stream ?? false, expect: opts.expect ?? 'json', timeoutMs: opts.timeoutMs ?? 2_000, ...(opts.client ? { client: opts.client } : {}), ...(opts.limit ? { limit: opts.limit } : {}) });

const faultOf = (r: AttemptResult) => (r.kind === 'failure' ? `${r.failure.fault.kind}_${r.failure.fault.reason}` : r.kind);

describe('a whole answer', () => {
  it('a JSON 200 is the answer, read whole', async () => {
    const r = await run(fake(() => json({ id: 'x', choices: [] })));
    expect(r.kind).toBe('whole');
    if (r.kind === 'whole') expect(JSON.parse(r.body.toString())).toEqual({ id: 'x', choices: [] });
  });

  it.each<[string, () => Response]>([
    ['an HTML page', () => new Response('<html>Cloudflare error</html>', { headers: { 'content-type': 'text/html' } })],
    ['an empty body', () => new Response('', { headers: { 'content-type': 'application/json' } })],
    ['JSON text under another content-type', () => new Response('{"a":1}', { headers: { 'content-type': 'text/plain' } })],
  ])("a 200 with %s is the Worker's fault, not an answer", async (_name, answer) => {
    const r = await run(fake(answer));
    expect(faultOf(r)).toBe('upstream_worker_fault');
  });

  it('an empty 200 is an answer where any body is (uploads, files)', async () => {
    expect((await run(fake(() => new Response('', { status: 200 })), { expect: 'any' })).kind).toBe('whole');
  });

  it('an answer past the limit fails as too large instead of being held in memory', async () => {
    const r = await run(fake(() => json({ text: 'x'.repeat(5_000) })), { limit: 4_096 });
    expect(faultOf(r)).toBe('client_too_large');
    expect(r.kind === 'failure' && r.failure.own?.code).toBe('answer_too_large');
  });

  it.each([
    ['openai', { error: { code: 'answer_too_large', type: 'server_error' } }],
    ['responses', { error: { code: 'answer_too_large', type: 'server_error' } }],
    ['anthropic', { type: 'error', error: { type: 'api_error' } }],
    ['gemini', { error: { code: 502, status: 'UNAVAILABLE' } }],
  ] as const)('a too-large answer is told in the %s route\'s own envelope', async (dialect, shape) => {
    const r = await run(fake(() => json({ text: 'x'.repeat(5_000) })), { limit: 4_096 });
    if (r.kind !== 'failure') throw new Error(`expected a failure, got ${r.kind}`);
    const res = new CapturedResponse();
    replyFailure(res as unknown as ServerResponse, dialect, r.failure, 'client_too_large', '1; answer_too_large');
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body)).toMatchObject(shape);
  });

  it('a labelled error is a failure with its fault, status and body', async () => {
    const r = await run(fake(() => json({ error: { message: 'slow down', code: 'quota_per_minute' } }, 429, { 'x-opengemini-fault': encodeFaultHeader({ kind: 'quota', reason: 'per_minute', retryAfterMs: 7_000 }) })));
    expect(r).toMatchObject({ kind: 'failure', failure: { status: 429, fault: { kind: 'quota', reason: 'per_minute', retryAfterMs: 7_000 } } });
  });

  it('a connection that fails is a network fault of the path', async () => {
    const r = await run(fake(() => Promise.reject(new TypeError('fetch failed'))));
    expect(faultOf(r)).toBe('upstream_network');
  });

  it('a Worker that trickles its answer past the attempt timeout is a timeout of the path', async () => {
    const t0 = Date.now();
    const r = await run(fake(stalled('{"id":', 'application/json')), { timeoutMs: 100 });
    expect(faultOf(r)).toBe('upstream_timeout');
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});

describe('a stream', () => {
  it('SSE frames: the first event is read and the rest left for the relay', async () => {
    const r = await run(fake(() => sse('data: {"choices":[]}\n\ndata: [DONE]\n\n')), { stream: true, expect: 'sse' });
    expect(r.kind).toBe('stream');
    if (r.kind === 'stream') {
      expect(r.first.toString()).toContain('data: {"choices":[]}');
      r.body.destroy();
    }
  });

  it('an error event first is a failure (nothing was committed): its fault and its own status', async () => {
    const r = await run(fake(() => sse(`data: ${JSON.stringify({ error: { message: 'overloaded', code: 'gemini_unavailable' } })}\n\n`)), { stream: true, expect: 'sse' });
    expect(faultOf(r)).toBe('gemini_unavailable');
    if (r.kind === 'failure') expect(r.failure.status).toBe(503);
  });

  it.each<[string, () => Response]>([
    ['an empty stream', () => sse('')],
    ['JSON instead of SSE', () => json({ id: 'x' })],
    ['an HTML page', () => new Response('<html></html>', { headers: { 'content-type': 'text/html' } })],
  ])("%s before the commit is the Worker's fault: the request can still fail over", async (_name, answer) => {
    expect(faultOf(await run(fake(answer), { stream: true, expect: 'sse' }))).toBe('upstream_worker_fault');
  });

  it('a Worker silent after its headers is cut at the attempt timeout, before any commit', async () => {
    expect(faultOf(await run(fake(stalled('', 'text/event-stream')), { stream: true, expect: 'sse', timeoutMs: 100 }))).toBe('upstream_timeout');
  });

  it("Google's JSON-array stream (no alt=sse) is an answer when JSON is expected", async () => {
    const r = await run(fake(() => json([{ candidates: [] }])), { stream: true, expect: 'json' });
    expect(r.kind).toBe('stream');
  });
});

describe('the client', () => {
  it('leaving ends the attempt at once, and the upstream request is aborted', async () => {
    const client = new Cancel();
    const t = fake(stalled('', 'application/json'));
    const pending = run(t, { client, timeoutMs: 5_000 });
    await new Promise((r) => setTimeout(r, 20));
    client.cancel('gone');
    expect((await pending).kind).toBe('cancelled');
    expect(t.seen[0]!.signal.aborted).toBe(true);
  });
});
