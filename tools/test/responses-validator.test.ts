import { describe, expect, it } from 'vitest';
import { validateOpenAI } from '../src/oracles/openai-validator';
import { oraclesMissingMessage, oraclesPresent } from '../src/oracles/paths';
import { checkResponsesStream } from '../src/oracles/responses-stream';

const title = (name: string): string => (oraclesPresent ? name : `${name} (skipped: ${oraclesMissingMessage})`);

const usage = { input_tokens: 8, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 11 };
const response = (extra: Record<string, unknown> = {}) => ({
  id: 'resp_1',
  object: 'response',
  created_at: 1_700_000_000,
  status: 'completed',
  error: null,
  incomplete_details: null,
  instructions: null,
  model: 'gemini-2.5-flash',
  output: [],
  parallel_tool_calls: true,
  metadata: {},
  tool_choice: 'auto',
  tools: [],
  temperature: null,
  top_p: null,
  usage,
  ...extra,
});
const message = (text: string, status = 'completed') => ({ id: 'msg_1', type: 'message', role: 'assistant', status, content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] });
const call = { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' };

/** A text answer streamed as OpenAI streams it. */
function textStream(): Array<Record<string, unknown>> {
  const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
  const ev = [
    { type: 'response.created', response: response({ status: 'in_progress', usage: undefined }) },
    { type: 'response.in_progress', response: response({ status: 'in_progress', usage: undefined }) },
    { type: 'response.output_item.added', output_index: 0, item: { ...message(''), content: [], status: 'in_progress' } },
    { type: 'response.content_part.added', item_id: 'msg_1', output_index: 0, content_index: 0, part },
    { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hel', logprobs: [] },
    { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'lo', logprobs: [] },
    { type: 'response.output_text.done', item_id: 'msg_1', output_index: 0, content_index: 0, text: 'Hello', logprobs: [] },
    { type: 'response.content_part.done', item_id: 'msg_1', output_index: 0, content_index: 0, part: { ...part, text: 'Hello' } },
    { type: 'response.output_item.done', output_index: 0, item: message('Hello') },
    { type: 'response.completed', response: response({ output: [message('Hello')] }) },
  ];
  return ev.map((e, i) => ({ ...e, sequence_number: i }));
}

describe.skipIf(!oraclesPresent)(title('validateOpenAI on Responses bodies'), () => {
  it.each([
    ['a completed text response', 'Response', response({ output: [message('Hi')] })],
    ['a function call with a reasoning item carrying encrypted_content', 'Response', response({ output: [{ id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'thinking' }], encrypted_content: 'c2ln' }, call] })],
    ['a custom tool call', 'Response', response({ output: [{ id: 'ctc_1', type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch' }] })],
    ['an incomplete response', 'Response', response({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [message('Hi', 'incomplete')] })],
    ['a url_citation annotation', 'Response', response({ output: [{ ...message('Paris'), content: [{ type: 'output_text', text: 'Paris', logprobs: [], annotations: [{ type: 'url_citation', url: 'https://x.example', title: 'X', start_index: 0, end_index: 5 }] }] }] })],
    ['a token count', 'TokenCountsResource', { object: 'response.input_tokens', input_tokens: 11 }],
    ['an error event', 'ResponseStreamEvent', { type: 'error', code: 'quota_per_minute', message: 'slow down', param: null, sequence_number: 4 }],
  ])('accepts %s', (_name, schema, body) => {
    expect(validateOpenAI(schema, body)).toEqual([]);
  });

  it.each([
    ['a response without output', 'Response', { ...response(), output: undefined }, "$ must have required property 'output'"],
    ['a Gemini finish reason as incomplete reason', 'Response', response({ status: 'incomplete', incomplete_details: { reason: 'MAX_TOKENS' } }), '$.incomplete_details'],
    ['usage in chat completion terms', 'Response', response({ usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }), "$.usage must have required property 'input_tokens'"],
    ['a text delta without logprobs', 'ResponseStreamEvent', { type: 'response.output_text.delta', item_id: 'm', output_index: 0, content_index: 0, delta: 'x', sequence_number: 1 }, "$ must have required property 'logprobs'"],
    ['an event type OpenAI does not define', 'ResponseStreamEvent', { type: 'response.thinking.delta', sequence_number: 1 }, '$.type must name a ResponseStreamEvent type ("response.thinking.delta" names none)'],
    ['a function call item without call_id', 'ResponseStreamEvent', { type: 'response.output_item.added', output_index: 0, sequence_number: 2, item: { ...call, call_id: undefined } }, '$.item'],
  ])('rejects %s, naming the path', (_name, schema, body, expected) => {
    const errors = validateOpenAI(schema, JSON.parse(JSON.stringify(body)));
    expect(errors.some((e) => e.startsWith(expected)), errors.join('\n')).toBe(true);
  });

  it('names only the branch the event type selects, not all sixty', () => {
    const errors = validateOpenAI('ResponseStreamEvent', { type: 'response.output_text.done', item_id: 'm', output_index: 0, content_index: 0, sequence_number: 1, logprobs: [] });
    expect(errors).toEqual(["$ must have required property 'text'"]);
  });
});

describe.skipIf(!oraclesPresent)(title('checkResponsesStream: the grammar of a whole stream'), () => {
  it('accepts a text answer streamed as OpenAI streams it', () => {
    expect(checkResponsesStream(textStream())).toEqual([]);
  });

  const cases: Array<[string, (ev: Array<Record<string, unknown>>) => void, string]> = [
    ['a gap in sequence_number', (ev) => (ev[5]!.sequence_number = 9), 'event 5 (response.output_text.delta): sequence_number 9 does not follow 4'],
    ['a silent end', (ev) => ev.pop(), 'no terminal event'],
    ['an event after the terminal one', (ev) => ev.push({ ...ev[6]!, sequence_number: 10 }), 'event 10 (response.output_text.done) comes after the terminal event 9 (response.completed)'],
    ['in_progress missing', (ev) => ev.splice(1, 1), 'event 1 (response.output_item.added): the second event must be response.in_progress'],
    ['deltas that do not add up', (ev) => (ev[5]!.delta = 'l'), 'event 6 (response.output_text.done): text is not the sum of its deltas'],
    ['a delta for an item never announced', (ev) => (ev[4]!.output_index = 1), 'event 4 (response.output_text.delta): output_index 1 was never announced'],
    ['a final output that differs from the done items', (ev) => ((ev[9]!.response as { output: unknown[] }).output = []), 'the terminal response.output is not the list of items'],
    ['a final status that contradicts the event', (ev) => ((ev[9]!.response as { status: string }).status = 'incomplete'), 'the terminal response.completed carries status incomplete'],
  ];
  it.each(cases)('rejects %s', (_name, spoil, expected) => {
    const ev = textStream();
    spoil(ev);
    const problems = checkResponsesStream(ev);
    expect(problems.some((p) => p.startsWith(expected)), problems.join('\n')).toBe(true);
  });
});
