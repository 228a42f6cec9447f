import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { geminiDiscoveryPath, oraclesMissingMessage, oraclesPresent } from '../../tools/src/oracles/paths';
import { FINISH_REASONS } from '../src/gemini/finish';
import { mapFinishReason, mapUsage } from '../src/dialects/openai-chat/finish';

const OPENAI_FINISH = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'];

describe.skipIf(!oraclesPresent)('finish reasons against the discovery document', () => {
  const discovery = oraclesPresent ? JSON.parse(readFileSync(geminiDiscoveryPath, 'utf8')) : undefined;
  const values: string[] = discovery?.schemas?.Candidate?.properties?.finishReason?.enum ?? [];

  it('reads a non-empty finishReason enum from the oracle', () => {
    expect(values.length).toBeGreaterThan(10);
  });

  it('maps every Gemini finishReason explicitly (a new value fails here)', () => {
    expect(Object.keys(FINISH_REASONS).sort()).toEqual([...values].sort());
  });

  it.each(values)('%s maps onto an OpenAI finish_reason, with and without tool calls', (value) => {
    expect(OPENAI_FINISH).toContain(mapFinishReason(value, false));
    expect(OPENAI_FINISH).toContain(mapFinishReason(value, true));
    expect(mapFinishReason(value, false)).not.toBe('tool_calls');
  });
});
if (!oraclesPresent) it.skip(oraclesMissingMessage, () => {});

describe('mapFinishReason', () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', false, 'length'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['SAFETY', true, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['LANGUAGE', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['IMAGE_PROHIBITED_CONTENT', false, 'content_filter'],
    ['IMAGE_RECITATION', false, 'content_filter'],
    ['OTHER', false, 'stop'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
    ['UNEXPECTED_TOOL_CALL', false, 'stop'],
    ['TOO_MANY_TOOL_CALLS', false, 'stop'],
    ['TOO_MANY_TOOL_CALLS', true, 'tool_calls'],
    ['MISSING_THOUGHT_SIGNATURE', false, 'stop'],
    ['MALFORMED_RESPONSE', false, 'stop'],
    ['NO_IMAGE', false, 'stop'],
    ['IMAGE_OTHER', false, 'stop'],
    ['FINISH_REASON_UNSPECIFIED', false, 'stop'],
    ['SOMETHING_GOOGLE_ADDS_LATER', false, 'stop'],
    ['SOMETHING_GOOGLE_ADDS_LATER', true, 'tool_calls'],
    [undefined, false, 'stop'],
    ['toString', false, 'stop'],
  ] as const)('%s with tool calls=%s -> %s', (reason, tools, expected) => {
    expect(mapFinishReason(reason, tools)).toBe(expected);
  });
});

describe('mapUsage', () => {
  it('counts tool-use prompt tokens as prompt and thoughts as completion (reasoning) tokens', () => {
    expect(
      mapUsage({
        promptTokenCount: 100,
        toolUsePromptTokenCount: 20,
        candidatesTokenCount: 30,
        thoughtsTokenCount: 40,
        cachedContentTokenCount: 64,
        totalTokenCount: 190,
      }),
    ).toEqual({
      prompt_tokens: 120,
      completion_tokens: 70,
      total_tokens: 190,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 40 },
    });
  });

  it('reads absent counts (MAX_TOKENS while thinking has no candidatesTokenCount) as zero', () => {
    expect(mapUsage({ promptTokenCount: 8, thoughtsTokenCount: 50, totalTokenCount: 58 })).toEqual({
      prompt_tokens: 8,
      completion_tokens: 50,
      total_tokens: 58,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 50 },
    });
  });

  it('gives zeros, not undefined, when Gemini sent no usage', () => {
    expect(mapUsage(undefined)).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it('sums the parts when totalTokenCount is missing or smaller, keeps a larger one', () => {
    expect(mapUsage({ promptTokenCount: 5, candidatesTokenCount: 7 }).total_tokens).toBe(12);
    expect(mapUsage({ promptTokenCount: 5, candidatesTokenCount: 7, totalTokenCount: 3 }).total_tokens).toBe(12);
    expect(mapUsage({ promptTokenCount: 5, candidatesTokenCount: 7, totalTokenCount: 15 }).total_tokens).toBe(15);
  });

  it('ignores counts that are not non-negative numbers', () => {
    const bad = { promptTokenCount: '12', candidatesTokenCount: -3, thoughtsTokenCount: Number.NaN } as unknown as Parameters<typeof mapUsage>[0];
    expect(mapUsage(bad)).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });
});
