// Why a choice ended, and what it cost, in OpenAI's terms. Shared by the response and the stream
// converters; the Gemini side of both is the core's (gemini/finish.ts, gemini/usage.ts).
import type { Gemini, OpenAI } from '@opengemini/shared';
import { finishCategory } from '../../gemini/finish';
import { readUsage } from '../../gemini/usage';

/** OpenAI's finish_reason for a Gemini one: `stop` becomes `tool_calls` when the choice carries
 * tool calls (agent loops run the tools only on `tool_calls`). */
export function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): OpenAI.FinishReason {
  const base = finishCategory(reason);
  return base === 'stop' && hasToolCalls ? 'tool_calls' : base;
}

/**
 * Gemini usage in OpenAI's shape: thoughts are completion tokens, as OpenAI counts reasoning
 * tokens, and are also reported as `reasoning_tokens`. Cached tokens are already inside
 * promptTokenCount, as OpenAI's `cached_tokens` are inside `prompt_tokens`. Absent usage reads as
 * zeros: OpenAI clients expect the object.
 */
export function mapUsage(usage: Gemini.UsageMetadata | undefined): OpenAI.CompletionUsage {
  const t = readUsage(usage);
  return {
    prompt_tokens: t.prompt,
    completion_tokens: t.completion,
    total_tokens: t.total,
    prompt_tokens_details: { cached_tokens: t.cached },
    completion_tokens_details: { reasoning_tokens: t.thoughts },
  };
}
