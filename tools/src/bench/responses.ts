// Benchmark: the Responses dialect against the chat dialect on the same conversation, measured
// side by side in one run (the chat path is the baseline): request + response, and the same
// Gemini streams fed one network chunk per event, as Gemini sends them. The Responses stream
// writes about twice the bytes of the chat stream for the same answer (OpenAI's event grammar
// repeats the whole text in output_text.done, content_part.done, output_item.done and
// response.completed; those frames copy bytes kept from the deltas, streamed-texts.ts), so the
// rows also give the output size and the CPU per output megabyte.
import type { createWorkerHandler } from '@opengemini/worker/handler';
import { chatRequestBody, geminiAgentTurnEvents, geminiResponseBody, geminiStreamEvents } from './fixtures';
import { cpuMicrosInterleaved, type Row } from './measure';
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

/** Sends the request and takes the whole answer's bytes, as the stream rows do (a failure is a
 * broken benchmark, not a figure). Not decoded: turning the bytes back into a string is the
 * client's work, not the Worker's, and would charge the Responses row for the three times as many
 * bytes OpenAI's schema makes it send (the echo of the request's tools and instructions). */
const readAll = (handler: ReturnType<typeof createWorkerHandler>) => async (req: Request) => {
  const res = await handler(req);
  if (res.status !== 200) throw new Error(`answered ${res.status}: ${await res.text()}`);
  await drain(res);
};

const ms = (us: number) => `${(us / 1000).toFixed(3)} ms CPU`;

/**
 * A row of Responses against chat measured chat / Responses / chat again in one interleaved run:
 * passes when Responses costs at most `bound` times chat, plus the noise chat-again / chat shows.
 */
function versusChat(name: string, [chat, resp, again]: readonly [number, number, number], bound: number, notes: { ours?: string; chat?: string } = {}): Row {
  const noise = Math.abs(again / chat - 1);
  return {
    name,
    ours: `${ms(resp)}${notes.ours ?? ''}`,
    baseline: `${ms(chat)} chat${notes.chat ?? ''}; chat again ${ms(again)}: A/A ${(again / chat).toFixed(3)}`,
    ratio: `${(resp / chat).toFixed(3)}x`,
    target: bound === 1 ? '<= chat (+ the A/A noise)' : `<= ${bound}x chat (+ the A/A noise): the echo only`,
    pass: resp / chat <= bound + noise,
  };
}

export async function benchResponses(iterations = 300): Promise<Row[]> {
  const rows: Row[] = [];
  const answer = handlerAnswering(reads(JSON.stringify(geminiResponseBody())), 'application/json');
  const chatText = JSON.stringify(chatRequestBody());
  const respText = JSON.stringify(responsesRequestBody());
  // Chat, Responses and chat again in turn every round (chat again / chat: the noise in this run).
  const sameConversation = [
    { run: readAll(answer), prepare: post('/chat/completions', chatText) },
    { run: readAll(answer), prepare: post('/responses', respText) },
    { run: readAll(answer), prepare: post('/chat/completions', chatText) },
  ];
  const same = (await cpuMicrosInterleaved(iterations, sameConversation)) as [number, number, number];
  rows.push(versusChat(`responses request+response vs chat (same 20 msgs, 5 tools, image, ${iterations} rounds)`, same, 1));
  // The same after 1,500 rounds more: the row above measures an isolate's first few hundred
  // requests, where V8 still runs most of the per-request code unoptimised (a Worker that serves
  // a few people); this one a busy isolate, where it has all been optimised. Both must hold.
  const warm = (await cpuMicrosInterleaved(iterations, sameConversation, 1500)) as [number, number, number];
  rows.push(versusChat(`responses request+response vs chat, a busy isolate (the same after 1,500 more rounds, ${iterations} rounds)`, warm, 1));

  // Tool lists the dialect never keeps (json-memo.ts keeps a list the second time it is seen, and
  // none weighing over 64K): a new list every round (a client whose tools change every turn), and
  // one list over the limit (40 tools of nested schemas, about 85 KiB). Their requests must cost
  // what they cost before any caching (the echo and the Gemini form made per request, no copy,
  // no freeze, nothing kept): the chat dialect, which keeps nothing, with the same tools in the
  // same run is the baseline, and the echo of the tools in the Response is the difference: the
  // worker before any caching (c15ffd1, measured in the same harness) was 1.11-1.20x chat on these rows
  // (load 1.2-1.5), so the target is that and no more.
  const schema = (d: number): Json => (d === 0 ? { type: 'string', description: 'A value of the thing, described at some length for the model.' } : { type: 'object', description: `Nested object level ${d}`, properties: { alpha: schema(d - 1), beta: { type: 'array', items: schema(d - 1) }, gamma: { type: 'integer' } }, required: ['alpha'] });
  const toolList = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ name: `tool_${i}`, description: `Does thing ${i} ${tag}${' '.repeat(200)}`, parameters: schema(3) }));
  let round = 0;
  for (const unkept of [
    { name: 'a new 12-tool list every round', tools: () => toolList(12, `round ${round++}`) },
    { name: 'one 40-tool list over the 64K weight kept', tools: () => toolList(40, 'always') },
  ]) {
    const bodies = () => {
      const tools = unkept.tools();
      const chatBody = { ...chatRequestBody(), tools: tools.map((t) => ({ type: 'function', function: t })) };
      const respBody = { ...responsesRequestBody(), tools: tools.map((t) => ({ type: 'function', strict: false, ...t })) };
      return { chat: JSON.stringify(chatBody), resp: JSON.stringify(respBody) };
    };
    const us = (await cpuMicrosInterleaved(iterations, [
      { run: readAll(answer), prepare: () => post('/chat/completions', bodies().chat)() },
      { run: readAll(answer), prepare: () => post('/responses', bodies().resp)() },
      { run: readAll(answer), prepare: () => post('/chat/completions', bodies().chat)() },
    ])) as [number, number, number];
    rows.push(versusChat(`responses request+response vs chat, tools never kept (${unkept.name}, ${iterations} rounds)`, us, 1.25));
  }

  // Streams: the same conversation asked with stream: true in each dialect, Gemini's answer fed
  // one network chunk per event, the whole handler's CPU (request, conversion, the client's bytes
  // drained). Chat, Responses and chat again run in turn every round: chat-again / chat (A/A) is
  // what the noise is in this run, and the target allows exactly that much.
  const chatStream = post('/chat/completions', JSON.stringify({ ...chatRequestBody(), stream: true, stream_options: { include_usage: true } }));
  const respStream = post('/responses', JSON.stringify({ ...responsesRequestBody(), stream: true }));
  const streams = [
    { name: '2,000-event answer', events: geminiStreamEvents(2000), rounds: Math.max(60, Math.floor(iterations / 2)) },
    { name: 'agent turn: 60 thought + 600 text events, a tool call', events: geminiAgentTurnEvents(), rounds: Math.max(120, iterations) },
  ];
  for (const stream of streams) {
    const chunks = stream.events.map((e) => new TextEncoder().encode(`data: ${e}\r\n\r\n`));
    const bytes = chunks.reduce((n, c) => n + c.byteLength, 0);
    const handler = handlerAnswering(chunks, 'text/event-stream');
    const out = { chat: 0, resp: 0 };
    const drained = (key: 'chat' | 'resp') => async (req: Request) => {
      const res = await handler(req);
      if (res.status !== 200) throw new Error(`answered ${res.status}: ${await res.text()}`);
      out[key] = await drain(res);
    };
    const us = (await cpuMicrosInterleaved(stream.rounds, [
      { run: drained('chat'), prepare: chatStream },
      { run: drained('resp'), prepare: respStream },
      { run: drained('chat'), prepare: chatStream },
    ])) as [number, number, number];
    const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB out`;
    rows.push(
      versusChat(`responses stream vs chat (${stream.name}, ${(bytes / 1e6).toFixed(2)} MB in, 1 chunk/event, ${stream.rounds} rounds)`, us, 1, {
        ours: ` (${mb(out.resp)}, ${(us[1] / 1000 / (out.resp / 1e6)).toFixed(1)} ms/MB)`,
        chat: ` (${mb(out.chat)})`,
      }),
    );
  }
  return rows;
}
