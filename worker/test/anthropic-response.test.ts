// Gemini answers -> Anthropic messages and event streams: the mapping as tables, the stream's
// grammar checked event by event, and the same output whatever the network's cuts.
import { describe, expect, it, vi } from 'vitest';
import type { Anthropic, Gemini } from '@opengemini/shared';
import { carriedSignature } from '../src/gemini/signatures';
import { toMessage } from '../src/dialects/anthropic/response';
import { MessagesStreamConverter, PING } from '../src/dialects/anthropic/stream';
import { convertSse } from '../src/sse-stream';
import type { MessageContext } from '../src/dialects/anthropic/response';
import { decodeToolCallId, encodeToolCallId } from '../src/gemini/signatures';

function ctx(): MessageContext {
  let n = 0;
  return { id: 'msg_test', model: 'gemini-2.5-flash', toolUseId: (c) => encodeToolCallId(c, () => `n${++n}`, 'toolu_') };
}
const USAGE = { promptTokenCount: 100, cachedContentTokenCount: 40, candidatesTokenCount: 7, thoughtsTokenCount: 20, totalTokenCount: 127 };
const answer = (parts: Gemini.Part[], finishReason = 'STOP', extra: Record<string, unknown> = {}): Gemini.GenerateContentResponse =>
  ({ candidates: [{ content: { role: 'model', parts }, finishReason, index: 0 }], usageMetadata: USAGE, ...extra }) as Gemini.GenerateContentResponse;

describe('Gemini answer -> Anthropic message', () => {
  it.each<[string, Gemini.GenerateContentResponse, Partial<Anthropic.Message>]>([
    ['text', answer([{ text: 'Hello' }, { text: ' world' }]), { content: [{ type: 'text', text: 'Hello world' }], stop_reason: 'end_turn' }],
    [
      'thoughts, text and a call: thinking, text, tool_use; stop_reason tool_use',
      answer([{ text: 'Plan.', thought: true }, { text: 'Reading.' }, { functionCall: { name: 'Read', args: { p: '/x' }, id: 'g1' }, thoughtSignature: 'c2ln' }]),
      {
        content: [
          { type: 'thinking', thinking: 'Plan.', signature: 'gemini-thought-signature:' },
          { type: 'text', text: 'Reading.' },
          { type: 'tool_use', id: encodeToolCallId({ geminiId: 'g1', signature: 'c2ln' }, () => 'n1', 'toolu_'), name: 'Read', input: { p: '/x' } },
        ],
        stop_reason: 'tool_use',
      },
    ],
    ['MAX_TOKENS: max_tokens', answer([{ text: 'cut' }], 'MAX_TOKENS'), { stop_reason: 'max_tokens' }],
    ['SAFETY: refusal', answer([{ text: 'par' }], 'SAFETY'), { stop_reason: 'refusal' }],
    ['MALFORMED_FUNCTION_CALL: end_turn (the model’s failure, not a filter)', answer([], 'MALFORMED_FUNCTION_CALL'), { content: [], stop_reason: 'end_turn' }],
    ['an empty STOP: no blocks', answer([]), { content: [], stop_reason: 'end_turn' }],
    [
      'a blocked prompt: refusal with a text saying why',
      { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } } as Gemini.GenerateContentResponse,
      { content: [{ type: 'text', text: 'Gemini blocked the prompt (PROHIBITED_CONTENT).' }], stop_reason: 'refusal' },
    ],
  ])('%s', (_name, res, want) => {
    expect(toMessage(res, ctx())).toMatchObject({ id: 'msg_test', type: 'message', role: 'assistant', model: 'gemini-2.5-flash', stop_sequence: null, ...want });
  });

  it('usage: input without cached tokens, output with thoughts, cache reads apart', () => {
    expect(toMessage(answer([{ text: 'x' }]), ctx()).usage).toEqual({ input_tokens: 60, output_tokens: 27, cache_creation_input_tokens: 0, cache_read_input_tokens: 40 });
  });

  it('a Gemini 3 text signature rides on the thinking block; a call’s signature in its tool_use id', () => {
    const msg = toMessage(answer([{ text: 'Think.', thought: true }, { text: 'Done.', thoughtSignature: 'dGV4dA==' }]), { id: 'msg_x', model: 'm' });
    const thinking = msg.content[0] as { signature: string };
    expect(carriedSignature(thinking.signature)).toBe('dGV4dA==');
    const call = toMessage(answer([{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'Y2FsbA==' }]), { id: 'msg_x', model: 'm' }).content[0] as { id: string };
    expect(call.id).toMatch(/^toolu_/);
    expect(decodeToolCallId(call.id)).toEqual({ signature: 'Y2FsbA==' });
  });
});

// ---------------------------------------------------------------------------------------------

const utf8 = new TextEncoder();
const EVENTS = [
  { candidates: [{ content: { parts: [{ text: 'Réflexion… 思考', thought: true }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 } },
  { candidates: [{ content: { parts: [{ text: ' 🤔 more', thought: true }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 9, thoughtsTokenCount: 4, totalTokenCount: 13 } },
  { candidates: [{ content: { parts: [{ text: 'Grüße "x"\n' }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 3, thoughtsTokenCount: 4, totalTokenCount: 16 } },
  {
    candidates: [{ content: { parts: [{ functionCall: { name: 'Edit', args: { path: 'a.ts', text: 'naïve' } }, thoughtSignature: 'CiIBVKhc7t+/xA==' }, { functionCall: { name: 'Read', args: {} } }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 11, thoughtsTokenCount: 4, totalTokenCount: 24 },
  },
];
const sse = (events: unknown[]) => events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('');

function convert(pieces: Uint8Array[], scan = true): string {
  const c = new MessagesStreamConverter(ctx(), { scan });
  let out = '';
  for (const p of pieces) out += c.push(p);
  return out + c.end();
}

/** Parses the SSE text and checks Anthropic's grammar; returns the events' data. */
function grammar(text: string): Array<Record<string, any>> {
  // The usage comment for the pool comes right before message_stop (clients skip comments).
  const usageComment = /\n\n: usage \{"prompt_tokens":\d+,"completion_tokens":\d+,"total_tokens":\d+\}\n\nevent: message_stop\n/;
  if (text.includes('event: message_stop')) expect(text).toMatch(usageComment);
  const frames = text.split('\n\n').filter((f) => f !== '' && !f.startsWith(':'));
  const events = frames.map((f) => {
    const [eventLine, dataLine, ...rest] = f.split('\n');
    expect(rest).toEqual([]);
    expect(eventLine).toMatch(/^event: \w+$/);
    const data = JSON.parse(dataLine!.replace(/^data: /, '')) as Record<string, any>;
    expect(data.type).toBe(eventLine!.slice(7));
    return data;
  });
  const meaningful = events.filter((e) => e.type !== 'ping');
  expect(meaningful[0]!.type).toBe('message_start');
  const last = meaningful.at(-1)!;
  if (last.type === 'error') return events;
  expect(meaningful.at(-1)!.type).toBe('message_stop');
  expect(meaningful.at(-2)!.type).toBe('message_delta');
  let open: number | undefined;
  let next = 0;
  for (const e of meaningful.slice(1, -2)) {
    if (e.type === 'content_block_start') {
      expect(open).toBeUndefined();
      expect(e.index).toBe(next++);
      open = e.index;
    } else if (e.type === 'content_block_delta') {
      expect(e.index).toBe(open);
    } else {
      expect(e).toEqual({ type: 'content_block_stop', index: open });
      open = undefined;
    }
  }
  expect(open).toBeUndefined();
  return events;
}

describe('Gemini stream -> Anthropic events', () => {
  const whole = convert([utf8.encode(sse(EVENTS))]);

  it('follows the grammar: thinking (+ signature), text, two tool_use blocks, message_delta with tool_use and usage', () => {
    const events = grammar(whole);
    const shape = events.map((e) => (e.type === 'content_block_delta' ? e.delta.type : e.type === 'content_block_start' ? `start:${e.content_block.type}` : e.type));
    expect(shape).toEqual([
      'message_start', 'ping',
      'start:thinking', 'thinking_delta', 'thinking_delta', 'signature_delta', 'content_block_stop',
      'start:text', 'text_delta', 'content_block_stop',
      'start:tool_use', 'input_json_delta', 'content_block_stop',
      'start:tool_use', 'input_json_delta', 'content_block_stop',
      'message_delta', 'message_stop',
    ]);
    expect(events[0]!.message).toMatchObject({ id: 'msg_test', content: [], stop_reason: null, usage: { input_tokens: 9, output_tokens: 0 } });
    expect(events[3]!.delta.thinking + events[4]!.delta.thinking).toBe('Réflexion… 思考 🤔 more');
    expect(events[8]!.delta.text).toBe('Grüße "x"\n');
    expect(events[10]!.content_block).toEqual({ type: 'tool_use', id: encodeToolCallId({ signature: 'CiIBVKhc7t+/xA==' }, () => 'n1', 'toolu_'), name: 'Edit', input: {} });
    expect(JSON.parse(events[11]!.delta.partial_json)).toEqual({ path: 'a.ts', text: 'naïve' });
    expect(events.at(-2)).toEqual({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 9, output_tokens: 15, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } });
  });

  it('gives the same bytes whatever the cut (every split point, and byte by byte)', () => {
    const bytes = utf8.encode(sse(EVENTS));
    for (let at = 1; at < bytes.length; at++) {
      const got = convert([bytes.subarray(0, at), bytes.subarray(at)]);
      if (got !== whole) expect({ at, got }).toEqual({ at, got: whole });
    }
    expect(convert(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)))).toBe(whole);
  });

  it('gives the same bytes with the scanner off (JSON.parse for every event)', () => {
    expect(convert([utf8.encode(sse(EVENTS))], false)).toBe(whole);
  });

  it('a blocked prompt: one text block saying why, stop_reason refusal', () => {
    const events = grammar(convert([utf8.encode(sse([{ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 } }]))]));
    expect(events.find((e) => e.type === 'content_block_delta')!.delta).toEqual({ type: 'text_delta', text: 'Gemini blocked the prompt (SAFETY).' });
    expect(events.at(-2)!.delta.stop_reason).toBe('refusal');
  });

  it('MAX_TOKENS while thinking: the thinking block closes, stop_reason max_tokens', () => {
    const events = grammar(convert([utf8.encode(sse([EVENTS[0], { candidates: [{ content: { role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 }] }]))]));
    expect(events.at(-2)!.delta.stop_reason).toBe('max_tokens');
  });

  it('a cut stream ends with event: error (no message_stop), labelled for the pool', () => {
    const text = convert([utf8.encode(sse(EVENTS.slice(0, 2)))]);
    const events = grammar(text);
    expect(events.at(-1)).toEqual({ type: 'error', error: { type: 'api_error', message: expect.stringContaining('ended before'), code: 'gemini_bad_answer' } });
    expect(events.map((e) => e.type)).not.toContain('message_stop');
  });

  it('a Gemini error event mid-stream: event: error with Gemini’s fault', () => {
    const text = convert([utf8.encode(sse([EVENTS[0], { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } }]))]);
    expect(grammar(text).at(-1)).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', code: 'quota_unknown' } });
  });
});

describe('Anthropic stream timing', () => {
  it('sends `event: ping` during Gemini’s silence, the dialect’s keep-alive', async () => {
    vi.useFakeTimers();
    try {
      let source!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({ start: (c) => void (source = c) });
      const reader = convertSse(body, new MessagesStreamConverter(ctx()), { keepAliveMs: 1000, silenceLimitMs: 0 }).getReader();
      source.enqueue(utf8.encode(sse([EVENTS[0]])));
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toContain('event: message_start');
      const next = reader.read();
      await vi.advanceTimersByTimeAsync(1_100);
      expect(new TextDecoder().decode((await next).value)).toBe(PING);
      await reader.cancel();
    } finally {
      vi.useRealTimers();
    }
  });
});
