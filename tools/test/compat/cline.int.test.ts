// Cline through the pool: the request Cline's "OpenAI Compatible" provider builds (its system
// prompt style, user turns as text parts with <environment_details>, temperature 0, streaming with
// stream_options.include_usage, native tools with strict schemas), sent with the OpenAI SDK as
// Cline does, and the stream consumed as Cline does (text, reasoning, tool call deltas by index,
// usage). A two-step task on Gemini 3: read_file, then attempt_completion, so the thought
// signature must survive Cline's own rebuilding of the assistant turn.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { type CompatStack, GEMINI_KEYS, generateRequests, specErrors, openaiClient, useCompatStack } from './stack';

interface ClineFixture {
  model: string;
  systemPrompt: string;
  firstUserContent: OpenAI.ChatCompletionContentPartText[];
  toolResult: string;
  followUpUserContent: OpenAI.ChatCompletionContentPartText[];
  params: { temperature: number; stream: true; stream_options: { include_usage: boolean } };
  tools: OpenAI.ChatCompletionFunctionTool[];
}
const fixture = JSON.parse(readFileSync(new URL('fixtures/cline.json', import.meta.url), 'utf8')) as ClineFixture;

let stack: CompatStack;
let client: OpenAI;
// Cline's handler: new OpenAI({ baseURL, apiKey }) with the user's base URL and key.
useCompatStack((s) => {
  stack = s;
  client = openaiClient(s);
});

interface ClineTurn {
  text: string;
  reasoning: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  usage?: { inputTokens: number; outputTokens: number };
  specErrors: string[];
}

/** Cline's loop over the stream: text, reasoning, tool call deltas accumulated by index, usage. */
async function runTurn(messages: OpenAI.ChatCompletionMessageParam[], tools = fixture.tools): Promise<ClineTurn> {
  const stream = await client.chat.completions.create({ model: fixture.model, messages, ...fixture.params, ...(tools.length ? { tools } : {}) });
  const turn: ClineTurn = { text: '', reasoning: '', toolCalls: [], specErrors: [] };
  for await (const chunk of stream) {
    turn.specErrors.push(...specErrors('CreateChatCompletionStreamResponse', chunk));
    const delta = chunk.choices[0]?.delta;
    if (delta?.content) turn.text += delta.content;
    const reasoning = (delta as { reasoning_content?: string } | undefined)?.reasoning_content;
    if (reasoning) turn.reasoning += reasoning;
    for (const tc of delta?.tool_calls ?? []) {
      const slot = (turn.toolCalls[tc.index] ??= { id: '', name: '', arguments: '' });
      if (tc.id) slot.id = tc.id;
      if (tc.function?.name) slot.name = tc.function.name;
      if (tc.function?.arguments) slot.arguments += tc.function.arguments;
    }
    if (chunk.usage) turn.usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
  }
  return turn;
}

describe('Cline (OpenAI Compatible provider)', () => {
  it('runs a two-step tool task on Gemini 3: streamed tool calls, tool results, thought signatures kept', async () => {
    stack.mock.script({
      reply: (req) => {
        const contents = (req.body as { contents: { parts: Record<string, unknown>[] }[] }).contents;
        const answered = contents.some((c) => c.parts.some((p) => p['functionResponse']));
        return answered
          ? { kind: 'toolCalls', calls: [{ name: 'attempt_completion', args: { result: 'The package is demo-project, version 1.2.3.' } }] }
          : { kind: 'toolCalls', text: 'Let me read package.json.', calls: [{ name: 'read_file', args: { path: 'package.json' } }] };
      },
    });

    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: fixture.systemPrompt },
      { role: 'user', content: fixture.firstUserContent },
    ];
    const first = await runTurn(messages);
    expect(first.specErrors).toEqual([]);
    expect(first.text).toBe('Let me read package.json.');
    expect(first.toolCalls).toHaveLength(1);
    expect(first.toolCalls[0]).toMatchObject({ name: 'read_file' });
    expect(JSON.parse(first.toolCalls[0]!.arguments)).toEqual({ path: 'package.json' });
    expect(first.usage?.inputTokens).toBeGreaterThan(0);

    // What Gemini received: Cline's prompt as the system instruction, its tools, temperature 0.
    const sent1 = generateRequests(stack.mock)[0]!;
    expect(sent1.status).toBe(200);
    const body1 = sent1.body as {
      systemInstruction: { parts: { text: string }[] };
      tools: { functionDeclarations: { name: string }[] }[];
      generationConfig: { temperature: number };
      contents: { role: string; parts: { text?: string }[] }[];
    };
    expect(body1.systemInstruction.parts.map((p) => p.text).join('')).toBe(fixture.systemPrompt);
    expect(body1.tools.flatMap((t) => t.functionDeclarations.map((f) => f.name))).toEqual(fixture.tools.map((t) => t.function.name));
    expect(body1.generationConfig.temperature).toBe(0);
    expect(body1.contents).toHaveLength(1);
    expect(body1.contents[0]!.parts.map((p) => p.text)).toEqual(fixture.firstUserContent.map((p) => p.text));
    expect(GEMINI_KEYS).toContain(sent1.key);

    // Cline rebuilds the assistant turn from what it parsed, then sends the tool result first.
    const call = first.toolCalls[0]!;
    messages.push(
      { role: 'assistant', content: first.text, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(JSON.parse(call.arguments)) } }] },
      { role: 'tool', tool_call_id: call.id, content: fixture.toolResult },
      { role: 'user', content: fixture.followUpUserContent },
    );
    const second = await runTurn(messages);
    expect(second.specErrors).toEqual([]);
    expect(second.toolCalls.map((t) => t.name)).toEqual(['attempt_completion']);
    expect(JSON.parse(second.toolCalls[0]!.arguments)).toEqual({ result: 'The package is demo-project, version 1.2.3.' });

    // The strict mock rejects a Gemini 3 tool turn without its signature: it accepted this one.
    const sent2 = generateRequests(stack.mock)[1]!;
    expect(sent2.status).toBe(200);
    const contents2 = (sent2.body as { contents: { role: string; parts: Record<string, unknown>[] }[] }).contents;
    const modelTurn = contents2.find((c) => c.role === 'model')!;
    const fc = modelTurn.parts.find((p) => p['functionCall'])!;
    expect(fc['functionCall']).toMatchObject({ name: 'read_file', args: { path: 'package.json' } });
    expect(typeof fc['thoughtSignature']).toBe('string');
    const fr = contents2.flatMap((c) => c.parts).find((p) => p['functionResponse']) as { functionResponse: { name: string; response: unknown } };
    expect(fr.functionResponse.name).toBe('read_file');
    expect(JSON.stringify(fr.functionResponse.response)).toContain('1.2.3');
  });

  it('older Cline versions (tools described in the prompt, answered in XML text) stream plain content', async () => {
    const xml = '<attempt_completion>\n<result>\nThe package is version 1.2.3.\n</result>\n</attempt_completion>';
    stack.mock.script({ reply: { kind: 'text', text: xml, chunks: 5 } });
    const turn = await runTurn([{ role: 'system', content: fixture.systemPrompt }, { role: 'user', content: fixture.firstUserContent }], []);
    expect(turn.specErrors).toEqual([]);
    expect(turn.text).toBe(xml);
    expect(turn.toolCalls).toEqual([]);
    expect(turn.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('never shows a Gemini key in anything the pool printed', () => {
    for (const key of GEMINI_KEYS) expect(stack.output()).not.toContain(key);
  });
});
