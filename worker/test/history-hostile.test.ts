// What a client's history or Gemini's answer can hold that once broke a request (found by probing
// the handler as a hostile client): nulls Anthropic's validator takes as absent, tool call
// arguments and inputs nested thousands deep, and calls Gemini sent without a name or with an
// array of arguments. Each now gets an answer in the client's dialect, never a 500 or a 502.
import { describe, expect, it } from 'vitest';
import { createWorkerHandler } from '../src/handler';
import { callGemini } from '../src/gemini/client';

const KEY = `AIzaSyTEST${'0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, 29)}`;
const deepText = (levels: number) => `{"a":${'['.repeat(levels)}${']'.repeat(levels)}}`;

/** A handler whose Gemini answers `answer` (or one line of text), recording each body it was sent. */
function stage(answer: object = { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 } }) {
  const sent: Array<Record<string, any>> = [];
  const handle = createWorkerHandler(
    { GEMINI_BASE_URL: 'http://gemini.invalid' },
    {
      fetch: async (url: string | URL | Request, init?: RequestInit) => {
        sent.push(JSON.parse(String(init?.body ?? '{}')));
        const path = String(url);
        if (path.includes(':countTokens')) return Response.json({ totalTokens: 7 });
        if (path.includes('alt=sse')) return new Response(`data: ${JSON.stringify(answer)}\r\n\r\n`, { headers: { 'content-type': 'text/event-stream' } });
        return Response.json(answer);
      },
    },
  );
  const post = (path: string, body: object | string) =>
    handle(new Request(`http://worker${path}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'x-api-key': KEY, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }));
  return { post, sent };
}

describe('Anthropic: null where a field may be absent', () => {
  const body = { model: 'gemini-2.5-flash', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };
  it.each([
    ['system: null', { system: null }],
    ['tool_choice: null', { tool_choice: null }],
  ])('%s is taken as absent: 200 whole, streamed and counted (was a 500)', async (_name, extra) => {
    const { post } = stage();
    for (const stream of [false, true]) {
      const res = await post('/v1/messages', { ...body, ...extra, stream });
      expect(res.status).toBe(200);
      await res.text();
    }
    const counted = await post('/v1/messages/count_tokens', { ...body, ...extra });
    expect(counted.status).toBe(200);
    expect(await counted.json()).toEqual({ input_tokens: 7 });
  });
});

describe('tool call history nested past any real call', () => {
  // deepText(n) nests n + 1 levels: 512 is the last that goes as its object (MAX_VALUE_NESTING).
  it.each([
    ['8,000 deep go to Gemini as the text they came as (was a 502 "Could not reach Gemini")', 7999, 'text'],
    ['513 deep, one past the limit, go as text', 512, 'text'],
    ['512 deep, the limit, still go as their object', 511, 'object'],
  ] as const)('chat: arguments nested %s', async (_name, levels, sentAs) => {
    const { post, sent } = stage();
    const args = deepText(levels);
    const res = await post('/v1/chat/completions', {
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: args } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'done' },
      ],
    });
    expect(res.status).toBe(200);
    expect(sent[0]!.contents[1].parts[0].functionCall.args).toEqual(sentAs === 'text' ? { arguments: args } : JSON.parse(args));
  });

  it('Responses: arguments nested 8,000 deep go to Gemini as text (was a 502)', async () => {
    const { post, sent } = stage();
    const args = deepText(8000);
    const res = await post('/v1/responses', {
      model: 'gemini-2.5-flash',
      input: [
        { role: 'user', content: 'go' },
        { type: 'function_call', call_id: 'call_1', name: 'f', arguments: args },
        { type: 'function_call_output', call_id: 'call_1', output: 'done' },
      ],
    });
    expect(res.status).toBe(200);
    expect(sent[0]!.contents[1].parts[0].functionCall.args).toEqual({ arguments: args });
  });

  it('Anthropic: a tool_use input nested 8,000 deep is refused with a 400 naming it (it cannot be written as text either)', async () => {
    const { post, sent } = stage();
    // Written by hand: JSON.stringify itself cannot write such a value.
    const body = JSON.stringify({
      model: 'gemini-2.5-flash',
      max_tokens: 16,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: 'DEEP' }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }] },
      ],
    }).replace('"DEEP"', deepText(8000));
    const res = await post('/v1/messages', body);
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { type: string; message: string } }).error;
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toContain('messages.1.content.0.input');
    expect(sent).toEqual([]);
  });
});

describe("a call Gemini sent that a client could not send back", () => {
  const answer = { candidates: [{ content: { role: 'model', parts: [{ functionCall: { args: [1, 2] } }] }, finishReason: 'STOP' }] };

  it('chat: a call without a name and with an array of arguments comes out as unknown_function with {} (was "" and "[1,2]")', async () => {
    const { post } = stage(answer);
    const res = await post('/v1/chat/completions', { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'go' }] });
    const call = ((await res.json()) as any).choices[0].message.tool_calls[0];
    expect(call.function).toEqual({ name: 'unknown_function', arguments: '{}' });
  });

  it('Anthropic: the same call is a tool_use the next request accepts back', async () => {
    const { post } = stage(answer);
    const res = await post('/v1/messages', { model: 'gemini-2.5-flash', max_tokens: 16, messages: [{ role: 'user', content: 'go' }] });
    const use = ((await res.json()) as any).content.find((b: { type: string }) => b.type === 'tool_use');
    expect(use).toMatchObject({ name: 'unknown_function', input: {} });
    const next = await stage().post('/v1/messages', {
      model: 'gemini-2.5-flash',
      max_tokens: 16,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [use] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'no such tool' }] },
      ],
    });
    expect(next.status).toBe(200);
  });
});

describe('callGemini', () => {
  it('a body that cannot be written fails as this Worker’s fault, before any call: not as Gemini being unreachable', async () => {
    const calls: string[] = [];
    const target = { baseUrl: 'http://gemini.invalid', key: KEY, fetch: async (url: string | URL | Request) => (calls.push(String(url)), new Response('{}')) };
    const unwritable = { toJSON: () => { throw new RangeError('Maximum call stack size exceeded'); } };
    await expect(callGemini(target as never, 'models/x:generateContent', { body: unwritable })).rejects.toBeInstanceOf(RangeError);
    expect(calls).toEqual([]);
  });
});

describe('native passthrough: what a client may not make Google judge the key by', () => {
  const native = () => {
    const seen: Array<{ url: string; headers: Headers; method: string }> = [];
    const handle = createWorkerHandler(
      { GEMINI_BASE_URL: 'http://gemini.invalid' },
      {
        fetch: async (url: string | URL | Request, init?: RequestInit) => {
          seen.push({ url: String(url), headers: new Headers(init?.headers), method: init?.method ?? 'GET' });
          return Response.json({ candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }] });
        },
      },
    );
    const send = (method: string, path: string, headers: Record<string, string> = {}) =>
      handle(new Request(`http://worker${path}`, { method, headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json', ...headers }, ...(method === 'GET' ? {} : { body: '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}' }) }));
    return { send, seen };
  };
  const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent';

  it('credentials and answer-shaping parameters of the client are not passed on, nor x-goog-user-project', async () => {
    const { send, seen } = native();
    const res = await send('POST', `${GENERATE}?access_token=ya29.x&oauth_token=o&callback=cb&%24.xgafv=1&alt=json`, { 'x-goog-user-project': 'elsewhere' });
    expect(res.status).toBe(200);
    expect(new URL(seen[0]!.url).search).toBe('?alt=json');
    expect(seen[0]!.headers.get('x-goog-user-project')).toBeNull();
  });

  it('a method Google does not use (PUT) and alt=proto on generateContent are 400s in Google’s format, Gemini not called', async () => {
    const { send, seen } = native();
    for (const [method, path] of [['PUT', GENERATE], ['POST', `${GENERATE}?alt=proto`]] as const) {
      const res = await send(method, path);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { status: string } }).error.status).toBe('INVALID_ARGUMENT');
    }
    expect(seen).toEqual([]);
  });
});
