import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { expectValidOpenAI } from '../../tools/src/oracles/openai-validator';
import { oraclesPresent } from '../../tools/src/oracles/paths';
import { decodeToolCallId, encodeToolCallId } from '../src/gemini/signatures';
import type { StreamContext } from '../src/dialects/openai-chat/stream';
import { convertChat } from './support/chat-stream';

// Recorded-style Gemini events: every chunk carries cumulative usage, modelVersion and
// responseId; events are framed with \r\n\r\n as Gemini does.
const META = { modelVersion: 'gemini-2.5-flash', responseId: 'mSbQaM2xLYqHz7IP8cLx2Ac' };
const usage = (prompt: number, candidates: number, thoughts = 0): Gemini.UsageMetadata => ({
  promptTokenCount: prompt,
  ...(candidates ? { candidatesTokenCount: candidates } : {}),
  ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
  totalTokenCount: prompt + candidates + thoughts,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
});
const ev = (body: object): string => `data: ${JSON.stringify({ ...body, ...META })}\r\n\r\n`;
const cand = (parts: Gemini.Part[] | undefined, extra: Partial<Gemini.Candidate> = {}): Gemini.Candidate => ({
  content: parts ? { parts, role: 'model' } : { role: 'model' },
  ...extra,
  index: 0,
});

function context(extra: Partial<StreamContext> = {}): StreamContext {
  let n = 0;
  return {
    id: 'chatcmpl-s1',
    created: 1_760_000_000,
    model: 'gemini-2.5-flash',
    includeUsage: false,
    keepAliveMs: 0,
    toolCallId: (c) => encodeToolCallId(c, () => `n${++n}`),
    ...extra,
  };
}

/** Pipes the body through the converter and returns the raw SSE text. */
async function run(body: string | Uint8Array[], extra: Partial<StreamContext> = {}): Promise<string> {
  const chunks = typeof body === 'string' ? [new TextEncoder().encode(body)] : body;
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });
  return new Response(convertChat(source, context(extra))).text();
}

type Frame = Record<string, unknown> | '[DONE]';

/** Splits our output into frames and checks each against OpenAI's spec. SSE comments (the
 * `: usage` line for the pool, keep-alives) are not events: clients skip them, and so does this. */
function frames(text: string): Frame[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .filter((frame) => !frame.startsWith(':'))
    .map((frame) => {
      expect(frame.startsWith('data: ')).toBe(true);
      const data = frame.slice(6);
      if (data === '[DONE]') return '[DONE]';
      const json = JSON.parse(data) as Record<string, unknown>;
      if (oraclesPresent) expectValidOpenAI('error' in json ? 'ErrorResponse' : 'CreateChatCompletionStreamResponse', json);
      return json;
    });
}

const HEAD = { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1_760_000_000, model: 'gemini-2.5-flash' };
const chunk = (delta: object, finish: string | null = null, index = 0) => ({ ...HEAD, choices: [{ index, delta, finish_reason: finish }] });
const ROLE = chunk({ role: 'assistant', content: '' });

describe('the chat stream: answers', () => {
  it('streams text: role chunk, one chunk per event, finish chunk, [DONE] (exact bytes)', async () => {
    const out = await run(
      ev({ candidates: [cand([{ text: 'Hel' }])], usageMetadata: usage(8, 1) }) +
        ev({ candidates: [cand([{ text: 'lo' }])], usageMetadata: usage(8, 2) }) +
        ev({ candidates: [cand([{ text: ' world' }], { finishReason: 'STOP' })], usageMetadata: usage(8, 3) }),
    );
    const h = '{"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1760000000,"model":"gemini-2.5-flash","choices":';
    expect(out).toBe(
      `data: ${h}[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n` +
        `data: ${h}[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}\n\n` +
        `data: ${h}[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}\n\n` +
        `data: ${h}[{"index":0,"delta":{"content":" world"},"finish_reason":null}]}\n\n` +
        `data: ${h}[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n` +
        // No include_usage: no usage chunk for the client, an SSE comment the pool counts from.
        ': usage {"prompt_tokens":8,"completion_tokens":3,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}\n\n' +
        'data: [DONE]\n\n',
    );
    frames(out);
  });

  it('with include_usage: usage null on every chunk, then a usage chunk with choices [] from the last event', async () => {
    const out = frames(
      await run(
        ev({ candidates: [cand([{ text: 'Hi' }])], usageMetadata: usage(8, 1) }) +
          ev({ candidates: [cand([{ text: '!' }], { finishReason: 'STOP' })], usageMetadata: { ...usage(8, 2, 30), cachedContentTokenCount: 4 } }),
        { includeUsage: true },
      ),
    );
    const withNull = (c: object) => ({ ...c, usage: null });
    expect(out).toEqual([
      withNull(ROLE),
      withNull(chunk({ content: 'Hi' })),
      withNull(chunk({ content: '!' })),
      withNull(chunk({}, 'stop')),
      {
        ...HEAD,
        choices: [],
        usage: {
          prompt_tokens: 8,
          completion_tokens: 32,
          total_tokens: 40,
          prompt_tokens_details: { cached_tokens: 4 },
          completion_tokens_details: { reasoning_tokens: 30 },
        },
      },
      '[DONE]',
    ]);
  });

  it('sends thought summaries as reasoning_content, never mixed into content, in order', async () => {
    const out = frames(
      await run(
        ev({ candidates: [cand([{ text: '**Counting**\n', thought: true }])], usageMetadata: usage(8, 0, 40) }) +
          ev({ candidates: [cand([{ text: 'Three letters.', thought: true }])], usageMetadata: usage(8, 0, 80) }) +
          ev({ candidates: [cand([{ text: 'Done.', thought: true }, { text: 'There are ' }])], usageMetadata: usage(8, 3, 80) }) +
          ev({ candidates: [cand([{ text: '3.' }], { finishReason: 'STOP' })], usageMetadata: usage(8, 5, 80) }),
      ),
    );
    expect(out).toEqual([
      ROLE,
      chunk({ reasoning_content: '**Counting**\n' }),
      chunk({ reasoning_content: 'Three letters.' }),
      chunk({ reasoning_content: 'Done.' }),
      chunk({ content: 'There are ' }),
      chunk({ content: '3.' }),
      chunk({}, 'stop'),
      '[DONE]',
    ]);
  });

  it('sends two parallel calls of one event as tool_calls 0 and 1, then finish tool_calls', async () => {
    const out = frames(
      await run(
        ev({
          candidates: [cand([
            { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CiQB0e2Kb9=' },
            { functionCall: { name: 'get_weather', args: { city: 'London' } } },
          ], { finishReason: 'STOP' })],
          usageMetadata: usage(40, 12),
        }),
      ),
    );
    expect(out).toEqual([
      ROLE,
      chunk({
        tool_calls: [
          { index: 0, id: expect.stringMatching(/^call_n1_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { index: 1, id: 'call_n2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"London"}' } },
        ],
      }),
      chunk({}, 'tool_calls'),
      '[DONE]',
    ]);
    const first = (out[1] as { choices: Array<{ delta: { tool_calls: Array<{ id: string }> } }> }).choices[0]?.delta.tool_calls[0]?.id;
    expect(decodeToolCallId(first)).toEqual({ signature: 'CiQB0e2Kb9=' });
  });

  it('numbers calls arriving in separate events 0, 1, ... per choice, after text', async () => {
    const out = frames(
      await run(
        ev({ candidates: [cand([{ text: 'Looking both up.' }])], usageMetadata: usage(40, 4) }) +
          ev({ candidates: [cand([{ functionCall: { name: 'a', args: { q: 1 }, id: 'g1' } }])], usageMetadata: usage(40, 9) }) +
          ev({ candidates: [cand([{ functionCall: { name: 'b', args: {}, id: 'g2' } }])], usageMetadata: usage(40, 12) }) +
          ev({ candidates: [cand([{ text: '' }], { finishReason: 'STOP' })], usageMetadata: usage(40, 12) }),
      ),
    );
    expect(out.map((f) => (f === '[DONE]' ? f : (f.choices as Array<{ delta: unknown; finish_reason: unknown }>)[0]))).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null },
      { index: 0, delta: { content: 'Looking both up.' }, finish_reason: null },
      { index: 0, delta: { tool_calls: [{ index: 0, id: expect.any(String), type: 'function', function: { name: 'a', arguments: '{"q":1}' } }] }, finish_reason: null },
      { index: 0, delta: { tool_calls: [{ index: 1, id: expect.any(String), type: 'function', function: { name: 'b', arguments: '{}' } }] }, finish_reason: null },
      { index: 0, delta: {}, finish_reason: 'tool_calls' },
      '[DONE]',
    ]);
  });

  it('answers a blocked prompt (an event without candidates) with a refusal and content_filter', async () => {
    const out = frames(
      await run(
        ev({
          promptFeedback: { blockReason: 'PROHIBITED_CONTENT', safetyRatings: [{ category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'HIGH', blocked: true }] },
          usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
        }),
        { includeUsage: true },
      ),
    );
    expect(out).toEqual([
      { ...ROLE, usage: null },
      { ...chunk({ refusal: 'Gemini blocked the prompt (PROHIBITED_CONTENT; HARM_CATEGORY_SEXUALLY_EXPLICIT).' }), usage: null },
      { ...chunk({}, 'content_filter'), usage: null },
      { ...HEAD, choices: [], usage: expect.objectContaining({ prompt_tokens: 9, completion_tokens: 0, total_tokens: 9 }) },
      '[DONE]',
    ]);
  });

  it('finishes an empty candidate (no parts) with just the role and finish chunks', async () => {
    expect(frames(await run(ev({ candidates: [cand(undefined, { finishReason: 'STOP' })], usageMetadata: usage(5, 0) })))).toEqual([
      ROLE,
      chunk({}, 'stop'),
      '[DONE]',
    ]);
  });

  it('maps MAX_TOKENS hit while thinking to length after the reasoning', async () => {
    expect(
      frames(
        await run(
          ev({ candidates: [cand([{ text: 'Let me see', thought: true }])], usageMetadata: usage(5, 0, 60) }) +
            ev({ candidates: [cand(undefined, { finishReason: 'MAX_TOKENS' })], usageMetadata: usage(5, 0, 64) }),
        ),
      ),
    ).toEqual([ROLE, chunk({ reasoning_content: 'Let me see' }), chunk({}, 'length'), '[DONE]']);
  });

  it('maps a SAFETY stop mid-answer to content_filter, keeping the text sent before', async () => {
    expect(
      frames(
        await run(
          ev({ candidates: [cand([{ text: 'Sure, here' }])] }) + ev({ candidates: [cand(undefined, { finishReason: 'SAFETY', safetyRatings: [] })] }),
        ),
      ),
    ).toEqual([ROLE, chunk({ content: 'Sure, here' }), chunk({}, 'content_filter'), '[DONE]']);
  });

  it('ignores usage-only events and attaches logprobs to the content chunk', async () => {
    const logprobsResult = { chosenCandidates: [{ token: 'Hi', logProbability: -0.5 }], topCandidates: [{ candidates: [] }] };
    const out = frames(
      await run(
        ev({ usageMetadata: usage(3, 0) }) + ev({ candidates: [cand([{ text: 'Hi' }], { finishReason: 'STOP', logprobsResult })], usageMetadata: usage(3, 1) }),
      ),
    );
    expect(out).toEqual([
      ROLE,
      { ...HEAD, choices: [{ index: 0, delta: { content: 'Hi' }, logprobs: { content: [{ token: 'Hi', logprob: -0.5, bytes: [72, 105], top_logprobs: [] }], refusal: null }, finish_reason: null }] },
      chunk({}, 'stop'),
      '[DONE]',
    ]);
  });

  it('keeps several candidates apart by index, and ends only when all have finished', async () => {
    const two = (a: Gemini.Candidate, b: Gemini.Candidate) => ev({ candidates: [a, { ...b, index: 1 }] });
    const out = frames(
      await run(
        two(cand([{ text: 'A1' }]), cand([{ functionCall: { name: 'f', args: {} } }])) +
          two(cand([{ text: 'A2' }], { finishReason: 'STOP' }), cand([{ functionCall: { name: 'g', args: {} } }], { finishReason: 'STOP' })),
      ),
    );
    expect(out).toEqual([
      ROLE,
      chunk({ content: 'A1' }),
      chunk({ role: 'assistant', content: '' }, null, 1),
      chunk({ tool_calls: [{ index: 0, id: 'call_n1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, null, 1),
      chunk({ content: 'A2' }),
      chunk({}, 'stop'),
      chunk({ tool_calls: [{ index: 1, id: 'call_n2', type: 'function', function: { name: 'g', arguments: '{}' } }] }, null, 1),
      chunk({}, 'tool_calls', 1),
      '[DONE]',
    ]);
  });
});

describe('the chat stream: failures end with one OpenAI error event and no [DONE]', () => {
  const last = (out: Frame[]) => out[out.length - 1] as { error: { message: string; type: string; param: null; code: string } };

  it('relays a Gemini error event mid-stream with its contract code, and ignores what follows', async () => {
    const out = frames(
      await run(
        ev({ candidates: [cand([{ text: 'Partial' }])] }) +
          `data: ${JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } })}\r\n\r\n` +
          ev({ candidates: [cand([{ text: 'never sent' }], { finishReason: 'STOP' })] }),
      ),
    );
    expect(out).toEqual([
      ROLE,
      chunk({ content: 'Partial' }),
      { error: { message: 'The model is overloaded. Please try again later.', type: 'server_error', param: null, code: 'gemini_unavailable' } },
    ]);
  });

  it('classifies a quota error event like any Gemini quota error', async () => {
    const out = frames(await run(`data: ${JSON.stringify({ error: { code: 429, message: 'Resource exhausted', status: 'RESOURCE_EXHAUSTED' } })}\r\n\r\n`));
    expect(out).toEqual([{ error: expect.objectContaining({ type: 'rate_limit_error', code: 'quota_unknown' }) }]);
  });

  it('scrubs API keys from relayed error messages', async () => {
    const key = `AIza${'S'.repeat(35)}`;
    const text = await run(`data: ${JSON.stringify({ error: { code: 403, message: `Permission denied: api_key:${key}`, status: 'PERMISSION_DENIED' } })}\r\n\r\n`);
    expect(text).not.toContain(key);
    expect(last(frames(text)).error.code).toBe('key_permission_denied');
  });

  it('reports a complete event that is not JSON as gemini_bad_answer', async () => {
    const out = frames(await run(`${ev({ candidates: [cand([{ text: 'a' }])] })}data: {"candidates": [\r\n\r\n`));
    expect(out.slice(0, 2)).toEqual([ROLE, chunk({ content: 'a' })]);
    expect(last(out).error).toMatchObject({ code: 'gemini_bad_answer', type: 'server_error' });
    expect(out).toHaveLength(3);
  });

  it('reports a stream that ends without a finishReason as gemini_bad_answer (never blamed on the Worker), not a normal finish', async () => {
    const out = frames(await run(ev({ candidates: [cand([{ text: 'Once upon' }])] })));
    expect(out).toEqual([
      ROLE,
      chunk({ content: 'Once upon' }),
      { error: { message: expect.stringContaining('ended before'), type: 'server_error', param: null, code: 'gemini_bad_answer' } },
    ]);
  });

  it('reports a stream cut in the middle of an event as gemini_bad_answer', async () => {
    const full = ev({ candidates: [cand([{ text: 'x' }], { finishReason: 'STOP' })] });
    const out = frames(await run(full.slice(0, full.length - 20)));
    expect(out).toEqual([{ error: expect.objectContaining({ code: 'gemini_bad_answer', message: expect.stringContaining('middle of an event') }) }]);
  });

  it('reports an empty body as gemini_bad_answer', async () => {
    expect(frames(await run(''))).toEqual([{ error: expect.objectContaining({ code: 'gemini_bad_answer', message: expect.stringContaining('without an answer') }) }]);
  });

  it('reports events with candidates: [] and nothing else as gemini_bad_answer', async () => {
    expect(frames(await run(ev({ candidates: [], usageMetadata: { promptTokenCount: 3 } })))).toEqual([{ error: expect.objectContaining({ code: 'gemini_bad_answer' }) }]);
  });

  it('reports lines without the data: prefix as gemini_bad_answer', async () => {
    const bare = JSON.stringify({ candidates: [cand([{ text: 'x' }], { finishReason: 'STOP' })] });
    expect(frames(await run(`${bare}\r\n\r\n`))).toEqual([{ error: expect.objectContaining({ code: 'gemini_bad_answer' }) }]);
  });

  it('reports one unfinished candidate of two as gemini_bad_answer', async () => {
    const out = frames(await run(ev({ candidates: [cand([{ text: 'a' }], { finishReason: 'STOP' }), { ...cand([{ text: 'b' }]), index: 1 }] })));
    expect(last(out).error.code).toBe('gemini_bad_answer');
    expect(out).not.toContain('[DONE]');
  });
});
