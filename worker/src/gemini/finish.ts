// Why a choice ended, and what it cost: Gemini's finishReason and usageMetadata in OpenAI's
// terms. Shared by the response and the stream converters.
import type { Gemini, OpenAI } from '@opengemini/shared';

export type GeminiFinishReason = NonNullable<Gemini.Candidate['finishReason']>;

/**
 * Every Gemini finishReason (discovery revision 20260325) onto the three OpenAI values that are
 * not about tool calls. A test reads the enum from the discovery document, so a value Google adds
 * fails the build instead of slipping through raw.
 *
 * | Gemini                                   | OpenAI         | why                                        |
 * |------------------------------------------|----------------|--------------------------------------------|
 * | STOP                                     | stop (*)       | natural end or a stop sequence             |
 * | MAX_TOKENS                               | length         | max_tokens reached (also while thinking)   |
 * | SAFETY, RECITATION, LANGUAGE, BLOCKLIST, | content_filter | Google withheld or cut the content, which  |
 * | PROHIBITED_CONTENT, SPII, IMAGE_SAFETY,  |                | is what OpenAI's content_filter says       |
 * | IMAGE_PROHIBITED_CONTENT,                |                | ("omitted due to a flag from our content   |
 * | IMAGE_RECITATION                         |                | filters"); LANGUAGE = unsupported language |
 * | MALFORMED_FUNCTION_CALL,                 | stop (*)       | the model's own failure, not a filter: the |
 * | UNEXPECTED_TOOL_CALL,                    |                | turn is over and what it produced is kept; |
 * | TOO_MANY_TOOL_CALLS,                     |                | OpenAI has no "error" finish reason        |
 * | MISSING_THOUGHT_SIGNATURE,               |                |                                            |
 * | MALFORMED_RESPONSE, OTHER, NO_IMAGE,     |                |                                            |
 * | IMAGE_OTHER, FINISH_REASON_UNSPECIFIED   |                |                                            |
 *
 * (*) `stop` becomes `tool_calls` when the choice carries tool calls: agent loops run the tools
 * only on `tool_calls`. `length` and `content_filter` stay as they are, as OpenAI does.
 */
export const FINISH_REASONS: Readonly<Record<GeminiFinishReason, 'stop' | 'length' | 'content_filter'>> = {
  FINISH_REASON_UNSPECIFIED: 'stop',
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  LANGUAGE: 'content_filter',
  OTHER: 'stop',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  MALFORMED_FUNCTION_CALL: 'stop',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_OTHER: 'stop',
  NO_IMAGE: 'stop',
  IMAGE_RECITATION: 'content_filter',
  UNEXPECTED_TOOL_CALL: 'stop',
  TOO_MANY_TOOL_CALLS: 'stop',
  MISSING_THOUGHT_SIGNATURE: 'stop',
  MALFORMED_RESPONSE: 'stop',
};

/** OpenAI's finish_reason for a Gemini one; an unknown (newer) value ends the turn as `stop`. */
export function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): OpenAI.FinishReason {
  const base = reason !== undefined && Object.hasOwn(FINISH_REASONS, reason) ? FINISH_REASONS[reason as GeminiFinishReason] : 'stop';
  return base === 'stop' && hasToolCalls ? 'tool_calls' : base;
}

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/**
 * Gemini usage in OpenAI's shape. Tool-use prompt tokens (what built-in tools fed the model) are
 * prompt tokens; thoughts are completion tokens, as OpenAI counts reasoning tokens, and are also
 * reported as `reasoning_tokens`. Cached tokens are already inside promptTokenCount, as OpenAI's
 * `cached_tokens` are inside `prompt_tokens`. Absent usage reads as zeros: OpenAI clients expect
 * the object.
 */
export function mapUsage(usage: Gemini.UsageMetadata | undefined): OpenAI.CompletionUsage {
  const prompt = count(usage?.promptTokenCount) + count(usage?.toolUsePromptTokenCount);
  const reasoning = count(usage?.thoughtsTokenCount);
  const completion = count(usage?.candidatesTokenCount) + reasoning;
  // Google defines totalTokenCount as exactly this sum; take theirs only if it counts more
  // (a component this revision does not know), never a total below its parts.
  const total = Math.max(count(usage?.totalTokenCount), prompt + completion);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: total,
    prompt_tokens_details: { cached_tokens: count(usage?.cachedContentTokenCount) },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}
