// Gemini SSE -> Responses events: the grammar checked by the oracle (every event against
// ResponseStreamEvent, sequence numbers, item lifecycles, deltas adding up, the final output),
// at every split point of the bytes, and the final Response equal to the non-streamed one.
import type { Gemini } from '@opengemini/shared';
import { describe, expect, it, vi } from 'vitest';
import { checkResponsesStream } from '../../tools/src/oracles/responses-stream';
import { oraclesPresent } from '../../tools/src/oracles/paths';
import { toResponse } from '../src/dialects/responses/response';
import { ResponsesStreamConverter } from '../src/dialects/responses/stream';
import { convertSse } from '../src/sse-stream';
import { pinnedContext } from './support/responses';

type Event = Record<string, unknown> & { type: string };
const utf8 = new TextEncoder();

const sse = (events: unknown[]): string => events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('');
const usage = { promptTokenCount: 7, candidatesTokenCount: 4, totalTokenCount: 11 };
const chunk = (parts: Gemini.Part[], finishReason?: string, extra: Record<string, unknown> = {}) => ({
  candidates: [{ content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}), index: 0, ...extra }],
  usageMetadata: usage,
  modelVersion: 'gemini-3-flash-preview',
  responseId: 'r1',
});

/** Runs the converter over `chunks` (byte arrays) and parses what it wrote into events. */
function run(chunks: Uint8Array[], body: Record<string, unknown> = {}, include = false, finish: 'end' | 'fail' = 'end'): { events: Event[]; raw: string } {
  const conv = new ResponsesStreamConverter(pinnedContext(body, include));
  let raw = '';
  for (const c of chunks) raw += conv.push(c);
  raw += finish === 'end' ? conv.end() : conv.fail(new Error('Network connection lost.'));
  const events = raw
    .split('\n\n')
    .filter((f) => f.trim() && !f.startsWith(':'))
    .map((f) => {
      const lines = f.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
      const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)) as Event;
      expect(data.type).toBe(event); // `event:` names the data's type, as OpenAI frames it
      return data;
    });
  return { events, raw };
}
const perEvent = (events: unknown[]) => events.map((e) => utf8.encode(sse([e])));

function expectValid(events: Event[]): void {
  if (oraclesPresent) expect(checkResponsesStream(events)).toEqual([]);
}

const types = (events: Event[]) => events.map((e) => e.type);

describe('ResponsesStreamConverter', () => {
  it('streams text: created, in_progress, the message item, deltas, done events, completed with usage', () => {
    const { events, raw } = run(perEvent([chunk([{ text: 'Hel' }]), chunk([{ text: 'lo' }]), chunk([{ text: '!' }], 'STOP')]));
    expect(types(events)).toEqual([
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.content_part.added',
      'response.output_text.delta', 'response.output_text.delta', 'response.output_text.delta',
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const done = events.at(-1)!.response as { output: Array<{ content: Array<{ text: string }> }>; usage: { total_tokens: number } };
    expect(done.output[0]!.content[0]!.text).toBe('Hello!');
    expect(done.usage.total_tokens).toBe(11);
    // The pool's token count, as an SSE comment just before the last event.
    expect(raw).toContain(': usage {"prompt_tokens":7,"completion_tokens":4,"total_tokens":11}\n\nevent: response.completed');
    expectValid(events);
  });

  const scenarios: Array<[string, unknown[], Record<string, unknown>, boolean]> = [
    ['thoughts, then text', [chunk([{ text: 'Thinking ', thought: true }]), chunk([{ text: 'more', thought: true }]), chunk([{ text: 'Answer' }], 'STOP')], {}, false],
    ['text, then function calls with a signature (include: one reasoning item carries it)', [chunk([{ text: 'Let me look.' }]), chunk([{ functionCall: { name: 'shell', args: { command: ['ls'] } }, thoughtSignature: 'c2ln' }, { functionCall: { name: 'shell', args: {} } }], 'STOP')], { tools: [{ type: 'function', name: 'shell' }] }, true],
    ['thoughts then a call: the reasoning item takes the signature', [chunk([{ text: 'plan', thought: true }]), chunk([{ functionCall: { name: 'shell', args: {} }, thoughtSignature: 'c2ln' }], 'STOP')], { tools: [{ type: 'function', name: 'shell' }] }, true],
    ['a custom tool call', [chunk([{ functionCall: { name: 'apply_patch', args: { input: '*** Begin Patch\n' } } }], 'STOP')], { tools: [{ type: 'custom', name: 'apply_patch' }] }, false],
    ['MAX_TOKENS: response.incomplete', [chunk([{ text: 'cut' }]), chunk([], 'MAX_TOKENS')], {}, false],
    ['a blocked prompt: a refusal message, incomplete', [{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: usage }], {}, false],
    ['an empty STOP: completed, no items', [chunk([], 'STOP')], {}, false],
    ['a signature with the last text (include): its reasoning item last', [chunk([{ text: 'Hi' }]), chunk([{ text: '', thoughtSignature: 'dGV4dA==' }], 'STOP')], {}, true],
    ['text with escapes and non-ASCII across events', [chunk([{ text: 'é "q"\n\u0000og-x-0\u0000' }]), chunk([{ text: '\u2028✓ \\ 😀' }], 'STOP')], {}, false],
  ];

  it.each(scenarios)('%s: valid at every split point, and the final Response is the non-streamed one', (_name, geminiEvents, body, include) => {
    const bytes = utf8.encode(sse(geminiEvents));
    const whole = run(perEvent(geminiEvents), body, include);
    expectValid(whole.events);
    const terminal = whole.events.at(-1)!;
    expect(terminal.type).toMatch(/^response\.(completed|incomplete)$/);
    // Split anywhere: the same events.
    for (let cut = 1; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 40))) {
      const at = (raw: string) => raw.replace(/"completed_at":\d+/g, '"completed_at":0');
      expect(at(run([bytes.subarray(0, cut), bytes.subarray(cut)], body, include).raw)).toBe(at(whole.raw));
    }
    // The non-streamed answer of the same content: the same items (ids aside) and status.
    const merged = (geminiEvents as Gemini.GenerateContentResponse[]).reduce<Gemini.GenerateContentResponse>((acc, ev) => {
      const c = ev.candidates?.[0];
      if (!c) return ev;
      const prev = acc.candidates?.[0];
      return { ...ev, candidates: [{ ...c, content: { role: 'model', parts: [...(prev?.content?.parts ?? []), ...(c.content?.parts ?? [])] } }] };
    }, {});
    const plain = toResponse(merged, pinnedContext(body, include));
    const strip = (items: unknown) => JSON.parse(JSON.stringify(items).replace(/"id":"[a-z]+_\d+"/g, '"id":"x"')) as unknown[];
    const streamed = (terminal.response as { output: unknown[]; status: string }).output;
    expect(strip(streamed)).toEqual(strip(plain.output));
    expect((terminal.response as { status: string }).status).toBe(plain.status);
  });

  it.each<[string, string, RegExp, string]>([
    ['a Gemini error event mid-stream', sse([chunk([{ text: 'a' }]), { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }]), /overloaded/, 'gemini_unavailable'],
    ['an event that is not JSON', `${sse([chunk([{ text: 'a' }])])}data: {nope\r\n\r\ndata: {}\r\n\r\n`, /not a JSON object/, 'gemini_bad_answer'],
    ['a body that ends before finishReason', sse([chunk([{ text: 'a' }])]), /ended before the answer was complete/, 'gemini_bad_answer'],
  ])('%s: one error event, last, with the contract code (never a silent end)', (_name, text, message, code) => {
    const { events } = run([utf8.encode(text)]);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ type: 'error', code, param: null, error: { code } });
    expect(String(last.message)).toMatch(message);
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1);
    expectValid(events);
  });

  it('an error before anything else is the only event, so the pool can still retry it', () => {
    const { events } = run([utf8.encode(sse([{ error: { code: 429, message: 'Quota', status: 'RESOURCE_EXHAUSTED' } }]))]);
    expect(types(events)).toEqual(['error']);
    expect(events[0]).toMatchObject({ code: 'quota_unknown', sequence_number: 0 });
  });

  it('a Gemini connection lost mid-stream is an error event blaming Gemini, not the Worker', () => {
    const { events } = run(perEvent([chunk([{ text: 'a' }])]), {}, false, 'fail');
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'gemini_bad_answer' });
    expect(String(events.at(-1)!.message)).toContain('Network connection lost.');
  });

  it('scrubs keys from error messages', () => {
    const key = `AIza${'x'.repeat(35)}`;
    const { raw } = run([utf8.encode(sse([{ error: { code: 403, message: `Permission denied for api_key:${key}`, status: 'PERMISSION_DENIED' } }]))]);
    expect(raw).not.toContain(key);
  });
  // The client's bytes come from another path than the text above (streamed-texts.ts): each
  // text gathered as bytes from its delta frames when a chunk holds one delta, encoded apart
  // otherwise; repeated values (arguments, echoed instructions and tools) serialised once.
  const mixed = [
    chunk([{ text: 'Pensée « un »… ', thought: true }]),
    chunk([{ text: 'deux 😀', thought: true }]),
    chunk([{ text: 'Réponse: “été” ' }]),
    chunk([{ text: '\u4f60\u597d\n"quoted"\\' }]),
    chunk([{ text: ' \u0000og-x-0\u0000 end' }]),
    chunk([{ functionCall: { name: 'shell', args: { command: ['ls', 'é'] } }, thoughtSignature: 'c2ln' }, { functionCall: { name: 'apply_patch', args: { input: '*** Begin Patch\n+é "x"\n' } } }]),
    chunk([{ text: 'after the calls' }], 'STOP'),
  ];
  const echoed = { instructions: 'Be brief. « é »', tools: [{ type: 'function', name: 'shell', description: 'Runs “a” command', parameters: { type: 'object' } }, { type: 'custom', name: 'apply_patch' }] };
  const chunkings: Array<[string, Uint8Array[]]> = [
    ['one event per chunk', perEvent(mixed)],
    ['two events per chunk', Array.from({ length: Math.ceil(mixed.length / 2) }, (_, i) => utf8.encode(sse(mixed.slice(2 * i, 2 * i + 2))))],
    ['the whole stream in one chunk', [utf8.encode(sse(mixed))]],
    ['chunks of 7 bytes', (() => {
      const all = utf8.encode(sse(mixed));
      return Array.from({ length: Math.ceil(all.length / 7) }, (_, i) => all.subarray(7 * i, 7 * i + 7));
    })()],
  ];
  it.each(chunkings)("the client's bytes are the converter's text, byte for byte, %s (non-ASCII, escapes, several items, echoes)", async (_name, chunks) => {
    vi.useFakeTimers({ toFake: ['Date'] }); // completed_at the same in both runs
    try {
      const { raw, events } = run(chunks, echoed, true);
      const source = new ReadableStream<Uint8Array>({
        start(c) {
          for (const b of chunks) c.enqueue(b);
          c.close();
        },
      });
      const conv = new ResponsesStreamConverter(pinnedContext(echoed, true));
      const body = await new Response(convertSse(source, conv, { keepAliveMs: 0, silenceLimitMs: 0 })).arrayBuffer();
      expect(raw).toContain('Réponse: “été” 你好');
      expect(new TextDecoder().decode(body)).toBe(raw);
      // And the text is right: each done event holds what its deltas add up to.
      const done = events.filter((e) => e.type === 'response.output_text.done').map((e) => e.text);
      expect(done).toEqual(['Réponse: “été” 你好\n"quoted"\\ \u0000og-x-0\u0000 end', 'after the calls']);
      const completed = events.at(-1)!.response as { instructions: string; tools: Array<{ description?: string }>; output: Array<{ type: string; input?: string; arguments?: string }> };
      expect(completed.instructions).toBe(echoed.instructions);
      expect(completed.tools[0]!.description).toBe('Runs “a” command');
      expect(completed.output.find((o) => o.type === 'custom_tool_call')!.input).toBe('*** Begin Patch\n+é "x"\n');
      expect(JSON.parse(completed.output.find((o) => o.type === 'function_call')!.arguments!)).toEqual({ command: ['ls', 'é'] });
      expectValid(events);
    } finally {
      vi.useRealTimers();
    }
  });
});
