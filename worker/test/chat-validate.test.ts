import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors';
import { googleExtras, parseChatRequest } from '../src/dialects/openai-chat/validate';

const user = { role: 'user', content: 'hi' };
const ok = (extra: Record<string, unknown> = {}) => ({ model: 'gemini-2.5-flash', messages: [user], ...extra });
const fnTool = (name: string, parameters?: unknown) => ({ type: 'function', function: { name, ...(parameters === undefined ? {} : { parameters }) } });

function paramOf(body: unknown): string | null {
  try {
    parseChatRequest(body);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(400);
    return (e as ApiError).param;
  }
  throw new Error('expected a 400');
}

describe('parseChatRequest rejects what the converter cannot read, naming the field', () => {
  it.each([
    ['a body that is not an object', [1, 2], null],
    ['no model', { messages: [user] }, 'model'],
    ['an empty model', { model: ' ', messages: [user] }, 'model'],
    ['no messages', { model: 'm' }, 'messages'],
    ['empty messages', { model: 'm', messages: [] }, 'messages'],
    ['a message that is not an object', { model: 'm', messages: [user, 'hi'] }, 'messages[1]'],
    ['an unknown role', { model: 'm', messages: [user, user, user, { role: 'robot', content: 'x' }] }, 'messages[3].role'],
    ['a missing role', { model: 'm', messages: [{ content: 'x' }] }, 'messages[0].role'],
    ['content of the wrong type', { model: 'm', messages: [{ role: 'user', content: 42 }] }, 'messages[0].content'],
    ['a part without type', { model: 'm', messages: [{ role: 'user', content: [{ text: 'x' }] }] }, 'messages[0].content[0]'],
    ['an image in a system message', { model: 'm', messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] }, 'messages[0].content[0].type'],
    ['an unknown part type', { model: 'm', messages: [{ role: 'user', content: [{ type: 'video', video: {} }] }] }, 'messages[0].content[0].type'],
    ['a text part without text', { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 5 }] }] }, 'messages[0].content[0].text'],
    ['an image part without url', { model: 'm', messages: [user, { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image_url', image_url: {} }] }] }, 'messages[1].content[1].image_url.url'],
    ['audio without format', { model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA' } }] }] }, 'messages[0].content[0].input_audio.format'],
    ['a file with a numeric filename', { model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: 'AAAA', filename: 3 } }] }] }, 'messages[0].content[0].file.filename'],
    ['tool_calls that are not an array', { model: 'm', messages: [{ role: 'assistant', tool_calls: {} }] }, 'messages[0].tool_calls'],
    ['a tool call without a name', { model: 'm', messages: [{ role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { arguments: '{}' } }] }] }, 'messages[0].tool_calls[0].function.name'],
    ['tool call arguments that are a number', { model: 'm', messages: [{ role: 'assistant', tool_calls: [{ id: 'a', function: { name: 'f', arguments: 5 } }] }] }, 'messages[0].tool_calls[0].function.arguments'],
    ['a tool_call_id that is a number', { model: 'm', messages: [{ role: 'tool', tool_call_id: 1, content: 'x' }] }, 'messages[0].tool_call_id'],
    ['temperature above 2', ok({ temperature: 2.5 }), 'temperature'],
    ['temperature as a string', ok({ temperature: '1' }), 'temperature'],
    ['top_p above 1', ok({ top_p: 1.1 }), 'top_p'],
    ['max_tokens of 0', ok({ max_tokens: 0 }), 'max_tokens'],
    ['max_completion_tokens not an integer', ok({ max_completion_tokens: 10.5 }), 'max_completion_tokens'],
    ['n above Gemini\'s 8 candidates', ok({ n: 9 }), 'n'],
    ['a fractional seed', ok({ seed: 1.5 }), 'seed'],
    ['presence_penalty out of range', ok({ presence_penalty: 3 }), 'presence_penalty'],
    ['top_logprobs above 20', ok({ top_logprobs: 21 }), 'top_logprobs'],
    ['logprobs as a string', ok({ logprobs: 'yes' }), 'logprobs'],
    ['stream as a string', ok({ stream: 'true' }), 'stream'],
    ['stream_options.include_usage as a string', ok({ stream_options: { include_usage: 'yes' } }), 'stream_options.include_usage'],
    ['six stop sequences', ok({ stop: ['a', 'b', 'c', 'd', 'e', 'f'] }), 'stop'],
    ['a stop list with a number', ok({ stop: ['a', 1] }), 'stop'],
    ['an unknown reasoning_effort', ok({ reasoning_effort: 'max' }), 'reasoning_effort'],
    ['an unknown response_format type', ok({ response_format: { type: 'yaml' } }), 'response_format.type'],
    ['json_schema without json_schema', ok({ response_format: { type: 'json_schema' } }), 'response_format.json_schema'],
    ['a json_schema schema that is a string', ok({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: 'object' } } }), 'response_format.json_schema.schema'],
    ['tools that are not an array', ok({ tools: {} }), 'tools'],
    ['an unsupported tool type', ok({ tools: [fnTool('a'), { type: 'computer_use_preview' }] }), 'tools[1].type'],
    ['a function name with a space', ok({ tools: [fnTool('get weather')] }), 'tools[0].function.name'],
    ['a function name starting with a digit', ok({ tools: [fnTool('1up')] }), 'tools[0].function.name'],
    ['a duplicate function name', ok({ tools: [fnTool('a'), fnTool('b'), fnTool('a')] }), 'tools[2].function.name'],
    ['parameters that are an array', ok({ tools: [fnTool('a', [])] }), 'tools[0].function.parameters'],
    ['parameters nested 65 levels deep (refused as the Responses dialect refuses them)', ok({ tools: [fnTool('a', JSON.parse('{"a":'.repeat(64) + '{}' + '}'.repeat(64)))] }), 'tools[0].function.parameters'],
    ['tool_choice naming an unknown function', ok({ tools: [fnTool('a')], tool_choice: { type: 'function', function: { name: 'b' } } }), 'tool_choice.function.name'],
    ['tool_choice of an unknown mode', ok({ tools: [fnTool('a')], tool_choice: 'any' }), 'tool_choice'],
    ['google that is a string', ok({ google: 'x' }), 'google'],
    ['a negative thinking budget below -1', ok({ google: { thinking_config: { thinking_budget: -2 } } }), 'google.thinking_config.thinking_budget'],
    ['an unknown thinking level', ok({ extra_body: { google: { thinking_config: { thinking_level: 'max' } } } }), 'extra_body.google.thinking_config.thinking_level'],
    ['an unknown safety category', ok({ google: { safety_settings: [{ category: 'HARM_CATEGORY_X', threshold: 'OFF' }] } }), 'google.safety_settings[0].category'],
    ['an unknown safety threshold', ok({ google: { safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'NONE' }] } }), 'google.safety_settings[0].threshold'],
    ['cached_content that is a number', ok({ google: { cached_content: 1 } }), 'google.cached_content'],
  ])('%s -> 400 on %s', (_name, body, param) => {
    expect(paramOf(body)).toBe(param);
  });
});

describe('parseChatRequest accepts what clients really send', () => {
  it('ignores fields it does not read and returns the same object', () => {
    const body = ok({ user: 'u', store: true, metadata: { a: 1 }, service_tier: 'auto', prediction: { type: 'content' }, stream_options: null, temperature: null });
    expect(parseChatRequest(body)).toBe(body);
  });

  it('accepts every role, with null, string and part contents', () => {
    const body = {
      model: 'models/gemini-2.5-pro',
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'rules' }] },
        { role: 'system', content: 'more rules' },
        { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }, { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }, { type: 'file', file: { file_data: 'data:application/pdf;base64,AAAA', filename: 'a.pdf' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }], reasoning_content: 'thought' },
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'done' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'refusal', refusal: 'no' }] },
        { role: 'function', name: 'f', content: 'legacy' },
      ],
    };
    expect(() => parseChatRequest(body)).not.toThrow();
  });

  it('normalises lenient shapes in place', () => {
    const body = {
      model: 'm',
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: 'https://example.com/a.png' }] },
        { role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: { a: 1 } } }, { id: 'x', function: { name: 'g' } }] },
      ],
    };
    const req = parseChatRequest(body);
    expect(req.messages[0]!.content).toEqual([{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }]);
    expect(req.messages[1]!.tool_calls).toEqual([
      { id: '', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
      { id: 'x', function: { name: 'g', arguments: '' } },
    ]);
  });

  it('turns the legacy functions API into tools', () => {
    const req = parseChatRequest({
      model: 'm',
      messages: [user, { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{"q":1}' } }, { role: 'function', name: 'f', content: 'r' }],
      functions: [{ name: 'f', parameters: { type: 'object', properties: { q: { type: 'number' } } } }],
      function_call: { name: 'f' },
    });
    expect(req.tools).toEqual([{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { q: { type: 'number' } } } } }]);
    expect(req.tool_choice).toEqual({ type: 'function', function: { name: 'f' } });
    expect(req.messages[1]!.tool_calls).toEqual([{ id: '', type: 'function', function: { name: 'f', arguments: '{"q":1}' } }]);
  });

  it('accepts Gemini built-in tools and function tools without a type', () => {
    const req = parseChatRequest(ok({ tools: [{ type: 'google_search' }, { type: 'code_execution' }, { type: 'url_context' }, { function: { name: 'f' } }] }));
    expect(req.tools?.[3]?.type).toBe('function');
  });

  it('upper-cases safety settings', () => {
    const req = parseChatRequest(ok({ google: { safety_settings: [{ category: 'harm_category_harassment', threshold: 'block_none' }] } }));
    expect(req.google?.safety_settings).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }]);
  });

  it.each([
    ['top-level google (the OpenAI SDK flattens extra_body)', { google: { cached_content: 'cachedContents/a' } }, { cached_content: 'cachedContents/a' }],
    ['extra_body.google (nested, as in Google\'s docs)', { extra_body: { google: { cached_content: 'cachedContents/b' } } }, { cached_content: 'cachedContents/b' }],
    ['both: the top-level one wins key by key', { google: { cached_content: 'top' }, extra_body: { google: { cached_content: 'nested', thinking_config: { include_thoughts: false } } } }, { cached_content: 'top', thinking_config: { include_thoughts: false } }],
    ['neither', {}, {}],
  ])('reads Gemini extras from %s', (_name, extra, expected) => {
    expect(googleExtras(parseChatRequest(ok(extra)))).toEqual(expected);
  });
});
