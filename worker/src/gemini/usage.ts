// What an answer cost, from Gemini's usageMetadata: the counts every dialect reports, each in its
// own shape. Absent or malformed counts read as zeros.
import type { Gemini } from '@opengemini/shared';

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

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

export function readUsage(usage: Gemini.UsageMetadata | undefined): TokenCounts {
  const prompt = count(usage?.promptTokenCount) + count(usage?.toolUsePromptTokenCount);
  const thoughts = count(usage?.thoughtsTokenCount);
  const completion = count(usage?.candidatesTokenCount) + thoughts;
  // Google defines totalTokenCount as exactly this sum; take theirs only if it counts more
  // (a component this revision does not know).
  const total = Math.max(count(usage?.totalTokenCount), prompt + completion);
  return { prompt, cached: count(usage?.cachedContentTokenCount), completion, thoughts, total };
}
