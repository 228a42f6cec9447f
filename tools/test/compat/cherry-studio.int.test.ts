// Cherry Studio through the pool, replayed as raw HTTP with the headers and bodies it sends
// (fixtures/cherry-studio.json): a streamed chat with include_usage, the thinking switch for
// Gemini (extra_body.google.thinking_config), an image, the model manager's list, knowledge-base
// embeddings.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOpenAIStream, replay } from './replay';
import { type CompatStack, GEMINI_KEYS, generateRequests, specErrors, useCompatStack } from './stack';

const fx = JSON.parse(readFileSync(new URL('fixtures/cherry-studio.json', import.meta.url), 'utf8')) as {
  headers: Record<string, string>;
  chat: unknown;
  thinking: unknown;
  vision: unknown;
  embeddings: { input: string[] };
};

let stack: CompatStack;
useCompatStack((s) => (stack = s));

const post = (path: string, body: unknown) => replay(stack.base, stack.apiKey, 'POST', path, fx.headers, body);

describe('Cherry Studio', () => {
  it('streams the recorded chat: SSE content type, text, one finish, a usage chunk with empty choices, [DONE]', async () => {
    stack.mock.script({ reply: { kind: 'text', text: '你好！有什么可以帮你的吗？', chunks: 4 } });
    const res = await post('/v1/chat/completions', fx.chat);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const s = readOpenAIStream(res.text);
    expect(s.specErrors).toEqual([]);
    expect(s.content).toBe('你好！有什么可以帮你的吗？');
    expect(s.finishReasons).toEqual(['stop']);
    expect(s.usageChoices).toEqual([]);
    expect(s.usage!.total_tokens).toBe(s.usage!.prompt_tokens + s.usage!.completion_tokens);
    expect(s.endedWithDone).toBe(true);
    const sent = generateRequests(stack.mock)[0]!;
    expect(sent.body).toMatchObject({ systemInstruction: { parts: [{ text: 'test' }] }, contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    // Cherry's own headers (user agent, referer, title, browser hints) never reach Google.
    expect(Object.keys(sent.headers).filter((h) => /^(x-title|http-referer|sec-|accept-language|priority)/.test(h))).toEqual([]);
  });

  it('the thinking switch: thinking_config reaches Gemini and thoughts come back as reasoning_content, apart from the answer', async () => {
    stack.mock.script({ reply: { kind: 'text', text: '9.9 更大。', thoughts: '比较小数部分：0.9 > 0.11。' } });
    const res = await post('/v1/chat/completions', fx.thinking);
    expect(res.status).toBe(200);
    const s = readOpenAIStream(res.text);
    expect(s.specErrors).toEqual([]);
    expect(s.reasoning).toBe('比较小数部分：0.9 > 0.11。');
    expect(s.content).toBe('9.9 更大。');
    const sent = generateRequests(stack.mock)[0]!.body as { generationConfig: { thinkingConfig: unknown; temperature: number } };
    expect(sent.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 1024, includeThoughts: true });
    expect(sent.generationConfig.temperature).toBe(1);
  });

  it('sends a pasted image inline to Gemini', async () => {
    stack.mock.script({ reply: { kind: 'text', text: '一个像素。' } });
    const res = await post('/v1/chat/completions', fx.vision);
    expect(res.status).toBe(200);
    expect(readOpenAIStream(res.text).content).toBe('一个像素。');
    const parts = (generateRequests(stack.mock)[0]!.body as { contents: { parts: Record<string, unknown>[] }[] }).contents[0]!.parts;
    expect(parts[0]).toEqual({ text: '这张图片里有什么？' });
    expect(parts[1]).toMatchObject({ inlineData: { mimeType: 'image/png' } });
  });

  it('lists models for the model manager, in OpenAI list format', async () => {
    const { 'content-type': _json, ...getHeaders } = fx.headers;
    const res = await replay(stack.base, stack.apiKey, 'GET', '/v1/models', getHeaders);
    expect(res.status).toBe(200);
    const list = JSON.parse(res.text) as { object: string; data: { id: string; object: string }[] };
    expect(specErrors('ListModelsResponse', list)).toEqual([]);
    expect(list.data.map((m) => m.id)).toContain('gemini-2.5-flash');
  });

  it('embeds knowledge-base chunks, one vector per input, in order', async () => {
    const res = await post('/v1/embeddings', fx.embeddings);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as { data: { index: number; embedding: number[] }[] };
    expect(specErrors('CreateEmbeddingResponse', body)).toEqual([]);
    expect(body.data.map((d) => d.index)).toEqual([0, 1]);
    expect(body.data[0]!.embedding.length).toBeGreaterThan(0);
  });

  it('never shows a Gemini key in anything the pool printed', () => {
    for (const key of GEMINI_KEYS) expect(stack.output()).not.toContain(key);
  });
});
