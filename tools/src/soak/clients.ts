// The soak's clients: N loops with the official OpenAI SDK (no retries of its own), half of them
// streaming, each sending one chat after another until the deadline. A 429's Retry-After is
// honoured (capped) before the next request, as a polite client does. Every request is bounded
// in time; every outcome is recorded with the moment it happened.
import OpenAI from 'openai';

export interface Outcome {
  ok: boolean;
  streamed: boolean;
  /** `429 all_keys_cooling`, `stream gemini_bad_answer`, `network APIConnectionError`... */
  reason?: string;
  /** ms since the epoch, when the client saw the outcome. */
  at: number;
  ms: number;
}

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
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** An answer that came without an error but was not whole (no content or no finish_reason). */
class IncompleteAnswer extends Error {}

function reasonOf(err: unknown): { reason: string; retryAfterMs?: number } {
  if (err instanceof IncompleteAnswer) return { reason: `incomplete ${err.message}` };
  if (err instanceof OpenAI.APIConnectionError) return { reason: `network ${err.constructor.name}` };
  if (err instanceof OpenAI.APIError) {
    const body = err.error as { code?: unknown } | undefined;
    const code = typeof err.code === 'string' ? err.code : typeof body?.code === 'string' ? body.code : 'no_code';
    const retryAfter = Number(err.headers?.get('retry-after'));
    const status = err.status === undefined ? 'stream' : String(err.status);
    return { reason: `${status} ${code}`, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
  }
  return { reason: `client ${err instanceof Error ? err.name : 'error'}` };
}

async function once(client: OpenAI, model: string, streamed: boolean, n: number): Promise<void> {
  const messages = [{ role: 'user' as const, content: `soak request ${n}: say something short` }];
  if (!streamed) {
    const res = await client.chat.completions.create({ model, messages });
    if (!res.choices[0]?.message.content || !res.choices[0].finish_reason) throw new IncompleteAnswer('answer');
    return;
  }
  const stream = await client.chat.completions.create({ model, messages, stream: true });
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
      try {
        await once(client, options.model, streamed, ++counter);
        onOutcome({ ok: true, streamed, at: Date.now(), ms: Date.now() - started });
      } catch (err) {
        const { reason, retryAfterMs } = reasonOf(err);
        onOutcome({ ok: false, streamed, reason, at: Date.now(), ms: Date.now() - started });
        if (retryAfterMs !== undefined) await sleep(Math.min(retryAfterMs, options.maxRetryAfterMs, options.until - Date.now()));
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => loop(i)));
}
