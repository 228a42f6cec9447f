// Why a candidate ended: every Gemini finishReason in one of three categories, which each dialect
// names in its own words (OpenAI: stop / length / content_filter; Anthropic: end_turn /
// max_tokens / refusal). Shared by every response and stream converter.
import type { Gemini } from '@opengemini/shared';

export type GeminiFinishReason = NonNullable<Gemini.Candidate['finishReason']>;

/**
 * Every Gemini finishReason (discovery revision 20260325) onto three categories, named after
 * OpenAI's values that are not about tool calls. A test reads the enum from the discovery
 * document, so a value Google adds fails the build instead of slipping through raw.
 *
 * | Gemini                                   | category       | why                                        |
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
 * (*) `stop` becomes the dialect's "tool calls" reason when the answer carries tool calls: agent
 * loops run the tools only then. `length` and `content_filter` stay as they are, as OpenAI does.
 */
export type FinishCategory = 'stop' | 'length' | 'content_filter';

export const FINISH_REASONS: Readonly<Record<GeminiFinishReason, FinishCategory>> = {
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

/** The category of a Gemini finishReason; an unknown (newer) value ends the turn as `stop`. */
export function finishCategory(reason: string | undefined): FinishCategory {
  return reason !== undefined && Object.hasOwn(FINISH_REASONS, reason) ? FINISH_REASONS[reason as GeminiFinishReason] : 'stop';
}
