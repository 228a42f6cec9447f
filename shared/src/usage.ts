// Gemini's usageMetadata -> token counts, the one rule both tiers count by: tool-use prompt
// tokens (what built-in tools fed the model) are prompt tokens; thoughts are completion tokens,
// as OpenAI counts reasoning tokens. Cached tokens are already inside promptTokenCount. Pure.

export interface GeminiUsageCounts {
  promptTokenCount?: number | undefined;
  toolUsePromptTokenCount?: number | undefined;
  candidatesTokenCount?: number | undefined;
  thoughtsTokenCount?: number | undefined;
  totalTokenCount?: number | undefined;
}

export interface TokenCounts {
  prompt: number;
  completion: number;
  /** Thinking tokens, inside `completion`. */
  reasoning: number;
  total: number;
}

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

export function geminiTokens(usage: GeminiUsageCounts | undefined): TokenCounts {
  const prompt = count(usage?.promptTokenCount) + count(usage?.toolUsePromptTokenCount);
  const reasoning = count(usage?.thoughtsTokenCount);
  const completion = count(usage?.candidatesTokenCount) + reasoning;
  // Google defines totalTokenCount as exactly this sum; take theirs only if it counts more
  // (a component this revision does not know), never a total below its parts.
  const total = Math.max(count(usage?.totalTokenCount), prompt + completion);
  return { prompt, completion, reasoning, total };
}
