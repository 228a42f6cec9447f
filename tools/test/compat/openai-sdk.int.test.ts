// The official OpenAI Node SDK through the pool, helpers included: structured output with
// `chat.completions.parse` and a zod schema (`zodResponseFormat` from openai/helpers/zod, zod 4),
// the tool runner `chat.completions.runTools` (plain and streamed, with `zodFunction` tools), the
// `stream()` helper, embeddings, models, and its typed errors.
import OpenAI from 'openai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RecordedRequest } from '../../src/mock-gemini/index';
import { type CompatStack, GEMINI_KEYS, generateRequests, specErrors, openaiClient, useCompatStack } from './stack';

let stack: CompatStack;
let client: OpenAI;
useCompatStack((s) => {
  stack = s;
  client = openaiClient(s);
});

type Body = { contents: { role: string; parts: Record<string, unknown>[] }[]; generationConfig?: Record<string, unknown>; tools?: { functionDeclarations?: { name: string }[] }[] };
const bodyOf = (r: RecordedRequest) => r.body as Body;
const hasFunctionResponse = (r: RecordedRequest) => bodyOf(r).contents.some((c) => c.parts.some((p) => p['functionResponse']));

const Weather = z.object({
  city: z.string(),
  temperature_c: z.number(),
  conditions: z.enum(['sunny', 'cloudy', 'rain']),
  advisories: z.array(z.string()),
  wind: z.object({ speed_kmh: z.number(), direction: z.string() }).nullable(),
});

describe('OpenAI Node SDK', () => {
  it('chat.completions.parse with zodResponseFormat: the schema reaches Gemini and message.parsed is typed data', async () => {
    const answer = { city: 'Paris', temperature_c: 18, conditions: 'sunny', advisories: [], wind: null };
    stack.mock.script({
      reply: (req) => (bodyOf(req).generationConfig?.['responseMimeType'] === 'application/json' ? { kind: 'text', text: JSON.stringify(answer) } : { kind: 'text', text: 'not JSON' }),
    });
    const completion = await client.chat.completions.parse({
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'system', content: 'Extract the weather report.' },
        { role: 'user', content: 'Paris: 18 degrees, sunny, no wind to speak of.' },
      ],
      response_format: zodResponseFormat(Weather, 'weather_report'),
    });
    expect(specErrors('CreateChatCompletionResponse', { ...completion, choices: completion.choices.map(({ message: { parsed: _p, ...m }, ...c }) => ({ ...c, message: m })) })).toEqual([]);
    const parsed = completion.choices[0]!.message.parsed;
    expect(parsed).toEqual(answer);
    const config = bodyOf(generateRequests(stack.mock)[0]!).generationConfig!;
    expect(config['responseMimeType']).toBe('application/json');
    // The zod schema travels as a JSON schema (responseJsonSchema or the OpenAPI-subset responseSchema).
    expect(JSON.stringify(config['responseJsonSchema'] ?? config['responseSchema'])).toContain('temperature_c');
  });

  it('runTools: zodFunction tools are called with parsed arguments and the loop ends with the final answer', async () => {
    stack.mock.script({
      reply: (req) =>
        hasFunctionResponse(req)
          ? { kind: 'text', text: 'It is 18°C and sunny in Paris; 9:00 in the morning.' }
          : { kind: 'toolCalls', calls: [{ name: 'get_weather', args: { city: 'Paris' } }, { name: 'get_time', args: { timezone: 'Europe/Paris' } }] },
    });
    const calls: string[] = [];
    const runner = client.chat.completions.runTools({
      model: 'gemini-3-flash-preview',
      messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
      tools: [
        zodFunction({
          name: 'get_weather',
          description: 'Current weather for a city',
          parameters: z.object({ city: z.string() }),
          function: (args: { city: string }) => {
            calls.push(`get_weather(${args.city})`);
            return { temperature_c: 18, conditions: 'sunny' };
          },
        }),
        zodFunction({
          name: 'get_time',
          description: 'Local time in a time zone',
          parameters: z.object({ timezone: z.string() }),
          function: (args: { timezone: string }) => {
            calls.push(`get_time(${args.timezone})`);
            return '09:00';
          },
        }),
      ],
    });
    expect(await runner.finalContent()).toBe('It is 18°C and sunny in Paris; 9:00 in the morning.');
    expect(calls).toEqual(['get_weather(Paris)', 'get_time(Europe/Paris)']);
    const sent = generateRequests(stack.mock);
    expect(sent).toHaveLength(2);
    expect(sent.every((r) => r.status === 200)).toBe(true);
    const responses = bodyOf(sent[1]!).contents.flatMap((c) => c.parts).filter((p) => p['functionResponse']);
    expect(responses.map((p) => (p['functionResponse'] as { name: string }).name)).toEqual(['get_weather', 'get_time']);
  });

  it('runTools with stream: true and a plain JSON-Schema tool: content arrives through the runner events and the loop completes', async () => {
    stack.mock.script({
      reply: (req) =>
        hasFunctionResponse(req)
          ? { kind: 'text', text: 'Three files were found.', chunks: 3 }
          : { kind: 'toolCalls', text: 'Searching.', calls: [{ name: 'search_files', args: { pattern: '*.ts' } }] },
    });
    const runner = client.chat.completions.runTools({
      model: 'gemini-2.5-flash',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'How many TypeScript files?' }],
      // The runner's plain form: JSON Schema parameters and a parse function of its own.
      tools: [
        {
          type: 'function',
          function: {
            name: 'search_files',
            description: 'Find files by glob pattern',
            parameters: { type: 'object', properties: { pattern: { type: 'string' } }, required: ['pattern'] },
            parse: JSON.parse,
            function: (args: { pattern: string }) => ['a.ts', 'b.ts', 'c.ts'].filter((f) => f.endsWith(args.pattern.slice(1))),
          },
        },
      ],
    });
    let streamed = '';
    const chunkErrors: string[] = [];
    runner.on('content', (delta) => (streamed += delta));
    runner.on('chunk', (chunk) => chunkErrors.push(...specErrors('CreateChatCompletionStreamResponse', chunk)));
    const final = await runner.finalChatCompletion();
    expect(chunkErrors).toEqual([]);
    expect(final.choices[0]!.message.content).toBe('Three files were found.');
    expect(streamed).toBe('Searching.Three files were found.');
    expect(await runner.totalUsage()).toMatchObject({ prompt_tokens: expect.any(Number) });
  });

  it('the stream() helper assembles the final completion from the chunks', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'one two three four', chunks: 4 } });
    const stream = client.chat.completions.stream({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'count' }], stream_options: { include_usage: true } });
    const deltas: string[] = [];
    stream.on('content', (d) => deltas.push(d));
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe('one two three four');
    expect(deltas.length).toBeGreaterThan(1);
    expect(final.usage!.total_tokens).toBeGreaterThan(0);
  });

  it('embeddings (batch, dimensions, base64) and models (list, retrieve)', async () => {
    const e = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta', 'gamma'], dimensions: 256 });
    expect(specErrors('CreateEmbeddingResponse', e)).toEqual([]);
    expect(e.data.map((d) => [d.index, d.embedding.length])).toEqual([
      [0, 256],
      [1, 256],
      [2, 256],
    ]);
    // The SDK asks for base64 by default when no format is given and decodes it itself.
    const b = await client.embeddings.create({ model: 'gemini-embedding-001', input: 'delta' });
    expect(b.data[0]!.embedding.length).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.some((m) => m.id === 'gemini-2.5-pro')).toBe(true);
    const one = await client.models.retrieve('gemini-2.5-flash');
    expect(specErrors('Model', one)).toEqual([]);
    expect(one.id).toBe('gemini-2.5-flash');
  });

  it('errors arrive as the SDK\'s typed errors: a wrong key is AuthenticationError, a bad request BadRequestError naming the field', async () => {
    const stranger = new OpenAI({ baseURL: `${stack.base}/v1`, apiKey: 'sk-not-the-pool-key', maxRetries: 0 });
    await expect(stranger.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const err = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
  });

  it('never shows a Gemini key in anything the pool printed', () => {
    for (const key of GEMINI_KEYS) expect(stack.output()).not.toContain(key);
  });
});
