/**
 * Parses a google.protobuf.Duration in its JSON form ("47s", "0.5s", "1.000340s") into
 * milliseconds. Returns undefined for anything else. Gemini's RetryInfo.retryDelay uses it.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}
