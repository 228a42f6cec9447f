// Bad Responses requests get a 400 naming the field; the stateful parts of the API get a 400 that
// says to send the whole input. Never a crash.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors';
import { parseResponsesRequest } from '../src/dialects/responses/validate';

type Json = Record<string, unknown>;

/** A schema whose objects nest `levels` deep (the schema itself is level 1). */
const nested = (levels: number): Json => {
  let schema: Json = { type: 'string' };
  for (let i = 1; i < levels; i++) schema = { type: 'object', properties: { p: schema } };
  return schema;
};
/** Objects nested `levels` deep, as a hostile client can send them (the stack would not survive 5,000). */
const deep = (levels: number): Json => JSON.parse('{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1)) as Json;

function reject(body: Json): ApiError {
  try {
    parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', ...body });
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the request to be refused');
}

describe('parseResponsesRequest refuses, naming the field', () => {
  it.each<[string, Json, string, RegExp]>([
    ['no model', { model: undefined }, 'model', /model.*required/],
    ['previous_response_id', { previous_response_id: 'resp_123' }, 'previous_response_id', /keeps no state.*whole conversation in `input`/],
    ['a conversation id', { conversation: 'conv_1' }, 'conversation', /keeps no state/],
    ['a stored prompt', { prompt: { id: 'pmpt_1' } }, 'prompt', /keeps no state/],
    ['background mode', { background: true }, 'background', /stored response/],
    ['an item_reference', { input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type', /keeps no state/],
    ['an unknown item type', { input: [{ role: 'user', content: 'hi' }, { type: 'computer_call_output', call_id: 'c' }] }, 'input[1].type', /not supported.*function_call_output/],
    ['an item that is not an object', { input: ['hi'] }, 'input[0]', /must be an object/],
    ['empty input', { input: [] }, 'input', /non-empty/],
    ['an unknown role', { input: [{ role: 'tool', content: 'x' }] }, 'input[0].role', /expected user, assistant, system or developer/],
    ['an image in a system message', { input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'https://x' }] }] }, 'input[0].content[0].type', /not allowed in a system message/],
    ['an image without a URL', { input: [{ role: 'user', content: [{ type: 'input_image', detail: 'auto' }] }] }, 'input[0].content[0].image_url', /image_url/],
    ['a file without data', { input: [{ role: 'user', content: [{ type: 'input_file', filename: 'a.pdf' }] }] }, 'input[0].content[0]', /`file_data`, `file_url` or `file_id`/],
    ['a function call without call_id', { input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id', /non-empty string/],
    ['a tool output without call_id', { input: [{ type: 'function_call_output', output: 'x' }] }, 'input[0].call_id', /non-empty string/],
    ['a custom call without input', { input: [{ type: 'custom_tool_call', call_id: 'c', name: 'apply_patch' }] }, 'input[0].input', /string/],
    ['temperature out of range', { temperature: 3 }, 'temperature', /from 0 to 2/],
    ['max_output_tokens of 0', { max_output_tokens: 0 }, 'max_output_tokens', /integer/],
    ['an unknown effort', { reasoning: { effort: 'extreme' } }, 'reasoning.effort', /none, minimal, low, medium, high, xhigh, max/],
    ['an unknown summary', { reasoning: { summary: 'long' } }, 'reasoning.summary', /auto, concise or detailed/],
    ['a json_schema without a schema', { text: { format: { type: 'json_schema', name: 'x' } } }, 'text.format.schema', /JSON Schema/],
    ['an unknown text format', { text: { format: { type: 'xml' } } }, 'text.format.type', /json_schema/],
    ['a hosted tool Gemini lacks', { tools: [{ type: 'file_search', vector_store_ids: ['vs'] }] }, 'tools[0].type', /not supported on Gemini/],
    ['a namespace without tools', { tools: [{ type: 'namespace', name: 'ns', description: 'd', tools: [] }] }, 'tools[0].tools', /non-empty/],
    ['a hosted tool inside a namespace', { tools: [{ type: 'namespace', name: 'ns', description: 'd', tools: [{ type: 'mcp', server_label: 'x' }] }] }, 'tools[0].tools[0].type', /not supported/],
    ['a bad function name', { tools: [{ type: 'function', name: 'my tool', parameters: {} }] }, 'tools[0].name', /letter or underscore/],
    ['a duplicate tool name', { tools: [{ type: 'function', name: 'f' }, { type: 'custom', name: 'f' }] }, 'tools[1].name', /Duplicate/],
    ['parameters that are not an object', { tools: [{ type: 'function', name: 'f', parameters: 'x' }] }, 'tools[0].parameters', /JSON Schema/],
    ['parameters nested 5,000 deep (the echo would exhaust the stack: a 500)', { tools: [{ type: 'function', name: 'f', parameters: deep(5000) }] }, 'tools[0].parameters', /deeper than 64 levels/],
    ['parameters nested 65 deep, inside a namespace', { tools: [{ type: 'namespace', name: 'ns', description: 'd', tools: [{ type: 'function', name: 'f', parameters: deep(65) }] }] }, 'tools[0].tools[0].parameters', /deeper than 64/],
    ['another field of a function tool nested 5,000 deep (the tool list is walked whole to be recognised: a 500)', { tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, x: deep(5000) }] }, 'tools[0]', /deeper than 67 levels/],
    ['a hosted tool nested 5,000 deep (echoed whole: a 500)', { tools: [{ type: 'web_search', filters: deep(5000) }] }, 'tools[0]', /deeper than 67 levels/],
    ['a json_schema format nested 5,000 deep (echoed in the Response)', { text: { format: { type: 'json_schema', name: 'x', schema: deep(5000) } } }, 'text.format.schema', /deeper than 64/],
    ['a custom tool format of another kind', { tools: [{ type: 'custom', name: 'f', format: { type: 'regex' } }] }, 'tools[0].format', /grammar/],
    ['tool_choice naming an absent tool', { tools: [{ type: 'function', name: 'f' }], tool_choice: { type: 'function', name: 'g' } }, 'tool_choice.name', /not among the tools/],
    ['a bad tool_choice', { tool_choice: 'always' }, 'tool_choice', /none, auto, required/],
    ['more than 5 stop sequences', { stop: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'stop', /at most 5/],
    ['metadata with a number', { metadata: { n: 1 } }, 'metadata', /string values/],
    ['include that is not a list', { include: 'reasoning.encrypted_content' }, 'include', /array of strings/],
  ])('%s', (_name, body, param, message) => {
    const err = reject(body);
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
    expect(err.message).toMatch(message);
  });
});

describe('parseResponsesRequest accepts and normalises', () => {
  it('parameters nested exactly 64 levels (objects and arrays counted alike), at the top and inside a namespace', () => {
    expect(() => parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: [{ type: 'function', name: 'f', parameters: deep(64) }] })).not.toThrow();
    expect(() => parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: [{ type: 'namespace', name: 'ns', description: 'd', tools: [{ type: 'function', name: 'f', parameters: deep(64) }] }] })).not.toThrow();
    expect(() => parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: [{ type: 'function', name: 'f', parameters: nested(20) }] })).not.toThrow();
  });

  it('a string input becomes one user message; a message without type gets one', () => {
    expect(parseResponsesRequest({ model: 'm', input: 'hi' }).input).toEqual([{ type: 'message', role: 'user', content: 'hi' }]);
    expect(parseResponsesRequest({ model: 'm', input: [{ role: 'developer', content: 'x' }] }).input).toEqual([{ type: 'message', role: 'developer', content: 'x' }]);
  });

  it('what Codex sends: store false, include, prompt_cache_key, custom and function tools, reasoning, stream', () => {
    const body = {
      model: 'gemini-2.5-flash',
      instructions: 'You are Codex.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions>' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'fix the bug' }] },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Looking' }], content: null, encrypted_content: 'gemini-thought-signature:abc' },
        { type: 'function_call', name: 'shell', arguments: '{"command":["ls"]}', call_id: 'call_1' },
        { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
        { type: 'custom_tool_call', status: 'completed', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch' },
        { type: 'custom_tool_call_output', call_id: 'call_2', output: 'Success' },
      ],
      tools: [
        { type: 'function', name: 'shell', description: 'Runs a shell command', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'], additionalProperties: false } },
        { type: 'custom', name: 'apply_patch', description: 'Patch files', format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch hunk+ end_patch' } },
        { type: 'namespace', name: 'multi_agent_v1', description: 'Sub-agents', tools: [{ type: 'function', name: 'spawn_agent', strict: false, parameters: { type: 'object', properties: {} } }] },
        { type: 'web_search', external_web_access: true },
      ],
      client_metadata: { turn_id: 't1' },
      tool_choice: 'auto',
      parallel_tool_calls: false,
      reasoning: { effort: 'medium', summary: 'auto' },
      store: false,
      stream: true,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: '0199-uuid',
      text: { verbosity: 'medium' },
    };
    expect(() => parseResponsesRequest(body)).not.toThrow();
  });
});
