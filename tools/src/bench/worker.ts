// Benchmark: the Worker's own CPU per request, in Node, with Gemini answering from memory
// (a fetch stub), beside a baseline measured in the same run: JSON.parse + JSON.stringify of the
// same bodies. Cloudflare's free plan allows 10 ms of CPU per request, streaming included.
import { createWorkerHandler } from '@opengemini/worker/handler';
import { chatRequestBody, geminiResponseBody, geminiStreamEvents, sseBody } from './fixtures';
import { cpuMicros, type Row } from './measure';

export const KEY = `AIza${'B'.repeat(35)}`;

export function handlerAnswering(body: string, contentType: string) {
  const bytes = new TextEncoder().encode(body);
  return createWorkerHandler(
    { GEMINI_BASE_URL: 'http://gemini.invalid' },
    {
      fetch: async () => {
        // Delivered in 16 KiB reads, as a socket would.
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            for (let i = 0; i < bytes.length; i += 16384) c.enqueue(bytes.subarray(i, i + 16384));
            c.close();
          },
        });
        return new Response(stream, { status: 200, headers: { 'content-type': contentType } });
      },
    },
  );
}

export async function drain(res: Response): Promise<number> {
  let n = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return n;
    n += value.byteLength;
  }
}

export async function benchWorker(iterations = 300): Promise<Row[]> {
  const rows: Row[] = [];

  // Chat request + response.
  const reqText = JSON.stringify(chatRequestBody());
  const resText = JSON.stringify(geminiResponseBody());
  const chat = handlerAnswering(resText, 'application/json');
  const chatRequest = () =>
    new Request('http://worker/v1/chat/completions', { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: reqText });
  const ours = await cpuMicros(iterations, async (request: Request) => {
    const res = await chat(request);
    if (res.status !== 200) throw new Error(`chat answered ${res.status}: ${await res.text()}`);
    await res.text();
  }, chatRequest);
  const base = await cpuMicros(iterations, async () => {
    JSON.stringify(JSON.parse(reqText));
    JSON.stringify(JSON.parse(resText));
  });
  rows.push({
    name: 'chat request+response (20 msgs, 5 tools, 48 KiB image)',
    ours: `${(ours / 1000).toFixed(3)} ms CPU`,
    baseline: `${(base / 1000).toFixed(3)} ms CPU`,
    ratio: `${(ours / base).toFixed(2)}x`,
    target: '<= 3x baseline, < 10 ms',
    pass: ours / base <= 3 && ours < 10_000,
  });

  // Stream conversion.
  const events = geminiStreamEvents(2000);
  const sse = sseBody(events);
  const sseBytes = new TextEncoder().encode(sse).byteLength;
  const stream = handlerAnswering(sse, 'text/event-stream');
  const streamReq = () =>
    new Request('http://worker/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }),
    });
  // Enough rounds for V8 to settle (the first stream of an isolate also compiles the fast-path regex).
  const streamIterations = Math.max(40, Math.floor(iterations / 5));
  const oursStream = await cpuMicros(streamIterations, async (request: Request) => {
    const res = await stream(request);
    if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
    await drain(res);
  }, streamReq);
  const baseStream = await cpuMicros(streamIterations, async () => {
    for (const e of events) JSON.stringify(JSON.parse(e));
  });
  const mbps = (us: number) => sseBytes / 1e6 / (us / 1e6);
  rows.push({
    name: `stream conversion (2,000 events, ${(sseBytes / 1e6).toFixed(2)} MB)`,
    ours: `${mbps(oursStream).toFixed(1)} MB/s (${(oursStream / 1000).toFixed(2)} ms CPU)`,
    baseline: `${mbps(baseStream).toFixed(1)} MB/s (${(baseStream / 1000).toFixed(2)} ms CPU)`,
    ratio: `${(oursStream / baseStream).toFixed(2)}x`,
    target: '>= 50 MB/s',
    pass: mbps(oursStream) >= 50,
  });
  return rows;
}
