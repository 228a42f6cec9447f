// LobeChat through the pool: the OpenAI SDK pointed at the pool as LobeChat's runtime sets it up,
// its model list (filtered as LobeChat filters it), a streamed chat carrying the agent's sampling
// parameters and `user`, and a plugin call (tool names like `plugin____api____type`) answered and
// sent back.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { type CompatStack, GEMINI_KEYS, generateRequests, specErrors, openaiClient, useCompatStack } from './stack';

const fx = JSON.parse(readFileSync(new URL('fixtures/lobechat.json', import.meta.url), 'utf8')) as {
  requestHeaders: Record<string, string>;
  chat: OpenAI.ChatCompletionCreateParamsStreaming;
  plugin: OpenAI.ChatCompletionCreateParamsStreaming;
};
/** LobeChat's CHAT_MODELS_BLOCK_LIST: ids containing these are not offered as chat models. */
const BLOCK = ['embedding', 'davinci', 'curie', 'moderation', 'ada', 'babbage', 'tts', 'whisper', 'dall-e'];

let stack: CompatStack;
let client: OpenAI;
useCompatStack((s) => {
  stack = s;
  client = openaiClient(s);
});

async function consume(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let content = '';
  let usage: OpenAI.CompletionUsage | undefined;
  const calls: { id: string; name: string; args: string }[] = [];
  const errors: string[] = [];
  for await (const chunk of stream) {
    errors.push(...specErrors('CreateChatCompletionStreamResponse', chunk));
    const delta = chunk.choices[0]?.delta;
    content += delta?.content ?? '';
    for (const tc of delta?.tool_calls ?? []) {
      const slot = (calls[tc.index] ??= { id: '', name: '', args: '' });
      slot.id ||= tc.id ?? '';
      slot.name ||= tc.function?.name ?? '';
      slot.args += tc.function?.arguments ?? '';
    }
    if (chunk.usage) usage = chunk.usage;
  }
  return { content, usage, calls, errors };
}

describe('LobeChat', () => {
  it('fetches the model list and keeps the chat models', async () => {
    const list = await client.models.list();
    const chatModels = list.data.filter((m) => BLOCK.every((word) => !m.id.toLowerCase().includes(word)));
    expect(chatModels.map((m) => m.id)).toContain('gemini-2.5-flash');
    expect(list.data.some((m) => m.id.includes('embedding'))).toBe(true);
    for (const m of list.data) expect(specErrors('Model', m)).toEqual([]);
  });

  it('streams a chat with the agent parameters; the usage chunk arrives for its token counter', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'Cloudflare Workers 是运行在全球边缘网络上的无服务器平台。', chunks: 3 } });
    const r = await consume(await client.chat.completions.create(fx.chat, { headers: fx.requestHeaders }));
    expect(r.errors).toEqual([]);
    expect(r.content).toBe('Cloudflare Workers 是运行在全球边缘网络上的无服务器平台。');
    expect(r.usage!.prompt_tokens).toBeGreaterThan(0);
    const config = (generateRequests(stack.mock)[0]!.body as { generationConfig: Record<string, unknown> }).generationConfig;
    // Zero penalties are OpenAI's defaults: the Worker leaves them out rather than send no-ops.
    expect(config).toMatchObject({ temperature: 1, topP: 1 });
  });

  it('runs a plugin: the tool call streams back, the result goes in, the answer follows', async () => {
    const name = 'lobe-web-browsing____search____builtin';
    stack.mock.script({
      reply: (req) => {
        const contents = (req.body as { contents: { parts: Record<string, unknown>[] }[] }).contents;
        return contents.some((c) => c.parts.some((p) => p['functionResponse']))
          ? { kind: 'text', text: '上海今天多云，22°C。' }
          : { kind: 'toolCalls', calls: [{ name, args: { query: '上海 天气 今天' } }] };
      },
    });
    const first = await consume(await client.chat.completions.create(fx.plugin, { headers: fx.requestHeaders }));
    expect(first.errors).toEqual([]);
    expect(first.calls).toHaveLength(1);
    expect(first.calls[0]!.name).toBe(name);
    expect(JSON.parse(first.calls[0]!.args)).toEqual({ query: '上海 天气 今天' });

    // LobeChat's follow-up: the assistant turn with its tool_calls, then a tool message with name.
    const call = first.calls[0]!;
    const followUp: OpenAI.ChatCompletionCreateParamsStreaming = {
      ...fx.plugin,
      messages: [
        ...fx.plugin.messages,
        { role: 'assistant', content: '', tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.args } }] },
        { role: 'tool', tool_call_id: call.id, content: JSON.stringify([{ title: '上海天气', content: '多云 22°C' }]), name } as OpenAI.ChatCompletionToolMessageParam,
      ],
    };
    const second = await consume(await client.chat.completions.create(followUp, { headers: fx.requestHeaders }));
    expect(second.errors).toEqual([]);
    expect(second.content).toBe('上海今天多云，22°C。');
    const sent = generateRequests(stack.mock)[1]!;
    expect(sent.status).toBe(200);
    const fr = (sent.body as { contents: { parts: Record<string, unknown>[] }[] }).contents.flatMap((c) => c.parts).find((p) => p['functionResponse']);
    expect(fr).toMatchObject({ functionResponse: { name } });
  });

  it('never shows a Gemini key in anything the pool printed', () => {
    for (const key of GEMINI_KEYS) expect(stack.output()).not.toContain(key);
  });
});
