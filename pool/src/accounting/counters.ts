// One row of usage counters. Import-free on purpose: the dashboard (pool/web) type-checks its
// reading of the admin API against this very declaration.

export interface Counters {
  requests: number;
  tokensIn: number;
  tokensOut: number;
  /** Answered 429: for keys, attempts Gemini refused for quota; for clients, requests answered 429. */
  rateLimited: number;
  /** Attempts (keys) or requests (clients) that failed for any other reason. */
  errors: number;
}
