// A client that asks for one function call per turn (OpenAI's parallel_tool_calls: false,
// Anthropic's tool_choice.disable_parallel_tool_use) is shown each answer's first call only, in
// every dialect, whole and streamed: Gemini has no such switch and may call several functions in
// one turn, and a client that runs the one call it expects and answers it would leave Gemini a
// turn with more calls than results. Without the flag every call comes through.
import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { toMessage } from '../src/dialects/anthropic/response';
import { MessagesStreamConverter } from '../src/dialects/anthropic/stream';
import { toChatCompletion } from '../src/dialects/openai-chat/response';
import { ChatStreamConverter } from '../src/dialects/openai-chat/stream';
import { toResponse } from '../src/dialects/responses/response';
import { ResponsesStreamConverter } from '../src/dialects/responses/stream';
import { CallAllowance } from '../src/gemini/parts';
import type { StreamConverter } from '../src/sse-stream';
import { pinnedContext } from './support/responses';

const parts: Gemini.Part[] = [
  { text: 'Reading both.' },
  { functionCall: { name: 'read', args: { path: 'a' } }, thoughtSignature: 'c2ln' },
  { functionCall: { name: 'read', args: { path: 'b' } } },
  { functionCall: { name: 'read', args: { path: 'c' } } },
];
const whole: Gemini.GenerateContentResponse = { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }] };
/** The same answer streamed, its calls split over two Gemini events. */
const streamed: Gemini.GenerateContentResponse[] = [
  { candidates: [{ content: { role: 'model', parts: parts.slice(0, 2) }, index: 0 }] },
  { candidates: [{ content: { role: 'model', parts: parts.slice(2) }, finishReason: 'STOP', index: 0 }] },
];

function run(converter: StreamConverter): string {
  let out = '';
  for (const event of streamed) out += converter.push(new TextEncoder().encode(`data: ${JSON.stringify(event)}\r\n\r\n`));
  return out + converter.end();
}

/** The `path` argument of every call a dialect's output shows, in order. */
const pathsIn = (text: string): string[] => [...text.matchAll(/\\?"path\\?":\s*\\?"([a-c])\\?"/g)].map((m) => m[1]!);

interface Dialect {
  name: string;
  whole(one: boolean): unknown;
  stream(one: boolean): StreamConverter;
  /** The calls of the streamed output (deltas of the same call counted once). */
  streamedPaths(sse: string): string[];
}

const dialects: Dialect[] = [
  {
    name: 'OpenAI chat (parallel_tool_calls: false)',
    whole: (one) => toChatCompletion(whole, { id: 'c', created: 1, model: 'gemini-2.5-flash', oneCallPerTurn: one }).choices[0]?.message.tool_calls,
    stream: (one) => new ChatStreamConverter({ id: 'c', created: 1, model: 'gemini-2.5-flash', includeUsage: false, oneCallPerTurn: one }),
    streamedPaths: (sse) => pathsIn(sse),
  },
  {
    name: 'Anthropic Messages (disable_parallel_tool_use)',
    whole: (one) => toMessage(whole, { id: 'm', model: 'gemini-2.5-flash', oneCallPerTurn: one }).content.filter((b) => b.type === 'tool_use'),
    stream: (one) => new MessagesStreamConverter({ id: 'm', model: 'gemini-2.5-flash', oneCallPerTurn: one }),
    streamedPaths: (sse) => pathsIn(sse.split('\n\n').filter((f) => f.includes('input_json_delta')).join('\n')),
  },
  {
    name: 'OpenAI Responses (parallel_tool_calls: false)',
    whole: (one) => toResponse(whole, pinnedContext({ tools: [{ type: 'function', name: 'read' }], parallel_tool_calls: !one }, true)).output.filter((o) => o.type === 'function_call'),
    stream: (one) => new ResponsesStreamConverter(pinnedContext({ tools: [{ type: 'function', name: 'read' }], parallel_tool_calls: !one }, true)),
    streamedPaths: (sse) => pathsIn(sse.split('\n\n').filter((f) => f.startsWith('event: response.function_call_arguments.done')).join('\n')),
  },
];

describe.each(dialects)('$name', (d) => {
  it.each([
    [true, ['a']],
    [false, ['a', 'b', 'c']],
  ])('one call per turn %s: whole answers show the calls %j, streams the same', (one, expected) => {
    expect(pathsIn(JSON.stringify(d.whole(one)))).toEqual(expected);
    expect(d.streamedPaths(run(d.stream(one)))).toEqual(expected);
  });
});

describe('CallAllowance', () => {
  it('spends one call across several takes when one call per turn is asked, none otherwise', () => {
    const call = (path: string) => ({ name: 'read', args: { path } });
    const one = new CallAllowance(true);
    expect(one.take([call('a'), call('b')]).map((c) => c.args.path)).toEqual(['a']);
    expect(one.take([call('c')])).toEqual([]);
    const all = new CallAllowance(false);
    expect(all.take([call('a'), call('b')])).toHaveLength(2);
    expect(all.take([call('c')])).toHaveLength(1);
  });
});
