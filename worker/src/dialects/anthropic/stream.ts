// Neutral stream events (gemini/stream.ts) -> Anthropic's stream grammar:
//
//   event: message_start        {message: {id, content: [], usage: {input_tokens...}}}, then a ping
//   event: content_block_start  {index, content_block: {type: thinking | text | tool_use}}
//   event: content_block_delta  thinking_delta / text_delta / input_json_delta ... and, before a
//                               thinking block stops, its signature_delta
//   event: content_block_stop   {index}
//   ... one block at a time, indexes from 0 ...
//   event: message_delta        {delta: {stop_reason, stop_sequence: null}, usage: {...}}
//   : usage {"prompt_tokens":...} (an SSE comment, ignored by clients: the pool counts every
//                               stream's tokens from it, as for chat; docs/contract.md)
//   event: message_stop
//
// Gemini's thoughts, text and calls arrive in that order within a turn; each change of kind
// closes the open block and opens the next. A tool call arrives whole: its block carries the
// whole input as one input_json_delta. During silence: `event: ping`. A failure after the first
// byte ends the stream with `event: error` (no message_stop), which the SDKs raise as an error.
// Only candidate 0 exists for this dialect (it never asks for more).
import type { StreamEvent, TextEvent } from '../../gemini/stream';
import type { OutputCall } from '../../gemini/parts';
import { finishCategory } from '../../gemini/finish';
import { usageComment } from '../../gemini/usage';
import { type StreamEncoder, StreamConverter } from '../../sse-stream';
import { carrySignature } from '../../gemini/signatures';
import { toolUseId } from './carry';
import { anthropicErrorEvent } from './errors';
import { type MessageContext, stopReason, toUsage } from './response';

export const PING = 'event: ping\ndata: {"type": "ping"}\n\n';

type BlockKind = 'thinking' | 'text';

export class MessagesStreamEncoder implements StreamEncoder {
  readonly keepAlive = PING;
  /** The next block's index. */
  private next = 0;
  /** The open thinking or text block, if any. */
  private open: BlockKind | undefined;
  /** A text delta of the open block is `deltaHead` + JSON string + `}}\n\n`. */
  private deltaHead = '';
  /** The Gemini signature seen beside this turn's thoughts or text (for the thinking block). */
  private signature: string | undefined;
  private calledTools = false;
  private finishReason: string | undefined;

  constructor(private readonly ctx: MessageContext) {}

  encode(ev: StreamEvent): string {
    if (ev.type === 'error') return anthropicErrorEvent(ev.error);
    if ('candidate' in ev && ev.candidate !== 0) return '';
    switch (ev.type) {
      case 'start':
        return this.start(ev.usage);
      case 'text':
        return this.text(ev);
      case 'calls':
        return this.close() + ev.calls.map((c) => this.toolUse(c)).join('');
      case 'finish':
        this.finishReason = ev.reason;
        return this.close();
      case 'blocked':
        this.finishReason = 'SAFETY'; // a refusal
        return this.close() + this.openBlock('text') + this.deltaHead + JSON.stringify(ev.message) + '}}\n\n' + this.close();
      case 'end': {
        const stop = stopReason(finishCategory(this.finishReason), this.calledTools);
        const delta = { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: toUsage(ev.usage) };
        return `${this.close()}${frame('message_delta', JSON.stringify(delta))}${usageComment(ev.usage)}${frame('message_stop', '{"type":"message_stop"}')}`;
      }
    }
  }

  private start(usage: Parameters<typeof toUsage>[0]): string {
    const u = toUsage(usage);
    const message = {
      id: this.ctx.id,
      type: 'message',
      role: 'assistant',
      model: this.ctx.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // Output is counted at the end (message_delta), as Anthropic does.
      usage: { ...u, output_tokens: 0 },
    };
    return frame('message_start', JSON.stringify({ type: 'message_start', message })) + PING;
  }

  private text(ev: TextEvent): string {
    if (ev.signature) this.signature ??= ev.signature;
    if (ev.json === '""') return '';
    const kind: BlockKind = ev.thought ? 'thinking' : 'text';
    return (this.open === kind ? '' : this.close() + this.openBlock(kind)) + this.deltaHead + ev.json + '}}\n\n';
  }

  private openBlock(kind: BlockKind): string {
    const index = this.next++;
    this.open = kind;
    const block = kind === 'thinking' ? '{"type":"thinking","thinking":"","signature":""}' : '{"type":"text","text":""}';
    const field = kind === 'thinking' ? '"type":"thinking_delta","thinking":' : '"type":"text_delta","text":';
    this.deltaHead = `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{${field}`;
    return frame('content_block_start', `{"type":"content_block_start","index":${index},"content_block":${block}}`);
  }

  /** Closes the open block; a thinking block first gets its signature. */
  private close(): string {
    if (this.open === undefined) return '';
    const index = this.next - 1;
    let out = '';
    if (this.open === 'thinking') {
      const delta = { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: carrySignature(this.signature) } };
      out += frame('content_block_delta', JSON.stringify(delta));
    }
    this.open = undefined;
    return out + frame('content_block_stop', `{"type":"content_block_stop","index":${index}}`);
  }

  private toolUse(call: OutputCall): string {
    this.calledTools = true;
    const index = this.next++;
    const id = (this.ctx.toolUseId ?? toolUseId)(call);
    const start = { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name: call.name, input: {} } };
    const delta = { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(call.args) } };
    return (
      frame('content_block_start', JSON.stringify(start)) +
      frame('content_block_delta', JSON.stringify(delta)) +
      frame('content_block_stop', `{"type":"content_block_stop","index":${index}}`)
    );
  }
}

function frame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

/** Gemini bytes in, Anthropic events out, without streams or timers (see sse-stream.ts). */
export class MessagesStreamConverter extends StreamConverter {
  constructor(ctx: MessageContext, options: { scan?: boolean } = {}) {
    super(new MessagesStreamEncoder(ctx), { ...options, oneCallPerTurn: ctx.oneCallPerTurn === true });
  }
}
