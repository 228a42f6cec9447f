// Open WebUI through the pool, replayed as the raw HTTP its Python backend sends
// (fixtures/open-webui.json): the model list it fetches when the connection is saved, a streamed
// chat with stream_options.include_usage and its cache_control mark on the last message, and the
// non-streamed title generation task.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOpenAIStream, replay } from './replay';
import { type CompatStack, GEMINI_KEYS, generateRequests, specErrors, useCompatStack } from './stack';

const fx = JSON.parse(readFileSync(new URL('fixtures/open-webui.json', import.meta.url), 'utf8')) as {
  modelsHeaders: Record<string, string>;
  chatHeaders: Record<string, string>;
  chat: unknown;
  title: unknown;
};

let stack: CompatStack;
useCompatStack((s) => (stack = s));

describe('Open WebUI', () => {
  it('lists the models when the connection is saved (every Gemini model, OpenAI list shape)', async () => {
    const res = await replay(stack.base, stack.apiKey, 'GET', '/v1/models', fx.modelsHeaders);
    expect(res.status).toBe(200);
    const list = JSON.parse(res.text) as { object: string; data: { id: string; owned_by: string }[] };
    expect(specErrors('ListModelsResponse', list)).toEqual([]);
    expect(list.object).toBe('list');
    // The mock serves more than one page: all of them are joined.
    expect(list.data.length).toBeGreaterThan(50);
    expect(new Set(list.data.map((m) => m.id)).size).toBe(list.data.length);
  });

  it('streams a chat with include_usage; the cache_control mark is accepted and the usage chunk closes the stream', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'Waves fold into foam\nsalt wind carries gull voices\nthe tide keeps its time', chunks: 3 } });
    const res = await replay(stack.base, stack.apiKey, 'POST', '/v1/chat/completions', fx.chatHeaders, fx.chat);
    expect(res.status).toBe(200);
    const s = readOpenAIStream(res.text);
    expect(s.specErrors).toEqual([]);
    expect(s.content).toBe('Waves fold into foam\nsalt wind carries gull voices\nthe tide keeps its time');
    expect(s.usage).toBeDefined();
    expect(s.usageChoices).toEqual([]);
    expect(s.endedWithDone).toBe(true);
    const sent = generateRequests(stack.mock)[0]!.body as { contents: { role: string; parts: { text: string }[] }[] };
    expect(sent.contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(sent.contents[2]!.parts).toEqual([{ text: 'Write a haiku about the sea.' }]);
  });

  it('generates a chat title with a non-streamed request and gets JSON text back', async () => {
    stack.mock.script({ reply: { kind: 'text', text: '{ "title": "🌊 Haiku About the Sea" }' } });
    const res = await replay(stack.base, stack.apiKey, 'POST', '/v1/chat/completions', fx.chatHeaders, fx.title);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(res.text) as { choices: { message: { content: string } }[] };
    expect(specErrors('CreateChatCompletionResponse', body)).toEqual([]);
    const content = body.choices[0]!.message.content;
    expect(JSON.parse(content.slice(content.indexOf('{'), content.lastIndexOf('}') + 1))).toEqual({ title: '🌊 Haiku About the Sea' });
  });

  it('never shows a Gemini key in anything the pool printed', () => {
    for (const key of GEMINI_KEYS) expect(stack.output()).not.toContain(key);
  });
});
