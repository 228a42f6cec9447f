// parallel_tool_calls: false. Gemini has no switch for it and may call several functions in one
// turn: the client that asked for at most one gets the first (the one carrying a Gemini 3
// signature), whole and streamed; without the flag (or true) every call comes through.
import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { validateOpenAI } from '../../tools/src/oracles/openai-validator';
import { oraclesPresent } from '../../tools/src/oracles/paths';
import { checkResponsesStream } from '../../tools/src/oracles/responses-stream';
import { toResponse } from '../src/dialects/responses/response';
import { ResponsesStreamConverter } from '../src/dialects/responses/stream';
import { pinnedContext } from './support/responses';

type Event = Record<string, unknown> & { type: string };
const tools = [{ type: 'function', name: 'read' }, { type: 'custom', name: 'apply_patch' }];
const parts: Gemini.Part[] = [
  { text: 'Reading both.' },
  { functionCall: { name: 'read', args: { path: 'a' } }, thoughtSignature: 'c2ln' },
  { functionCall: { name: 'read', args: { path: 'b' } } },
  { functionCall: { name: 'apply_patch', args: { input: 'x' } } },
];
const answer: Gemini.GenerateContentResponse = { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }] };

const calls = (output: Array<{ type: string }>) => output.filter((o) => o.type === 'function_call' || o.type === 'custom_tool_call') as Array<{ type: string; call_id: string; arguments?: string }>;

function streamed(parallel: boolean | undefined, chunks: Gemini.GenerateContentResponse[]): Event[] {
  const conv = new ResponsesStreamConverter(pinnedContext({ tools, ...(parallel === undefined ? {} : { parallel_tool_calls: parallel }) }, true));
  let raw = '';
  for (const c of chunks) raw += conv.push(new TextEncoder().encode(`data: ${JSON.stringify(c)}\r\n\r\n`));
  raw += conv.end();
  return raw.split('\n\n').filter((f) => f.startsWith('event: ')).map((f) => JSON.parse(f.split('\n')[1]!.slice(6)) as Event);
}

describe('parallel_tool_calls', () => {
  it.each<[string, boolean | undefined, number]>([
    ['false: the first call only', false, 1],
    ['true: every call', true, 3],
    ['absent (OpenAI\'s default, true): every call', undefined, 3],
  ])('%s, whole and streamed alike', (_name, parallel, count) => {
    const ctx = pinnedContext({ tools, ...(parallel === undefined ? {} : { parallel_tool_calls: parallel }) }, true);
    const res = toResponse(answer, ctx);
    const whole = calls(res.output);
    expect(whole).toHaveLength(count);
    expect(whole[0]).toMatchObject({ type: 'function_call', call_id: 'call_c2ln', arguments: '{"path":"a"}' });
    expect(res.parallel_tool_calls).toBe(parallel !== false);
    if (oraclesPresent) expect(validateOpenAI('Response', JSON.parse(JSON.stringify(res)))).toEqual([]);

    // Streamed, the calls split over two Gemini events: the same calls, the same final output.
    const events = streamed(parallel, [
      { candidates: [{ content: { role: 'model', parts: parts.slice(0, 2) }, index: 0 }] },
      { candidates: [{ content: { role: 'model', parts: parts.slice(2) }, finishReason: 'STOP', index: 0 }] },
    ]);
    const added = events.filter((e) => e.type === 'response.output_item.added' && ['function_call', 'custom_tool_call'].includes((e.item as { type: string }).type));
    expect(added).toHaveLength(count);
    const final = events.at(-1)!.response as { output: Array<{ type: string }> };
    expect(calls(final.output).map((c) => c.call_id)).toEqual(whole.map((c) => c.call_id));
    if (oraclesPresent) expect(checkResponsesStream(events)).toEqual([]);
  });
});
