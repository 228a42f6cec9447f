// Benchmark: the Worker's own CPU per request, in Node, with Gemini answering from memory
// (a fetch stub), beside baselines measured in the same run: JSON.parse + JSON.stringify of the
// same bodies, and for the stream reader its old regular-expression fast path. Cloudflare's free
// plan allows 10 ms of CPU per request, streaming included. Streams are fed as Gemini sends
// them: one network chunk per SSE event.
import { createWorkerHandler } from '@opengemini/worker/handler';
import { toGeminiRequest as messagesToGemini } from '../../../worker/src/dialects/anthropic/request';
import { parseMessagesRequest } from '../../../worker/src/dialects/anthropic/validate';
import { toGeminiRequest as chatToGemini } from '../../../worker/src/dialects/openai-chat/request';
import { parseChatRequest } from '../../../worker/src/dialects/openai-chat/validate';
import { MessagesStreamConverter } from '../../../worker/src/dialects/anthropic/stream';
import { ChatStreamConverter } from '../../../worker/src/dialects/openai-chat/stream';
import { scanEvent } from '../../../worker/src/gemini/stream-scan';
import { Utf8Encoder } from '../../../worker/src/sse';
import type { StreamConverter } from '../../../worker/src/sse-stream';
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
  /** The client's JSON text -> the Gemini body's JSON text: the conversion alone. */
  convert: (text: string) => string;
  /** A stream converter as the route makes it. */
  converter: () => StreamConverter;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  streamBody: Record<string, unknown>;
}

const DIALECTS: Dialect[] = [
  {
    name: 'chat',
    convert: (text) => JSON.stringify(chatToGemini(parseChatRequest(JSON.parse(text))).body),
    converter: () => new ChatStreamConverter({ id: 'chatcmpl-bench', created: 1_760_000_000, model: 'gemini-2.5-flash', includeUsage: true }),
    path: '/v1/chat/completions',
    headers: { authorization: `Bearer ${KEY}` },
    body: chatRequestBody(),
    streamBody: { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } },
  },
  {
    name: 'Messages',
    convert: (text) => JSON.stringify(messagesToGemini(parseMessagesRequest(JSON.parse(text))).body),
    converter: () => new MessagesStreamConverter({ id: 'msg_bench', model: 'gemini-2.5-flash' }),
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

  // Request conversion alone (parse, check, map, write Gemini's body), per dialect.
  for (const d of DIALECTS) {
    const reqText = JSON.stringify(d.body);
    const ours = await cpuMicros(iterations, () => void d.convert(reqText));
    const base = await cpuMicros(iterations, () => void JSON.stringify(JSON.parse(reqText)));
    rows.push({
      name: `${d.name} request conversion (20 msgs of ~150 words, 5 tools, 48 KiB image)`,
      ours: ms(ours),
      baseline: `${ms(base)} (JSON.parse+stringify)`,
      ratio: `${(ours / base).toFixed(2)}x`,
      target: '<= 3x baseline',
      pass: ours / base <= 3,
    });
  }

  // The whole request through the handler (Request, body, conversion, Gemini's answer from
  // memory, the client's answer): what a request costs the Worker, here in Node's Web APIs.
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
      name: `${d.name} whole request through the handler (same conversation)`,
      ours: ms(ours),
      baseline: `${ms(base)} (JSON.parse+stringify of request and answer)`,
      ratio: `${(ours / base).toFixed(2)}x`,
      target: '< 10 ms',
      pass: ours < 10_000,
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
  // The conversion itself: Gemini's bytes, one network chunk per event, into the dialect's
  // SSE bytes, as the stream pair drives it (sse-stream.ts).
  for (const d of DIALECTS) {
    const ours = await cpuMicros(streamIterations, () => {
      const converter = d.converter();
      const encoder = new Utf8Encoder();
      for (const chunk of chunks) encoder.encode(converter.push(chunk));
      encoder.encode(converter.end());
    });
    rows.push({
      name: `${d.name} stream conversion (2,000 events, ${(sseBytes / 1e6).toFixed(2)} MB, one chunk each)`,
      ours: `${mbps(ours).toFixed(1)} MB/s (${(ours / 1000).toFixed(2)} ms CPU)`,
      baseline: `${mbps(baseStream).toFixed(1)} MB/s (JSON.parse+stringify per event)`,
      ratio: `${(ours / baseStream).toFixed(2)}x`,
      target: '>= 50 MB/s',
      pass: mbps(ours) >= 50,
    });
  }
  // The same through the handler and Node's Web Streams (workerd's are native, and cheaper).
  for (const d of DIALECTS) {
    const handle = handlerAnswering(chunks, 'text/event-stream');
    const ours = await cpuMicros(streamIterations, async (request: Request) => {
      const res = await handle(request);
      if (res.status !== 200) throw new Error(`${d.name} stream answered ${res.status}`);
      await drain(res);
    }, post(d, JSON.stringify(d.streamBody)));
    rows.push({
      name: `${d.name} stream through the handler (same stream)`,
      ours: `${mbps(ours).toFixed(1)} MB/s (${(ours / 1000).toFixed(2)} ms CPU)`,
      baseline: `${mbps(baseStream).toFixed(1)} MB/s (JSON.parse+stringify per event)`,
      ratio: `${(ours / baseStream).toFixed(2)}x`,
      target: '(for reference)',
      pass: true,
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
