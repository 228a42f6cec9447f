// Benchmark: the Responses dialect against the chat dialect on the same conversation, measured
// side by side in one run (the chat path is the baseline): request + response, and the same
// 2,000-event Gemini stream fed one network chunk per event, as Gemini sends it. The Responses
// stream writes about twice the bytes of the chat stream for the same answer (OpenAI's event
// grammar repeats the whole text in output_text.done, content_part.done, output_item.done and
// response.completed), so the row also gives the CPU per output megabyte.
import type { createWorkerHandler } from '@opengemini/worker/handler';
import { chatRequestBody, geminiResponseBody, geminiStreamEvents, sseBody } from './fixtures';
import { cpuMicros, type Row } from './measure';
import { KEY, drain, handlerAnswering, reads } from './worker';

type Json = Record<string, unknown>;

/** The chat fixture's conversation as Responses input items: the same text, image, tools and calls. */
export function responsesRequestBody(): Json {
  const chat = chatRequestBody() as { messages: Json[]; tools: Array<{ function: Json }>; temperature: number; max_tokens: number };
  const input: Json[] = [];
  let instructions = '';
  for (const m of chat.messages) {
    if (m.role === 'system') instructions = m.content as string;
    else if (m.role === 'user') {
      const content = typeof m.content === 'string' ? m.content : (m.content as Json[]).map((p) => (p.type === 'text' ? { type: 'input_text', text: p.text } : { type: 'input_image', image_url: (p.image_url as Json).url, detail: 'auto' }));
      input.push({ type: 'message', role: 'user', content });
    } else if (m.role === 'assistant') {
      input.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: m.content, annotations: [] }] });
      for (const c of m.tool_calls as Array<{ id: string; function: { name: string; arguments: string } }>) input.push({ type: 'function_call', call_id: c.id, name: c.function.name, arguments: c.function.arguments });
    } else if (m.role === 'tool') input.push({ type: 'function_call_output', call_id: m.tool_call_id, output: m.content });
  }
  const tools = chat.tools.map((t) => ({ type: 'function', strict: false, ...t.function }));
  return { model: 'gemini-2.5-flash', instructions, input, tools, tool_choice: 'auto', temperature: chat.temperature, max_output_tokens: chat.max_tokens, store: false };
}

const post = (path: string, body: string) => () =>
  new Request(`http://worker/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body });

async function measure(handler: ReturnType<typeof createWorkerHandler>, request: () => Request, iterations: number, read: (res: Response) => Promise<unknown>): Promise<number> {
  return cpuMicros(iterations, async (req: Request) => {
    const res = await handler(req);
    if (res.status !== 200) throw new Error(`answered ${res.status}: ${await res.text()}`);
    await read(res);
  }, request);
}

const ms = (us: number) => `${(us / 1000).toFixed(3)} ms CPU`;

export async function benchResponses(iterations = 300): Promise<Row[]> {
  const rows: Row[] = [];
  const answer = handlerAnswering(reads(JSON.stringify(geminiResponseBody())), 'application/json');
  const chatText = JSON.stringify(chatRequestBody());
  const respText = JSON.stringify(responsesRequestBody());
  // Alternate the two so drift (other processes, GC) falls on both alike.
  let chat = 0;
  let resp = 0;
  for (let round = 0; round < 3; round++) {
    chat += await measure(answer, post('/chat/completions', chatText), iterations / 3, (r) => r.text());
    resp += await measure(answer, post('/responses', respText), iterations / 3, (r) => r.text());
  }
  rows.push({
    name: 'responses request+response vs chat (same 20 msgs, 5 tools, image)',
    ours: ms(resp / 3),
    baseline: `${ms(chat / 3)} (chat)`,
    ratio: `${(resp / chat).toFixed(2)}x`,
    target: '<= chat (10% noise allowed)',
    pass: resp / chat <= 1.1,
  });

  const events = geminiStreamEvents(2000);
  const sse = sseBody(events);
  const bytes = new TextEncoder().encode(sse).byteLength;
  // One network chunk per Gemini event, as Gemini sends them.
  const perEvent = handlerAnswering(events.map((e) => new TextEncoder().encode(`data: ${e}\r\n\r\n`)), 'text/event-stream');
  const streamIterations = Math.max(40, Math.floor(iterations / 5));
  const chatStream = post('/chat/completions', JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }));
  const respStream = post('/responses', JSON.stringify({ model: 'gemini-2.5-flash', input: 'hi', stream: true, store: false }));
  let chatS = 0;
  let respS = 0;
  let chatOut = 0;
  let respOut = 0;
  const drained = (set: (n: number) => void) => async (res: Response) => set(await drain(res));
  const rounds = 4;
  for (let round = 0; round < rounds; round++) {
    chatS += await measure(perEvent, chatStream, streamIterations / rounds, drained((n) => (chatOut = n)));
    respS += await measure(perEvent, respStream, streamIterations / rounds, drained((n) => (respOut = n)));
  }
  const mbps = (us: number) => bytes / 1e6 / (us / rounds / 1e6);
  const perOutMB = (us: number, out: number) => (us / rounds / 1000 / (out / 1e6)).toFixed(1);
  rows.push({
    name: `responses stream vs chat (2,000 events, ${(bytes / 1e6).toFixed(2)} MB, 1 chunk/event)`,
    ours: `${mbps(respS).toFixed(1)} MB/s (${ms(respS / rounds)}, ${perOutMB(respS, respOut)} ms/MB out)`,
    baseline: `${mbps(chatS).toFixed(1)} MB/s (chat, ${perOutMB(chatS, chatOut)} ms/MB out)`,
    ratio: `${(respS / chatS).toFixed(2)}x`,
    target: '<= chat (10% noise allowed)',
    pass: respS / chatS <= 1.1,
  });
  return rows;
}
