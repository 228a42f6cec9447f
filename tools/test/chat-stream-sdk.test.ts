// The official openai SDK, fed our converted stream, must assemble the same answer a real OpenAI
// stream would give: text, tool calls with ids and full arguments, finish reasons, usage, and
// throw on our error events.
import OpenAI, { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { decodeToolCallId } from '../../worker/src/gemini/signatures';
import { ChatStreamConverter } from '../../worker/src/dialects/openai-chat/stream';
import { convertSse } from '../../worker/src/sse-stream';

const utf8 = new TextEncoder();
const event = (body: object) => `data: ${JSON.stringify({ ...body, modelVersion: 'gemini-2.5-flash', responseId: 'r1' })}\r\n\r\n`;

/** A client whose every request is answered by our converter fed `geminiBody`, cut in small pieces. */
function clientFor(geminiBody: string, includeUsage = true): OpenAI {
  return new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://converter.test/v1',
    maxRetries: 0,
    fetch: async () => {
      const bytes = utf8.encode(geminiBody);
      const source = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.slice(i, i + 7));
          c.close();
        },
      });
      const body = convertSse(source, new ChatStreamConverter({ id: 'chatcmpl-sdk', created: 1_760_000_000, model: 'gemini-2.5-flash', includeUsage }), { keepAliveMs: 0 });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    },
  });
}

const params = { model: 'gemini-2.5-flash', messages: [{ role: 'user' as const, content: 'hi' }] };

const TOOL_STREAM =
  event({ candidates: [{ content: { role: 'model', parts: [{ text: 'Plan: call both.', thought: true }] } }], usageMetadata: { promptTokenCount: 30, thoughtsTokenCount: 20, totalTokenCount: 50 } }) +
  event({ candidates: [{ content: { role: 'model', parts: [{ text: 'Checking the weather in two cities. ' }] } }] }) +
  event({
    candidates: [{
      content: {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } }, thoughtSignature: 'CiQBVKhc7n5sig==' },
          { functionCall: { name: 'get_weather', args: { city: 'Zürich', unit: 'celsius' } } },
        ],
      },
    }],
  }) +
  event({ candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_time', args: { tz: 'Europe/Paris' }, id: 'fc-9' } }] } }] }) +
  event({
    candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP' }],
    usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 25, thoughtsTokenCount: 20, totalTokenCount: 75 },
  });

describe('the openai SDK reads our streams', () => {
  it('assembles text and three tool calls (two parallel, one later) with finalChatCompletion', async () => {
    const stream = clientFor(TOOL_STREAM).chat.completions.stream(params);
    const final = await stream.finalChatCompletion();
    const choice = final.choices[0]!;
    expect(final.id).toBe('chatcmpl-sdk');
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Checking the weather in two cities. ');
    expect(choice.message.tool_calls?.map((t) => (t.type === 'function' ? [t.function.name, JSON.parse(t.function.arguments)] : t.type))).toEqual([
      ['get_weather', { city: 'Paris', unit: 'celsius' }],
      ['get_weather', { city: 'Zürich', unit: 'celsius' }],
      ['get_time', { tz: 'Europe/Paris' }],
    ]);
    const ids = choice.message.tool_calls?.map((t) => t.id) ?? [];
    expect(new Set(ids).size).toBe(3);
    expect(decodeToolCallId(ids[0])).toEqual({ signature: 'CiQBVKhc7n5sig==' });
    expect(decodeToolCallId(ids[2])).toEqual({ geminiId: 'fc-9' });
    expect(final.usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 45, total_tokens: 75, completion_tokens_details: { reasoning_tokens: 20 } });
  });

  it('fires the SDK tool-call events with complete arguments', async () => {
    const done: Array<{ name: string; index: number; arguments: string }> = [];
    const stream = clientFor(TOOL_STREAM).chat.completions.stream(params);
    stream.on('tool_calls.function.arguments.done', (e) => done.push({ name: e.name, index: e.index, arguments: e.arguments }));
    await stream.done();
    expect(done).toEqual([
      { name: 'get_weather', index: 0, arguments: '{"city":"Paris","unit":"celsius"}' },
      { name: 'get_weather', index: 1, arguments: '{"city":"Zürich","unit":"celsius"}' },
      { name: 'get_time', index: 2, arguments: '{"tz":"Europe/Paris"}' },
    ]);
  });

  it('yields every chunk from create({stream:true}), reasoning apart from content, usage last', async () => {
    const chunks = await clientFor(TOOL_STREAM).chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    let content = '';
    let reasoning = '';
    let lastUsage: unknown;
    for await (const chunk of chunks) {
      const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined;
      content += delta?.content ?? '';
      reasoning += delta?.reasoning_content ?? '';
      lastUsage = chunk.usage;
    }
    expect(content).toBe('Checking the weather in two cities. ');
    expect(reasoning).toBe('Plan: call both.');
    expect(lastUsage).toMatchObject({ total_tokens: 75 });
  });

  it('assembles a plain text answer with multi-byte characters cut across reads', async () => {
    const body =
      event({ candidates: [{ content: { role: 'model', parts: [{ text: 'Grüße aus ' }] } }] }) +
      event({ candidates: [{ content: { role: 'model', parts: [{ text: '東京 🗼' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 6, totalTokenCount: 9 } });
    const final = await clientFor(body).chat.completions.stream(params).finalChatCompletion();
    expect(final.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant', content: 'Grüße aus 東京 🗼' } });
  });

  it('throws APIError carrying the contract code on a Gemini error event', async () => {
    const body =
      event({ candidates: [{ content: { role: 'model', parts: [{ text: 'Half' }] } }] }) +
      `data: ${JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } })}\r\n\r\n`;
    const chunks = await clientFor(body).chat.completions.create({ ...params, stream: true });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const chunk of chunks) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(seen.join('')).toBe('Half');
    expect(err).toBeInstanceOf(APIError);
    expect(err).toMatchObject({ code: 'gemini_unavailable', type: 'server_error', message: 'The model is overloaded. Please try again later.' });
  });

  it('throws on a stream cut before the finish reason instead of returning a partial answer', async () => {
    const body = event({ candidates: [{ content: { role: 'model', parts: [{ text: 'Once upon a' }] } }] });
    const err = await clientFor(body).chat.completions.stream(params).finalChatCompletion().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect(err).toMatchObject({ code: 'gemini_bad_answer' });
  });
});
