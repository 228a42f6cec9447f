// Neutral stream events (gemini/stream.ts) -> OpenAI chat.completion.chunk SSE text.
//
// What the client sees, per choice: a first chunk `{role:'assistant', content:''}`; one chunk per
// text, thought or tool calls event as it arrives (reasoning_content, content or tool_calls, never
// mixed); a chunk with an empty delta and the finish_reason. Then, once Gemini's body ends, the
// usage chunk (`choices: []`, only with stream_options.include_usage) and `data: [DONE]`.
// Every chunk has finish_reason null except the finish chunk.
//
// Failures end the stream with one OpenAI error event (`{"error":{message,type,param,code}}`,
// code = the contract fault code) and no [DONE], which is what OpenAI does and what makes the
// openai SDKs throw (Stream.fromSSEResponse raises APIError on `data.error`). Which failures:
// gemini/stream.ts.
import type { OpenAI } from '@opengemini/shared';
import type { StreamEvent, TextEvent } from '../../gemini/stream';
import { errorBody } from '../../http';
import { SSE_DONE_TEXT, SSE_KEEPALIVE_TEXT, sseDataFrame } from '../../sse';
import { type StreamEncoder, type StreamTiming, StreamConverter } from '../../sse-stream';
import { mapFinishReason, mapUsage } from './finish';
import { type ToolCallIdMinter, defaultToolCallId, mapLogprobs, toolCall } from './parts';
import type { ResponseContext } from './response';

export { DEFAULT_KEEPALIVE_MS, DEFAULT_SILENCE_LIMIT_MS } from '../../sse-stream';

export interface StreamContext extends ResponseContext, StreamTiming {
  includeUsage: boolean;
}

/** Per choice: tool calls sent so far (the next one's `index`). */
interface ChoiceState {
  toolCalls: number;
}

export class ChatStreamEncoder implements StreamEncoder {
  readonly keepAlive = SSE_KEEPALIVE_TEXT;
  private readonly choices = new Map<number, ChoiceState>();
  private readonly mintId: ToolCallIdMinter;
  private readonly includeUsage: boolean;
  /** `data: {"id":...,"choices":[` and `]...}\n\n`: the fixed parts of every chunk, built once. */
  private readonly head: string;
  private readonly tail: string;

  constructor(ctx: StreamContext) {
    this.mintId = ctx.toolCallId ?? defaultToolCallId;
    this.includeUsage = ctx.includeUsage;
    this.head = `data: {"id":${JSON.stringify(ctx.id)},"object":"chat.completion.chunk","created":${Math.floor(ctx.created)},"model":${JSON.stringify(ctx.model)},"choices":[`;
    // OpenAI sends `usage: null` on every chunk but the usage chunk when include_usage is set.
    this.tail = ctx.includeUsage ? '],"usage":null}\n\n' : ']}\n\n';
  }

  encode(ev: StreamEvent): string {
    switch (ev.type) {
      case 'start':
        return '';
      case 'text':
        return this.text(ev);
      case 'calls': {
        const st = this.choice(ev.candidate);
        const calls = ev.calls.map((c) => ({ index: st.state.toolCalls++, ...toolCall(c, this.mintId) }));
        return st.start + this.chunk(ev.candidate, `{"tool_calls":${JSON.stringify(calls)}}`);
      }
      case 'finish': {
        const st = this.choice(ev.candidate);
        return st.start + this.chunk(ev.candidate, '{}', mapFinishReason(ev.reason, st.state.toolCalls > 0));
      }
      case 'blocked': {
        const st = this.choice(ev.candidate);
        return st.start + this.chunk(0, `{"refusal":${JSON.stringify(ev.message)}}`) + this.chunk(0, '{}', 'content_filter');
      }
      case 'end': {
        const usage = JSON.stringify(mapUsage(ev.usage));
        // Without include_usage the client gets no usage chunk, but the pool still counts tokens:
        // an SSE comment, which every SSE client ignores (WHATWG HTML §9.2.6: lines starting with ':').
        return (this.includeUsage ? `${this.head}],"usage":${usage}}\n\n` : `: usage ${usage}\n\n`) + SSE_DONE_TEXT;
      }
      case 'error':
        return sseDataFrame(JSON.stringify(errorBody(ev.error)));
    }
  }

  private text(ev: TextEvent): string {
    const st = this.choice(ev.candidate);
    // An empty text (a signature alone) shows nothing.
    if (ev.json === '""') return st.start;
    const delta = ev.thought ? `{"reasoning_content":${ev.json}}` : `{"content":${ev.json}}`;
    return st.start + this.chunk(ev.candidate, delta, null, ev.logprobs ? mapLogprobs(ev.logprobs) : null);
  }

  /** The choice's state, and its first chunk when this is the first event of the choice. */
  private choice(index: number): { state: ChoiceState; start: string } {
    const state = this.choices.get(index);
    if (state) return { state, start: '' };
    const fresh = { toolCalls: 0 };
    this.choices.set(index, fresh);
    return { state: fresh, start: this.chunk(index, '{"role":"assistant","content":""}') };
  }

  private chunk(index: number, delta: string, finish: OpenAI.FinishReason | null = null, logprobs: OpenAI.ChatChoice['logprobs'] = null): string {
    const lp = logprobs ? `,"logprobs":${JSON.stringify(logprobs)}` : '';
    const fr = finish === null ? 'null' : `"${finish}"`;
    return `${this.head}{"index":${index},"delta":${delta}${lp},"finish_reason":${fr}}${this.tail}`;
  }
}

/** Gemini bytes in, OpenAI chunks out, without streams or timers (see sse-stream.ts). */
export class ChatStreamConverter extends StreamConverter {
  constructor(ctx: StreamContext, options: { scan?: boolean } = {}) {
    super(new ChatStreamEncoder(ctx), { ...options, oneCallPerTurn: ctx.oneCallPerTurn === true });
  }
}
