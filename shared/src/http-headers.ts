// What both tiers put in the headers of their answers: Retry-After as sent, and the SSE headers.

/**
 * Retry-After as sent (RFC 9110 §10.2.3, delay-seconds): whole seconds rounded up, and at least 1,
 * since "0" reads as "retry at once" to clients that honour it and starts a 429 storm.
 */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** The headers of every SSE answer either tier sends. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Tells nginx-style proxies in front not to buffer the stream.
  'x-accel-buffering': 'no',
});
