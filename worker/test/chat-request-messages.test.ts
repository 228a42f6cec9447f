import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors';
import { toGeminiRequest } from '../src/dialects/openai-chat/request';
import { SKIP_SIGNATURE, encodeToolCallId } from '../src/gemini/signatures';
import { parseChatRequest } from '../src/dialects/openai-chat/validate';
import { deepFreeze } from '../src/deep-freeze';

type Msg = Record<string, unknown>;

/** Maps messages the way the handler does: validated first, then converted. */
function map(messages: Msg[], model = 'gemini-2.5-flash', media?: Map<string, { mimeType: string; data: string }>): Gemini.GenerateContentRequest {
  return toGeminiRequest(parseChatRequest({ model, messages }), media).body;
}

const call = (id: string, name: string, args = '{}') => ({ id, type: 'function', function: { name, arguments: args } });
const userText = (text: string) => ({ role: 'user', parts: [{ text }] });
const fnCall = (name: string, args: Record<string, unknown> = {}): Gemini.Part => ({ functionCall: { name, args } });
const fnResponse = (name: string, result: unknown): Gemini.Part => ({ functionResponse: { name, response: { result } } });

describe('system and developer messages', () => {
  it('sends all of them, in order, wherever they sit, as systemInstruction', () => {
    const body = map([
      { role: 'system', content: 'one' },
      { role: 'user', content: 'hi' },
      { role: 'developer', content: [{ type: 'text', text: 'two' }, { type: 'text', text: '' }, { type: 'text', text: 'three' }] },
      { role: 'assistant', content: 'hello' },
      { role: 'system', content: 'four' },
      { role: 'user', content: 'bye' },
    ]);
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'one' }, { text: 'two' }, { text: 'three' }, { text: 'four' }] });
    expect(body.contents).toEqual([userText('hi'), { role: 'model', parts: [{ text: 'hello' }] }, userText('bye')]);
  });

  it('sends a request of system messages only as the user turn (Gemini rejects empty contents)', () => {
    const body = map([{ role: 'system', content: 'Write a title for: cats' }]);
    expect(body.systemInstruction).toBeUndefined();
    expect(body.contents).toEqual([userText('Write a title for: cats')]);
  });

  it('folds the system prompt into the first user turn for Gemma, which rejects systemInstruction', () => {
    const body = map([{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }], 'gemma-3-27b-it');
    expect(body.systemInstruction).toBeUndefined();
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'be brief' }, { text: 'hi' }] }]);
  });

  it('rejects a conversation where every message is empty', () => {
    try {
      map([{ role: 'user', content: '' }, { role: 'assistant', content: null }]);
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).param).toBe('messages');
    }
  });
});

describe('user and assistant turns', () => {
  it.each<[string, Msg[], Gemini.Content[]]>([
    ['a user string', [{ role: 'user', content: 'hi' }], [userText('hi')]],
    [
      'user parts: text and a data URL image, empty text dropped',
      [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'text', text: '' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBO' } }] }],
      [{ role: 'user', parts: [{ text: 'what is this' }, { inlineData: { mimeType: 'image/png', data: 'iVBO' } }] }],
    ],
    [
      'assistant text and tool calls in one model turn, text first; reasoning_content not sent back',
      [{ role: 'user', content: 'go' }, { role: 'assistant', content: 'Let me look.', reasoning_content: 'secret thoughts', tool_calls: [call('a', 'search', '{"q":"cats"}'), call('b', 'open', '{"id":1}')] }],
      [userText('go'), { role: 'model', parts: [{ text: 'Let me look.' }, fnCall('search', { q: 'cats' }), fnCall('open', { id: 1 })] }],
    ],
    [
      'assistant refusal parts become text',
      [{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'text', text: 'I ' }, { type: 'refusal', refusal: 'cannot' }] }],
      [userText('x'), { role: 'model', parts: [{ text: 'I ' }, { text: 'cannot' }] }],
    ],
    [
      'consecutive turns of one role are merged',
      [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }, { role: 'assistant', content: 'c' }, { role: 'assistant', tool_calls: [call('x', 'f')] }],
      [{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }, { role: 'model', parts: [{ text: 'c' }, fnCall('f')] }],
    ],
    [
      'an empty assistant turn vanishes and its neighbours merge',
      [{ role: 'user', content: 'a' }, { role: 'assistant', content: '' }, { role: 'user', content: 'b' }],
      [{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }],
    ],
    [
      'tool call arguments: empty is {}, broken or non-object JSON is wrapped, never refused',
      [{ role: 'user', content: 'x' }, { role: 'assistant', tool_calls: [call('a', 'f', ''), call('b', 'g', '{"trunc'), call('c', 'h', '[1,2]')] }],
      [userText('x'), { role: 'model', parts: [fnCall('f'), fnCall('g', { arguments: '{"trunc' }), fnCall('h', { arguments: [1, 2] })] }],
    ],
  ])('%s', (_name, messages, contents) => {
    expect(map(messages).contents).toEqual(contents);
  });

  it('turns the data-URL images of our own responses back into images', () => {
    const messages = [
      { role: 'user', content: 'draw a cat' },
      { role: 'assistant', content: 'Here it is:\n![image](data:image/png;base64,iVBORw0K)\nEnjoy.' },
      { role: 'user', content: 'make it blue' },
    ];
    const model = { role: 'model', parts: [{ text: 'Here it is:\n' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0K' } }, { text: '\nEnjoy.' }] };
    expect(map(messages, 'gemini-2.5-flash-image').contents?.[1]).toEqual(model);
    // Gemini 3 image models check signatures on image parts too: history gets the placeholder.
    const g3 = map(messages, 'gemini-3-pro-image-preview').contents?.[1];
    expect(g3?.parts?.[1]).toEqual({ inlineData: { mimeType: 'image/png', data: 'iVBORw0K' }, thoughtSignature: SKIP_SIGNATURE });
  });

  it('inlines fetched remote images and refuses ones that were not fetched', () => {
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image_url', image_url: { url: 'https://x/cat.png' } }] }];
    const media = new Map([['https://x/cat.png', { mimeType: 'image/png', data: 'AAAA' }]]);
    expect(map(messages, 'gemini-2.5-flash', media).contents?.[0]?.parts?.[1]).toEqual({ inlineData: { mimeType: 'image/png', data: 'AAAA' } });
    try {
      map(messages);
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).param).toBe('messages[0].content[1].image_url.url');
    }
  });
});

describe('tool calls and results', () => {
  it('sends results as one user turn of functionResponses, in the order of the calls, names looked up', () => {
    const body = map([
      { role: 'user', content: 'weather and time?' },
      { role: 'assistant', content: null, tool_calls: [call('c1', 'weather', '{"city":"Oslo"}'), call('c2', 'clock')] },
      { role: 'tool', tool_call_id: 'c2', content: '12:00' },
      { role: 'tool', tool_call_id: 'c1', content: '{"temp": -3, "sky": "snow"}' },
      { role: 'user', content: 'thanks' },
    ]);
    expect(body.contents).toEqual([
      userText('weather and time?'),
      { role: 'model', parts: [fnCall('weather', { city: 'Oslo' }), fnCall('clock')] },
      { role: 'user', parts: [fnResponse('weather', { temp: -3, sky: 'snow' }), fnResponse('clock', '12:00'), { text: 'thanks' }] },
    ]);
  });

  it.each([
    ['plain text', 'It is sunny', 'It is sunny'],
    ['a JSON object', ' {"a":[1,2]}', { a: [1, 2] }],
    ['a JSON array (kept as text)', '[1,2]', '[1,2]'],
    ['broken JSON (kept as text)', '{"a":', '{"a":'],
    ['an empty result', '', ''],
    ['text parts (joined)', [{ type: 'text', text: 'line 1' }, { type: 'text', text: 'line 2' }], 'line 1\nline 2'],
    ['text parts holding JSON', [{ type: 'text', text: '{"ok":' }, { type: 'text', text: 'true}' }], { ok: true }],
  ])('wraps a tool result of %s as {result}', (_name, content, result) => {
    const body = map([{ role: 'user', content: 'x' }, { role: 'assistant', tool_calls: [call('c', 'f')] }, { role: 'tool', tool_call_id: 'c', content }]);
    expect(body.contents?.[2]).toEqual({ role: 'user', parts: [fnResponse('f', result)] });
  });

  it('answers results of unknown calls with the best name available, after the known ones', () => {
    const body = map([
      { role: 'user', content: 'x' },
      { role: 'assistant', tool_calls: [call('c1', 'f')] },
      { role: 'tool', tool_call_id: 'ghost', name: 'g', content: 'a' },
      { role: 'tool', tool_call_id: 'nobody', content: 'b' },
      { role: 'tool', tool_call_id: 'c1', content: 'c' },
    ]);
    expect(body.contents?.[2]?.parts).toEqual([fnResponse('f', 'c'), fnResponse('g', 'a'), fnResponse('unknown_function', 'b')]);
  });

  it('maps the legacy function role and function_call', () => {
    const body = toGeminiRequest(
      parseChatRequest({
        model: 'gemini-2.5-flash',
        messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{"k":1}' } }, { role: 'function', name: 'lookup', content: 'found' }],
      }),
    ).body;
    expect(body.contents).toEqual([userText('x'), { role: 'model', parts: [fnCall('lookup', { k: 1 })] }, { role: 'user', parts: [fnResponse('lookup', 'found')] }]);
  });

  it('puts images returned by a tool after the function responses', () => {
    const body = map([
      { role: 'user', content: 'screenshot' },
      { role: 'assistant', tool_calls: [call('c', 'shot')] },
      { role: 'tool', tool_call_id: 'c', content: [{ type: 'text', text: 'taken' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBO' } }] },
    ]);
    expect(body.contents?.[2]?.parts).toEqual([fnResponse('shot', 'taken'), { inlineData: { mimeType: 'image/png', data: 'iVBO' } }]);
  });

  it('sends back the Gemini id and thought signature carried in our tool call ids', () => {
    const id = encodeToolCallId({ geminiId: 'gid-1', signature: 'c2lnbmF0dXJl' });
    const plain = encodeToolCallId({});
    const body = map(
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [call(id, 'f'), call(plain, 'g')] },
        { role: 'tool', tool_call_id: id, content: 'a' },
        { role: 'tool', tool_call_id: plain, content: 'b' },
      ],
      'gemini-3-pro-preview',
    );
    expect(body.contents?.[1]?.parts).toEqual([{ functionCall: { name: 'f', args: {}, id: 'gid-1' }, thoughtSignature: 'c2lnbmF0dXJl' }, fnCall('g')]);
    expect(body.contents?.[2]?.parts).toEqual([{ functionResponse: { name: 'f', response: { result: 'a' }, id: 'gid-1' } }, fnResponse('g', 'b')]);
  });

  it.each([
    ['gemini-3-pro-preview', SKIP_SIGNATURE],
    ['gemini-3-flash-preview', SKIP_SIGNATURE],
    ['gemini-flash-latest', SKIP_SIGNATURE],
    ['gemini-2.5-flash', undefined],
    ['gemini-2.0-flash', undefined],
  ])('%s: history without signatures gets the placeholder on the first call of each model turn only', (model, skip) => {
    const body = map(
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: 'thinking aloud', tool_calls: [call('a', 'f'), call('b', 'g')] },
        { role: 'tool', tool_call_id: 'a', content: '1' },
        { role: 'tool', tool_call_id: 'b', content: '2' },
        { role: 'assistant', tool_calls: [call('c', 'h')] },
        { role: 'tool', tool_call_id: 'c', content: '3' },
      ],
      model,
    );
    const turns = body.contents!.filter((c) => c.role === 'model');
    expect(turns).toHaveLength(2);
    expect(turns[0]!.parts![0]!.thoughtSignature).toBeUndefined(); // the text part
    expect(turns[0]!.parts![1]!.thoughtSignature).toBe(skip);
    expect(turns[0]!.parts![2]!.thoughtSignature).toBeUndefined();
    expect(turns[1]!.parts![0]!.thoughtSignature).toBe(skip);
  });

  it('keeps a carried signature rather than the placeholder', () => {
    const id = encodeToolCallId({ signature: 'cmVhbA==' });
    const body = map([{ role: 'user', content: 'x' }, { role: 'assistant', tool_calls: [call(id, 'f')] }, { role: 'tool', tool_call_id: id, content: 'r' }], 'gemini-3-pro-preview');
    expect(body.contents?.[1]?.parts?.[0]).toEqual({ functionCall: { name: 'f', args: {} }, thoughtSignature: 'cmVhbA==' });
  });
});

describe('the mapping is pure', () => {
  it('never mutates the request and gives the same body twice', () => {
    const req = parseChatRequest({
      model: 'models/gemini-3-pro-preview',
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: [{ type: 'text', text: 'x' }] },
        { role: 'assistant', tool_calls: [call('a', 'f', '{"x":1}')] },
        { role: 'tool', tool_call_id: 'a', content: '{"y":2}' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: { type: 'number' } } } } }],
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
    });
    const snapshot = structuredClone(req);
    deepFreeze(req);
    const first = toGeminiRequest(req);
    expect(first.model).toBe('gemini-3-pro-preview');
    expect(toGeminiRequest(req)).toEqual(first);
    expect(req).toEqual(snapshot);
  });
});


