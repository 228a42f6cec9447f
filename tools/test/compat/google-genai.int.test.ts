// Google's official JS SDK (@google/genai) through the pool's native /v1beta routes, with the
// pool's sk- key where a Gemini key would go: generateContent, generateContentStream, countTokens
// (Gemini CLI calls it before every turn), embeddings and the model list. Configured both ways
// users do: httpOptions.baseUrl in code, and the GOOGLE_GEMINI_BASE_URL + GEMINI_API_KEY
// environment variables that the SDK (and so Gemini CLI) reads. And a turn recorded from the real
// Gemini CLI (fixtures/gemini-cli.json), replayed as raw HTTP.
import { readFileSync } from 'node:fs';
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { replay } from './replay';
import { type CompatStack, GEMINI_KEYS, generateRequests, sseData, useCompatStack } from './stack';

const cliTurn = JSON.parse(readFileSync(new URL('fixtures/gemini-cli.json', import.meta.url), 'utf8')) as {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: { systemInstruction: unknown; tools: { functionDeclarations: { name: string }[] }[]; generationConfig: unknown };
};

let stack: CompatStack;
let ai: GoogleGenAI;
useCompatStack((s) => {
  stack = s;
  ai = new GoogleGenAI({ apiKey: s.apiKey, httpOptions: { baseUrl: s.base } });
});

const MODEL = 'gemini-2.5-flash';

describe('@google/genai through native passthrough', () => {
  it('generateContent with a system instruction and config: the body reaches Gemini untouched, with a pool key swapped for a Gemini key', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'Bonjour !' } });
    const res = await ai.models.generateContent({
      model: MODEL,
      contents: 'Say hello in French.',
      config: { systemInstruction: 'You are terse.', temperature: 0.2, maxOutputTokens: 64 },
    });
    expect(res.text).toBe('Bonjour !');
    expect(res.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    const sent = stack.mock.requests.find((r) => r.action === 'generateContent')!;
    expect(GEMINI_KEYS).toContain(sent.key);
    expect(sent.body).toMatchObject({ systemInstruction: { parts: [{ text: 'You are terse.' }] }, generationConfig: { temperature: 0.2, maxOutputTokens: 64 } });
    expect(JSON.stringify(sent.headers)).not.toContain(stack.apiKey);
  });

  it('generateContentStream yields the chunks as Gemini sends them', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'alpha beta gamma delta', chunks: 4 } });
    const parts: string[] = [];
    for await (const chunk of await ai.models.generateContentStream({ model: MODEL, contents: 'Four words.' })) parts.push(chunk.text ?? '');
    expect(parts.length).toBe(4);
    expect(parts.join('')).toBe('alpha beta gamma delta');
  });

  it('countTokens, as Gemini CLI calls before each turn', async () => {
    const res = await ai.models.countTokens({ model: MODEL, contents: [{ role: 'user', parts: [{ text: 'How many tokens is this sentence?' }] }] });
    expect(res.totalTokens).toBeGreaterThan(0);
    expect(stack.mock.requests.some((r) => r.action === 'countTokens' && GEMINI_KEYS.includes(r.key ?? ''))).toBe(true);
  });

  it('embedContent for one text and for several (batchEmbedContents), with outputDimensionality', async () => {
    const one = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'hello' });
    expect(one.embeddings).toHaveLength(1);
    const many = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['a', 'b', 'c'], config: { outputDimensionality: 128 } });
    expect(many.embeddings?.map((e) => e.values?.length)).toEqual([128, 128, 128]);
  });

  it('lists models through the pager', async () => {
    const ids: string[] = [];
    for await (const m of await ai.models.list({ config: { pageSize: 20 } })) ids.push(m.name ?? '');
    expect(ids).toContain('models/gemini-2.5-flash');
    expect(ids.length).toBeGreaterThan(20);
  });

  it('GOOGLE_GEMINI_BASE_URL and GEMINI_API_KEY in the environment point the SDK (and Gemini CLI) at the pool', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'configured by environment' } });
    const saved = { base: process.env['GOOGLE_GEMINI_BASE_URL'], key: process.env['GEMINI_API_KEY'], google: process.env['GOOGLE_API_KEY'] };
    process.env['GOOGLE_GEMINI_BASE_URL'] = stack.base;
    process.env['GEMINI_API_KEY'] = stack.apiKey;
    delete process.env['GOOGLE_API_KEY'];
    try {
      const fromEnv = new GoogleGenAI({});
      const res = await fromEnv.models.generateContent({ model: MODEL, contents: 'hi' });
      expect(res.text).toBe('configured by environment');
    } finally {
      for (const [name, value] of [
        ['GOOGLE_GEMINI_BASE_URL', saved.base],
        ['GEMINI_API_KEY', saved.key],
        ['GOOGLE_API_KEY', saved.google],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('Gemini CLI: its recorded turn (long system prompt, parametersJsonSchema tools, thinking) streams back, the body passed through untouched', async () => {
    stack.mock.script({ reply: { kind: 'toolCalls', text: 'Let me look.', calls: [{ name: 'list_directory', args: { dir_path: '.' } }] } });
    const res = await replay(stack.base, stack.apiKey, cliTurn.method, cliTurn.path, cliTurn.headers, cliTurn.body);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = sseData(res.text).map((d) => JSON.parse(d) as { candidates?: { content?: { parts?: Record<string, unknown>[] } }[] });
    const parts = events.flatMap((e) => e.candidates?.[0]?.content?.parts ?? []);
    expect(parts.find((p) => p['functionCall'])).toMatchObject({ functionCall: { name: 'list_directory', args: { dir_path: '.' } } });
    const sent = generateRequests(stack.mock)[0]!;
    expect(sent.query['alt']).toBe('sse');
    expect(sent.body).toEqual(cliTurn.body);
    expect(sent.headers['x-goog-api-client']).toBe(cliTurn.headers['x-goog-api-client']);
    expect(GEMINI_KEYS).toContain(sent.key);
  });

  it('a wrong key gets Google-shaped 401 the SDK raises as an ApiError', async () => {
    const stranger = new GoogleGenAI({ apiKey: 'sk-wrong', httpOptions: { baseUrl: stack.base } });
    const err = (await stranger.models.generateContent({ model: MODEL, contents: 'x' }).catch((e: unknown) => e)) as { status?: number; message?: string };
    expect(err.status).toBe(401);
    expect(stack.mock.requests).toEqual([]);
  });

  it('never shows a Gemini key in anything the pool printed', () => {
    for (const key of GEMINI_KEYS) expect(stack.output()).not.toContain(key);
  });
});
