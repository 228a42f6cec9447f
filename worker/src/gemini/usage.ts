// What an answer cost, from Gemini's usageMetadata: the counts every dialect reports, each in its
// own shape. Absent or malformed counts read as zeros.
import { type Gemini, geminiTokens } from '@opengemini/shared';

export interface TokenCounts {
  /** Prompt tokens, tool-use prompt tokens (what built-in tools fed the model) included. */
  prompt: number;
  /** Of `prompt`, tokens read from a cache (cachedContentTokenCount). */
  cached: number;
  /** Answer tokens, thoughts included. */
  completion: number;
  /** Of `completion`, thinking tokens. */
  thoughts: number;
  /** Google's total, or the sum when it counts less (never a total below its parts). */
  total: number;
}

/** The shared counting (shared/src/usage.ts, which the pool uses too) plus the cached share. */
export function readUsage(usage: Gemini.UsageMetadata | undefined): TokenCounts {
  const { prompt, completion, reasoning, total } = geminiTokens(usage);
  const cached = usage?.cachedContentTokenCount;
  return { prompt, cached: typeof cached === 'number' && Number.isFinite(cached) && cached > 0 ? Math.floor(cached) : 0, completion, thoughts: reasoning, total };
}

/**
 * The pool's token report at the end of a converted stream (docs/contract.md, "Token counts of
 * streams"): an SSE comment in OpenAI's usage shape, the same for every dialect, which SSE
 * clients skip (WHATWG HTML §9.2.6: lines starting with ':').
 */
export function usageComment(usage: Gemini.UsageMetadata | undefined): string {
  const t = readUsage(usage);
  return `: usage {"prompt_tokens":${t.prompt},"completion_tokens":${t.completion},"total_tokens":${t.total}}\n\n`;
}
