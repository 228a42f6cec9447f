// Benchmark: the Worker's own CPU per request, in Node, with Gemini answering from memory
// (a fetch stub), beside baselines measured in the same run: JSON.parse + JSON.stringify of the
// same bodies, and for the stream reader its old regular-expression fast path. Cloudflare's free
// plan allows 10 ms of CPU per request, streaming included. Streams are fed as Gemini sends
// them: one network chunk per SSE event.
import { createWorkerHandler } from '@opengemini/worker/handler';
import { scanEvent } from '../../../worker/src/gemini/stream-scan';
import { chatRequestBody, geminiResponseBody, geminiStreamEvents, messagesRequestBody } from './fixtures';
import { cpuMicros, type Row } from './measure';
import { readCommonEvent } from './old-stream-event';

export const KEY = `AIza${'B'.repeat(35)}`;

/** A Worker whose Gemini answers `chunks`, one network read each. */
export function handlerAnswering(chunks: readonly Uint8Array[], contentType: string) {
  return createWorkerHandler(
    { GEMINI_BASE_URL: 'http://gemini.invalid' },
    {
      fetch: async () => {
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            for (const chunk of chunks) c.enqueue(chunk);
            c.close();
          },
        });
        return new Response(stream, { status: 200, headers: { 'content-type': contentType } });
      },
    },
  );
}

/** A whole body in 16 KiB reads, as a socket would deliver a JSON answer. */
export function reads(text: string): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 16384) out.push(bytes.subarray(i, i + 16384));
  return out;
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

const ms = (us: number) => `${(us / 1000).toFixed(3)} ms CPU`;

interface Dialect {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  streamBody: Record<string, unknown>;
}

const DIALECTS: Dialect[] = [
  {
    name: 'chat',
    path: '/v1/chat/completions',
    headers: { authorization: `Bearer ${KEY}` },
    body: chatRequestBody(),
    streamBody: { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } },
  },
  {
    name: 'Messages',
    path: '/v1/messages',
    headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
    body: messagesRequestBody(),
    streamBody: { model: 'gemini-2.5-flash', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }], stream: true },
  },
];

export async function benchWorker(iterations = 300): Promise<Row[]> {
  const rows: Row[] = [];
  const post = (d: Dialect, body: string) => () =>
    new Request(`http://worker${d.path}`, { method: 'POST', headers: { ...d.headers, 'content-type': 'application/json' }, body });

  // Request + response, per dialect.
  const resText = JSON.stringify(geminiResponseBody());
  for (const d of DIALECTS) {
    const reqText = JSON.stringify(d.body);
    const handle = handlerAnswering(reads(resText), 'application/json');
    const ours = await cpuMicros(iterations, async (request: Request) => {
      const res = await handle(request);
      if (res.status !== 200) throw new Error(`${d.name} answered ${res.status}: ${await res.text()}`);
      await res.text();
    }, post(d, reqText));
    const base = await cpuMicros(iterations, async () => {
      JSON.stringify(JSON.parse(reqText));
      JSON.stringify(JSON.parse(resText));
    });
    rows.push({
      name: `${d.name} request+response (20 msgs of ~150 words, 5 tools, 48 KiB image)`,
      ours: ms(ours),
      baseline: `${ms(base)} (JSON.parse+stringify)`,
      ratio: `${(ours / base).toFixed(2)}x`,
      target: '<= 3x baseline, < 10 ms',
      pass: ours / base <= 3 && ours < 10_000,
    });
  }

  // Stream conversion, one network chunk per Gemini event, per dialect.
  const events = geminiStreamEvents(2000);
  const utf8 = new TextEncoder();
  const chunks = events.map((e) => utf8.encode(`data: ${e}\r\n\r\n`));
  const sseBytes = chunks.reduce((n, c) => n + c.byteLength, 0);
  const mbps = (us: number) => sseBytes / 1e6 / (us / 1e6);
  // Enough rounds for V8 to settle.
  const streamIterations = Math.max(40, Math.floor(iterations / 5));
  const baseStream = await cpuMicros(streamIterations, async () => {
    for (const e of events) JSON.stringify(JSON.parse(e));
  });
  for (const d of DIALECTS) {
    const handle = handlerAnswering(chunks, 'text/event-stream');
    const ours = await cpuMicros(streamIterations, async (request: Request) => {
      const res = await handle(request);
      if (res.status !== 200) throw new Error(`${d.name} stream answered ${res.status}`);
      await drain(res);
    }, post(d, JSON.stringify(d.streamBody)));
    rows.push({
      name: `${d.name} stream (2,000 events, ${(sseBytes / 1e6).toFixed(2)} MB, one chunk each)`,
      ours: `${mbps(ours).toFixed(1)} MB/s (${(ours / 1000).toFixed(2)} ms CPU)`,
      baseline: `${mbps(baseStream).toFixed(1)} MB/s (JSON.parse+stringify per event)`,
      ratio: `${(ours / baseStream).toFixed(2)}x`,
      target: '>= 50 MB/s',
      pass: mbps(ours) >= 50,
    });
  }

  // The stream reader's fast path alone: the scanner beside the regular expression it replaced.
  const scan = await cpuMicros(streamIterations, () => {
    for (const e of events) if (scanEvent(e) === null) throw new Error('the scanner declined a common event');
  });
  const regex = await cpuMicros(streamIterations, () => {
    for (const e of events) if (readCommonEvent(e) === null) throw new Error('the old reader declined a common event');
  });
  const parse = await cpuMicros(streamIterations, () => {
    for (const e of events) JSON.parse(e);
  });
  rows.push({
    name: 'reading 2,000 common events: scanner (old regex, JSON.parse)',
    ours: `${mbps(scan).toFixed(1)} MB/s`,
    baseline: `${mbps(regex).toFixed(1)} MB/s old regex, ${mbps(parse).toFixed(1)} MB/s JSON.parse`,
    ratio: `${(scan / regex).toFixed(2)}x old`,
    target: 'faster than JSON.parse',
    pass: scan < parse,
  });
  return rows;
}
