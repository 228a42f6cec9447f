// The soak's clients: N loops with the official OpenAI SDK (no retries of its own), half of them
// streaming, each sending one chat after another until the deadline. A 429's Retry-After is
// honoured (capped) before the next request, as a polite client does. Every request is bounded
// in time; every outcome is recorded with the moment it happened, the pool's account of its
// attempts (the x-opengemini-attempts header), and whether a stream had been committed (its head
// and first event had reached the client) before it failed. Each request carries its number in
// its prompt (`soak request 17:`), so what the mock saw of it can be joined to it.
import OpenAI from 'openai';
import { ATTEMPTS_HEADER, type AttemptTrail, parseAttempts } from '@opengemini/shared';

export interface Outcome {
  /** The request's number, as written in its prompt. */
  n: number;
  ok: boolean;
  streamed: boolean;
  /** `429 all_keys_cooling`, `stream gemini_bad_answer`, `network APIConnectionError`... */
  reason?: string;
  /** ms since the epoch, when the client saw the outcome. */
  at: number;
  ms: number;
  /** The pool's x-opengemini-attempts header, when its answer had one. */
  trail?: AttemptTrail;
  /** A stream whose head (status 200 and first event) had reached the client: nothing could be retried after that. */
  committed: boolean;
  /** The client hung up on purpose (--hangups): not a failure of the pool. */
  hungUp?: boolean;
}

/** The tag in request n's prompt: the mock's journal finds the request by it. */
export const promptTag = (n: number) => `soak request ${n}:`;

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  clients: number;
  model: string;
  /** ms since the epoch: no request starts after it. */
  until: number;
  /** Per request, ms. */
  timeoutMs: number;
  /** Longest Retry-After honoured, ms. */
  maxRetryAfterMs: number;
  /** Share of requests the client abandons on purpose, after a random 0-2 s (a user pressing stop). */
  hangUps?: number;
  /** Drives which requests are abandoned, and when (seeded, so runs repeat). */
  random?: () => number;
}

/** The longest a client waits before hanging up on purpose, ms. */
const MAX_HANG_UP_MS = 2_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** An answer that came without an error but was not whole (no content or no finish_reason). */
class IncompleteAnswer extends Error {}

function reasonOf(err: unknown): { reason: string; retryAfterMs?: number; trail?: AttemptTrail } {
  if (err instanceof IncompleteAnswer) return { reason: `incomplete ${err.message}` };
  if (err instanceof OpenAI.APIConnectionError) return { reason: `network ${err.constructor.name}` };
  if (err instanceof OpenAI.APIError) {
    const trail = parseAttempts(err.headers?.get(ATTEMPTS_HEADER));
    const body = err.error as { code?: unknown } | undefined;
    const code = typeof err.code === 'string' ? err.code : typeof body?.code === 'string' ? body.code : 'no_code';
    const retryAfter = Number(err.headers?.get('retry-after'));
    const status = err.status === undefined ? 'stream' : String(err.status);
    return { reason: `${status} ${code}`, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}), ...(trail && { trail }) };
  }
  return { reason: `client ${err instanceof Error ? err.name : 'error'}` };
}

/** What a request learnt before it ended, well or not. */
interface Seen {
  trail?: AttemptTrail;
  committed: boolean;
}

async function once(client: OpenAI, model: string, streamed: boolean, n: number, seen: Seen, signal?: AbortSignal): Promise<void> {
  const messages = [{ role: 'user' as const, content: `${promptTag(n)} say something short` }];
  const opts = signal ? { signal } : {};
  if (!streamed) {
    const { data: res, response } = await client.chat.completions.create({ model, messages }, opts).withResponse();
    const trail = parseAttempts(response.headers.get(ATTEMPTS_HEADER));
    if (trail) seen.trail = trail;
    if (!res.choices[0]?.message.content || !res.choices[0].finish_reason) throw new IncompleteAnswer('answer');
    return;
  }
  const { data: stream, response } = await client.chat.completions.create({ model, messages, stream: true }, opts).withResponse();
  const trail = parseAttempts(response.headers.get(ATTEMPTS_HEADER));
  if (trail) seen.trail = trail;
  seen.committed = true;
  let text = '';
  let finished = false;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    if (chunk.choices[0]?.finish_reason) finished = true;
  }
  if (!finished || text === '') throw new IncompleteAnswer('stream');
}

/** Runs the loops; resolves with every outcome once the last request has ended. */
export async function runClients(options: ClientOptions, onOutcome: (o: Outcome) => void): Promise<void> {
  let counter = 0;
  const loop = async (index: number) => {
    const streamed = index % 2 === 1;
    const client = new OpenAI({ baseURL: `${options.baseUrl}/v1`, apiKey: options.apiKey, maxRetries: 0, timeout: options.timeoutMs });
    while (Date.now() < options.until) {
      const started = Date.now();
      const n = ++counter;
      const seen: Seen = { committed: false };
      const random = options.random ?? Math.random;
      const hangUp = options.hangUps && random() < options.hangUps ? AbortSignal.timeout(Math.round(random() * MAX_HANG_UP_MS)) : undefined;
      try {
        await once(client, options.model, streamed, n, seen, hangUp);
        onOutcome({ n, ok: true, streamed, at: Date.now(), ms: Date.now() - started, committed: seen.committed, ...(seen.trail && { trail: seen.trail }) });
      } catch (err) {
        const { reason, retryAfterMs, trail } = reasonOf(err);
        const t = seen.trail ?? trail;
        const hungUp = hangUp?.aborted === true;
        onOutcome({ n, ok: false, streamed, reason: hungUp ? 'client hung up on purpose' : reason, at: Date.now(), ms: Date.now() - started, committed: seen.committed, ...(t && { trail: t }), ...(hungUp && { hungUp }) });
        if (retryAfterMs !== undefined) await sleep(Math.min(retryAfterMs, options.maxRetryAfterMs, options.until - Date.now()));
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => loop(i)));
}
