// Gemini `streamGenerateContent?alt=sse` bytes -> OpenAI chat.completion.chunk SSE bytes.
//
// What the client sees, per choice: a first chunk `{role:'assistant', content:''}`; one chunk per
// segment of each Gemini event as it arrives (reasoning_content, content or tool_calls, never
// mixed); a chunk with an empty delta and the finish_reason. Then, once Gemini's body ends, the
// usage chunk (`choices: []`, only with stream_options.include_usage) and `data: [DONE]`.
// Every chunk has finish_reason null except the finish chunk.
//
// Failures end the stream with one OpenAI error event (`{"error":{message,type,param,code}}`,
// code = the contract fault code) and no [DONE], which is what OpenAI does and what makes the
// openai SDKs throw (Stream.fromSSEResponse raises APIError on `data.error`):
// - an `{"error":...}` event from Gemini: classified as any Gemini error (gemini-errors.ts);
// - an event that is not JSON, or larger than 16 MiB: gemini_internal;
// - the body ending before every choice has a finishReason or in the middle of an event, or
//   erroring (connection lost): upstream_network. A cut must never look like a normal finish.
import type { Gemini, OpenAI } from '@opengemini/shared';
import { ApiError } from '../../errors';
import { classifyGeminiError } from '../../gemini/errors';
import { errorBody, toApiError } from '../../http';
import { SSE_DONE_TEXT, SSE_KEEPALIVE_TEXT, SseEventTooLargeError, SseParser, Utf8Encoder, sseDataFrame } from '../../sse';
import { mapFinishReason, mapUsage } from '../../gemini/finish';
import { type Segment, type ToolCallIdMinter, defaultToolCallId, mapLogprobs, mapParts } from './parts';
import { type ResponseContext, blockedPromptMessage } from './response';
import { type CommonEvent, readCommonEvent } from '../../gemini/stream-event';

export interface StreamContext extends ResponseContext {
  includeUsage: boolean;
  /** Idle time (ms) after which a `: keep-alive` comment is sent; default 15000, 0 disables. */
  keepAliveMs?: number;
  /** Gemini silent this long (ms) ends the stream with an error event; default 600000, 0 never.
   * Keep-alives keep the client's and the pool's idle timers happy, so without this limit a
   * stalled Gemini connection would hold the stream (and the pool's key) open forever. */
  silenceLimitMs?: number;
}

export const DEFAULT_KEEPALIVE_MS = 15_000;
export const DEFAULT_SILENCE_LIMIT_MS = 600_000;

interface ChoiceState {
  /** Tool calls sent so far: the next one's `index`. */
  toolCalls: number;
  finished: boolean;
}

/**
 * The conversion itself, without streams or timers: bytes in, SSE text out. Once `done` (after
 * [DONE] or an error event) it ignores everything.
 */
export class ChatStreamConverter {
  private finished = false;
  private readonly parser = new SseParser();
  private readonly choices = new Map<number, ChoiceState>();
  private readonly mintId: ToolCallIdMinter;
  private readonly includeUsage: boolean;
  /** The last usageMetadata: raw JSON when the fast path read it (parsed once, at the end). */
  private usage: Gemini.UsageMetadata | string | undefined;
  /** `data: {"id":...,"choices":[` and `]...}\n\n`: the fixed parts of every chunk, built once. */
  private readonly head: string;
  private readonly tail: string;
  /** A text chunk of choice 0 is `content0` (or `reasoning0`) + the JSON string + `textEnd`. */
  private readonly content0: string;
  private readonly reasoning0: string;
  private readonly textEnd: string;

  constructor(ctx: StreamContext) {
    this.mintId = ctx.toolCallId ?? defaultToolCallId;
    this.includeUsage = ctx.includeUsage;
    this.head = `data: {"id":${JSON.stringify(ctx.id)},"object":"chat.completion.chunk","created":${Math.floor(ctx.created)},"model":${JSON.stringify(ctx.model)},"choices":[`;
    // OpenAI sends `usage: null` on every chunk but the usage chunk when include_usage is set.
    this.tail = ctx.includeUsage ? '],"usage":null}\n\n' : ']}\n\n';
    this.content0 = `${this.head}{"index":0,"delta":{"content":`;
    this.reasoning0 = `${this.head}{"index":0,"delta":{"reasoning_content":`;
    this.textEnd = `},"finish_reason":null}${this.tail}`;
  }

  /** True once [DONE] or an error event was produced, or after abandon(). */
  get done(): boolean {
    return this.finished;
  }

  /** The client left: produce nothing more. */
  abandon(): void {
    this.finished = true;
  }

  /** Feeds Gemini bytes; returns the OpenAI SSE text they complete (often ''). */
  push(bytes: Uint8Array): string {
    if (this.done) return '';
    let events: string[];
    try {
      events = this.parser.push(bytes);
    } catch (err) {
      return this.parseFailure(err);
    }
    return this.events(events);
  }

  /** Gemini's body ended: the last events, then usage and [DONE], or an error if it was cut. */
  end(): string {
    if (this.done) return '';
    let events: string[];
    try {
      events = this.parser.end();
    } catch (err) {
      return this.parseFailure(err);
    }
    let out = this.events(events, true);
    if (this.done) return out;
    let complete = this.choices.size > 0;
    for (const st of this.choices.values()) complete &&= st.finished;
    if (!complete) return out + this.error(new ApiError({ kind: 'upstream', reason: 'network' }, 'The Gemini stream ended before the answer was complete (no finishReason)'));
    const usage = JSON.stringify(mapUsage(typeof this.usage === 'string' ? (JSON.parse(this.usage) as Gemini.UsageMetadata) : this.usage));
    // Without include_usage the client gets no usage chunk, but the pool still counts tokens: an
    // SSE comment, which every SSE client ignores (WHATWG HTML §9.2.6: lines starting with ':').
    out += this.includeUsage ? `${this.head}],"usage":${usage}}\n\n` : `: usage ${usage}\n\n`;
    this.finished = true;
    return out + SSE_DONE_TEXT;
  }

  /** Gemini's body failed (connection lost): the error event. */
  fail(reason: unknown): string {
    if (this.done) return '';
    const detail = reason instanceof Error ? reason.message : String(reason);
    return this.error(new ApiError({ kind: 'upstream', reason: 'network' }, `The Gemini stream broke off: ${detail}`, { cause: reason }));
  }

  /** Gemini sent nothing for `ms`: the error event (the stream is abandoned). */
  silence(ms: number): string {
    if (this.done) return '';
    return this.error(new ApiError({ kind: 'gemini', reason: 'deadline' }, `Gemini sent nothing for ${Math.round(ms / 1000)} s; the stream was ended`));
  }

  /** A bug of ours threw mid-conversion: still end the client's stream with an error event. */
  crash(err: unknown): string {
    if (this.done) return '';
    return this.error(toApiError(err));
  }

  private events(events: string[], atEnd = false): string {
    let out = '';
    for (const data of events) {
      out += this.event(data, atEnd);
      if (this.done) break;
    }
    return out;
  }

  /** `atEnd`: the event was still open when the body ended, so a parse failure is a cut. */
  private event(data: string, atEnd: boolean): string {
    // Nearly every event is read without JSON.parse (stream-event.ts); what it declines, below.
    const common = readCommonEvent(data);
    if (common !== null) return this.commonEvent(common);
    let res: (Gemini.GenerateContentResponse & { error?: Gemini.GeminiErrorStatus }) | null;
    try {
      res = JSON.parse(data);
    } catch {
      res = null;
    }
    if (!res || typeof res !== 'object' || Array.isArray(res)) {
      if (atEnd) return this.error(new ApiError({ kind: 'upstream', reason: 'network' }, 'The Gemini stream ended in the middle of an event'));
      return this.error(new ApiError({ kind: 'gemini', reason: 'internal' }, 'Gemini sent a stream event that is not a JSON object'));
    }
    if (res.error !== undefined) {
      const code = typeof res.error?.code === 'number' ? res.error.code : 500;
      return this.error(classifyGeminiError(code, res));
    }
    if (res.usageMetadata) this.usage = res.usageMetadata;
    const candidates = Array.isArray(res.candidates) ? res.candidates : [];
    if (candidates.length === 0) {
      const refusal = blockedPromptMessage(res.promptFeedback);
      // Without candidates or a block reason the event only carries metadata: nothing to send.
      if (refusal === null) return '';
      const fresh = !this.choices.has(0);
      const st = this.choice(0);
      if (!st || st.finished) return '';
      st.finished = true;
      return (fresh ? this.start(0) : '') + this.chunk(0, `{"refusal":${JSON.stringify(refusal)}}`) + this.chunk(0, '{}', 'content_filter');
    }
    let out = '';
    for (let i = 0; i < candidates.length; i++) {
      const cand = candidates[i];
      if (!cand || typeof cand !== 'object') continue;
      out += this.candidate(cand, typeof cand.index === 'number' ? cand.index : i);
    }
    return out;
  }

  private candidate(cand: Gemini.Candidate, index: number): string {
    const fresh = !this.choices.has(index);
    const st = this.choice(index);
    if (!st || st.finished) return '';
    let out = fresh ? this.start(index) : '';
    let logprobs = cand.logprobsResult ? mapLogprobs(cand.logprobsResult) : null;
    for (const seg of mapParts(cand.content?.parts, this.mintId)) {
      out += this.chunk(index, this.delta(seg, st), null, seg.kind === 'content' ? logprobs : null);
      if (seg.kind === 'content') logprobs = null;
    }
    if (cand.finishReason !== undefined) {
      st.finished = true;
      out += this.chunk(index, '{}', mapFinishReason(cand.finishReason, st.toolCalls > 0));
    }
    return out;
  }

  /** What event() and candidate() do, for an event the fast path has read (stream-event.ts). */
  private commonEvent(ev: CommonEvent): string {
    if (ev.usage !== undefined) this.usage = ev.usage;
    const index = ev.index;
    const fresh = !this.choices.has(index);
    const st = this.choice(index);
    if (!st || st.finished) return '';
    let out = fresh ? this.start(index) : '';
    // An empty text shows nothing (mapParts drops it).
    if (ev.literal.length > 2) {
      if (index === 0) out += (ev.thought ? this.reasoning0 : this.content0) + ev.literal + this.textEnd;
      else out += this.chunk(index, ev.thought ? `{"reasoning_content":${ev.literal}}` : `{"content":${ev.literal}}`);
    }
    if (ev.finishReason !== undefined) {
      st.finished = true;
      out += this.chunk(index, '{}', mapFinishReason(ev.finishReason, st.toolCalls > 0));
    }
    return out;
  }

  /** The delta JSON of one segment; tool calls get their per-choice `index`. */
  private delta(seg: Segment, st: ChoiceState): string {
    if (seg.kind === 'content') return `{"content":${JSON.stringify(seg.text)}}`;
    if (seg.kind === 'reasoning') return `{"reasoning_content":${JSON.stringify(seg.text)}}`;
    const calls = seg.calls.map((c) => ({ index: st.toolCalls++, id: c.id, type: c.type, function: c.function }));
    return `{"tool_calls":${JSON.stringify(calls)}}`;
  }

  private choice(index: number): ChoiceState | undefined {
    let st = this.choices.get(index);
    if (!st) {
      // A candidate index is a small integer (candidateCount <= 8); anything else is garbage.
      if (!Number.isInteger(index) || index < 0 || index > 1000) return undefined;
      this.choices.set(index, (st = { toolCalls: 0, finished: false }));
    }
    return st;
  }

  private start(index: number): string {
    return this.chunk(index, '{"role":"assistant","content":""}');
  }

  private chunk(index: number, delta: string, finish: OpenAI.FinishReason | null = null, logprobs: OpenAI.ChatChoice['logprobs'] = null): string {
    const lp = logprobs ? `,"logprobs":${JSON.stringify(logprobs)}` : '';
    const fr = finish === null ? 'null' : `"${finish}"`;
    return `${this.head}{"index":${index},"delta":${delta}${lp},"finish_reason":${fr}}${this.tail}`;
  }

  private parseFailure(err: unknown): string {
    const message = err instanceof SseEventTooLargeError ? `Gemini sent a stream event larger than ${err.limit} characters` : 'Gemini sent an unreadable stream';
    return this.error(new ApiError({ kind: 'gemini', reason: 'internal' }, message, { cause: err }));
  }

  private error(err: ApiError): string {
    this.finished = true;
    return sseDataFrame(JSON.stringify(errorBody(err)));
  }
}

/**
 * The converter as a stream pair for `geminiBody.pipeThrough(createChatStream(ctx))`.
 *
 * Not a `new TransformStream()`: when a piped source errors (Gemini's connection drops), a
 * TransformStream's readable side is errored with it and the client sees a torn connection.
 * This pair's writable turns that abort into an error event and closes the readable cleanly.
 * Cancelling the readable (the client left) errors the writable, so the pipe cancels Gemini's
 * body, and stops the keep-alive timer.
 */
export function createChatStream(ctx: StreamContext): TransformStream<Uint8Array, Uint8Array> {
  const converter = new ChatStreamConverter(ctx);
  const encoder = new Utf8Encoder();
  const keepAliveMs = ctx.keepAliveMs ?? DEFAULT_KEEPALIVE_MS;
  const silenceLimitMs = ctx.silenceLimitMs ?? DEFAULT_SILENCE_LIMIT_MS;
  let out!: ReadableStreamDefaultController<Uint8Array>;
  let input!: WritableStreamDefaultController;
  let closed = false;
  let lastOutput = Date.now();
  let lastInput = lastOutput;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Resolves a write() held back because the client is not reading (backpressure). */
  let resume: (() => void) | undefined;

  const stopTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const wake = () => {
    const r = resume;
    resume = undefined;
    r?.();
  };
  const send = (text: string) => {
    if (closed || text === '') return;
    out.enqueue(encoder.encode(text));
    lastOutput = Date.now();
  };
  /** Runs one converter step; an exception must still end the client's stream properly. */
  const step = (fn: () => string): string => {
    try {
      return fn();
    } catch (err) {
      return converter.crash(err);
    }
  };
  const close = () => {
    if (closed) return;
    closed = true;
    stopTimer();
    out.close();
    wake();
  };
  // One timer, re-armed for the rest of the idle window: no clear/set per chunk on the hot path.
  const tick = () => {
    timer = undefined;
    if (closed) return;
    const now = Date.now();
    if (silenceLimitMs > 0 && now - lastInput >= silenceLimitMs) {
      send(converter.silence(now - lastInput));
      close();
      input.error(new Error('Gemini went silent')); // the pipe cancels Gemini's body
      return;
    }
    if (keepAliveMs > 0 && now - lastOutput >= keepAliveMs) {
      try {
        send(SSE_KEEPALIVE_TEXT);
      } catch {
        return; // the readable is gone; cancel() does the rest
      }
    }
    timer = setTimeout(tick, nextTick(Date.now()));
  };
  /** Milliseconds until the next keep-alive or silence deadline, whichever comes first. */
  const nextTick = (now: number) => {
    let wait = Number.POSITIVE_INFINITY;
    if (keepAliveMs > 0) wait = Math.min(wait, keepAliveMs - (now - lastOutput));
    if (silenceLimitMs > 0) wait = Math.min(wait, silenceLimitMs - (now - lastInput));
    return Math.max(1, wait);
  };

  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      out = controller;
      if (keepAliveMs > 0 || silenceLimitMs > 0) timer = setTimeout(tick, nextTick(Date.now()));
    },
    pull() {
      wake();
    },
    cancel(reason) {
      closed = true;
      converter.abandon();
      stopTimer();
      input.error(reason);
      wake();
    },
  });

  const writable = new WritableStream<Uint8Array>({
    start(controller) {
      input = controller;
    },
    write(chunk) {
      if (closed) return;
      lastInput = Date.now();
      send(step(() => converter.push(chunk)));
      if (converter.done) {
        close();
        // Stop reading Gemini: nothing more will be sent.
        throw new Error('stream already answered');
      }
      if ((out.desiredSize ?? 0) <= 0) return new Promise<void>((r) => (resume = r));
      return undefined;
    },
    close() {
      send(step(() => converter.end()));
      close();
    },
    abort(reason) {
      send(step(() => converter.fail(reason)));
      close();
    },
  });

  return { readable, writable };
}
