// Neutral stream events (gemini/stream.ts) -> OpenAI Responses stream events, framed as OpenAI
// frames them (`event: <type>` + `data: <json>`), sequence_number counting from 0.
//
//   response.created, response.in_progress          at `start`, Gemini's first answer event (not
//                                                   before: an error there is then the stream's
//                                                   only event, and the pool can still retry it)
//   reasoning item  output_item.added, reasoning_summary_part.added,
//                   reasoning_summary_text.delta..., reasoning_summary_text.done,
//                   reasoning_summary_part.done, output_item.done
//   message item    output_item.added, content_part.added, output_text.delta...,
//                   output_text.annotation.added..., output_text.done, content_part.done,
//                   output_item.done
//   function call   output_item.added, function_call_arguments.delta (Gemini sends calls whole),
//                   function_call_arguments.done, output_item.done
//   custom call     the same with custom_tool_call_input.delta / done
//                   (with parallel_tool_calls: false, the turn's first call only: response.ts)
//   logprobs        when asked (include message.output_text.logprobs): each text delta with its
//                   tokens, the done events and the final output_text with all of them
//   signature       with include reasoning.encrypted_content: a reasoning item of its own
//                   (output_item.added, output_item.done) before the calls, or last
//   then, at `end`: the pool's `: usage` comment (docs/contract.md), and response.completed or
//   response.incomplete with the whole Response (usage included), the items of the non-streamed
//   answer. Not in the stream: url_citation
//   annotations (the neutral events do not carry Gemini's grounding metadata).
//
// A failure (gemini/stream.ts lists them: a Gemini error event, an unreadable event, a body cut
// before finishReason, silence, a bug of ours) is one `error` event and the end. The event carries OpenAI's fields (code =
// the contract's fault code, message, param) and the same error nested as `error`, the envelope
// the openai SDKs throw on and the pool already reads in chat streams. Never a silent end.
import type { Gemini } from '@opengemini/shared';
import type { ApiError } from '../../errors';
import type { OutputCall } from '../../gemini/parts';
import type { StreamEvent, TextEvent } from '../../gemini/stream';
import { usageComment } from '../../gemini/usage';
import { errorBody } from '../../http';
import { SSE_KEEPALIVE_TEXT } from '../../sse';
import { type StandIns, type StreamEncoder, StreamConverter } from '../../sse-stream';
import { type EchoJson, instructionsJson } from './echo';
import { type ResponseContext, callItem, echoedToolsJson, outcome, oneCallPerTurn, responseObject, signatureItem, toResponseUsage, tokenLogprobs } from './response';
import { responseJson } from './response-json';
import { DeltaHead, StreamedTexts } from './streamed-texts';
import type { OutputItem, OutputReasoning, TokenLogprob } from './types';

/** The item being streamed: its text is gathered as bytes from its deltas (StreamedTexts). */
interface OpenItem {
  kind: 'message' | 'reasoning';
  id: string;
  index: number;
  /** Its number in StreamedTexts. */
  text: number;
  /** The message's token logprobs so far, when Gemini sends them. */
  logprobs: TokenLogprob[];
  /** The fixed head of this item's delta events, up to `"delta":`. */
  deltaHead: DeltaHead;
  /** What follows a delta without logprobs, up to its sequence number. */
  deltaTail: string;
}

export class ResponsesStreamEncoder implements StreamEncoder {
  readonly keepAlive = SSE_KEEPALIVE_TEXT;
  private seq = 0;
  private readonly output: OutputItem[] = [];
  private open: OpenItem | undefined;
  private finishReason: string | undefined;
  private answered = false;
  private blocked = false;
  /** A signature that came with text, waiting for the end (a call's goes out before the call). */
  private textSignature: string | undefined;
  private signatureSent = false;
  /** The echoed instructions and tools as stand-ins (their JSON written as tokens), made at the first echo. */
  private echo: EchoJson | undefined;
  private readonly texts = new StreamedTexts();
  /** The frames that carry an item's whole text hold a token for it (StreamedTexts). */
  readonly standIns: StandIns = this.texts;

  constructor(private readonly ctx: ResponseContext) {}

  encode(ev: StreamEvent): string {
    // A delta tells StreamedTexts itself whether its frame may be the step's whole output.
    if (ev.type === 'text') return ev.candidate === 0 ? this.text(ev) : ''; // Responses has one answer
    this.texts.more();
    if ('candidate' in ev && ev.candidate !== 0) return '';
    switch (ev.type) {
      case 'start': {
        // The same response in both: serialised once.
        const response = responseJson(responseObject(this.ctx, 'in_progress', []), this.echoing());
        return this.responseEvent('response.created', response) + this.responseEvent('response.in_progress', response);
      }
      case 'calls': {
        let out = this.closeOpen();
        // parallel_tool_calls: false: the reader passes the turn's first call only (CallAllowance).
        for (const call of ev.calls) out += this.call(call);
        return out;
      }
      case 'finish':
        this.answered = true;
        this.finishReason = ev.reason;
        return this.closeOpen();
      case 'blocked':
        return this.blockedPrompt(ev.message);
      case 'end':
        return this.end(ev.usage);
      case 'error':
        return this.error(ev.error);
    }
  }

  /** A text or thought delta: opens its item if another kind is streaming (or none). */
  private text(ev: TextEvent): string {
    if (ev.signature !== undefined) this.textSignature ??= ev.signature;
    if (ev.json === '""') return ''; // only a signature
    const kind = ev.thought ? 'reasoning' : 'message';
    const open = this.open;
    // Nearly every event of a stream: one more delta of the item streaming, without logprobs.
    if (open !== undefined && open.kind === kind && ev.logprobs === undefined) {
      const tail = `${open.deltaTail}${this.seq++}}\n\n`;
      this.texts.sent(open.text, ev.json, open.deltaHead, tail);
      return `${open.deltaHead.text}${ev.json}${tail}`;
    }
    this.texts.more();
    let out = '';
    if (this.open?.kind !== kind) out += this.closeOpen() + (kind === 'message' ? this.openMessage() : this.openReasoning());
    const item = this.open!;
    const logprobs = kind === 'message' && ev.logprobs ? tokenLogprobs(ev.logprobs) : undefined;
    if (logprobs) item.logprobs.push(...logprobs);
    const lp = kind !== 'message' ? '' : logprobs ? `"logprobs":${JSON.stringify(logprobs)},` : '"logprobs":[],';
    const tail = `,${lp}"sequence_number":${this.seq++}}\n\n`;
    // A frame that may be the step's whole output, ASCII around the text, is written as bytes by
    // StreamedTexts; tokens in logprobs need not be ASCII.
    if (out === '' && !logprobs) this.texts.sent(item.text, ev.json, item.deltaHead, tail);
    else this.texts.sent(item.text, ev.json);
    return `${out}${item.deltaHead.text}${ev.json}${tail}`;
  }

  private openMessage(): string {
    const index = this.output.length;
    const id = this.ctx.itemId('msg');
    const type = 'response.output_text.delta';
    this.open = {
      kind: 'message',
      id,
      index,
      text: this.texts.open(),
      logprobs: [],
      deltaHead: new DeltaHead(`event: ${type}\ndata: {"type":"${type}","item_id":"${id}","output_index":${index},"content_index":0,"delta":`),
      deltaTail: ',"logprobs":[],"sequence_number":',
    };
    return (
      this.event('response.output_item.added', { output_index: index, item: { id, type: 'message', role: 'assistant', status: 'in_progress', content: [] } }) +
      this.event('response.content_part.added', { item_id: id, output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } })
    );
  }

  private openReasoning(): string {
    const index = this.output.length;
    const id = this.ctx.itemId('rs');
    const type = 'response.reasoning_summary_text.delta';
    this.open = {
      kind: 'reasoning',
      id,
      index,
      text: this.texts.open(),
      logprobs: [],
      deltaHead: new DeltaHead(`event: ${type}\ndata: {"type":"${type}","item_id":"${id}","output_index":${index},"summary_index":0,"delta":`),
      deltaTail: ',"sequence_number":',
    };
    return (
      this.event('response.output_item.added', { output_index: index, item: { id, type: 'reasoning', summary: [] } }) +
      this.event('response.reasoning_summary_part.added', { item_id: id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } })
    );
  }

  /** Ends the streaming item, if any: its done events, then output_item.done. */
  private closeOpen(): string {
    const item = this.open;
    if (!item) return '';
    this.open = undefined;
    const text = this.texts.close(item.text);
    // Each event's fields written out, not spread from a shared object (a spread costs V8 more
    // than writing the event).
    if (item.kind === 'reasoning') {
      const done: OutputReasoning = { id: item.id, type: 'reasoning', summary: [{ type: 'summary_text', text }] };
      this.output.push(done);
      return (
        this.event('response.reasoning_summary_text.done', { item_id: item.id, output_index: item.index, summary_index: 0, text }) +
        this.event('response.reasoning_summary_part.done', { item_id: item.id, output_index: item.index, summary_index: 0, part: { type: 'summary_text', text } }) +
        this.event('response.output_item.done', { output_index: item.index, item: done })
      );
    }
    // Written four times like the text: serialised once (a stand-in typed as what it stands for).
    const logprobs = item.logprobs.length === 0 ? [] : (this.texts.value(item.logprobs) as unknown as TokenLogprob[]);
    const part = { type: 'output_text' as const, text, annotations: [], logprobs };
    const status = this.answered && outcome(this.finishReason, false).status !== 'completed' ? 'incomplete' : 'completed';
    const done: OutputItem = { id: item.id, type: 'message', role: 'assistant', status, content: [part] };
    this.output.push(done);
    return (
      this.event('response.output_text.done', { item_id: item.id, output_index: item.index, content_index: 0, text, logprobs }) +
      this.event('response.content_part.done', { item_id: item.id, output_index: item.index, content_index: 0, part }) +
      this.event('response.output_item.done', { output_index: item.index, item: done })
    );
  }

  /** The signature's reasoning item, once, when the client asked for encrypted_content. */
  private signature(signature: string | undefined): string {
    if (!signature || !this.ctx.includeEncrypted || this.signatureSent) return '';
    this.signatureSent = true;
    const signed = signatureItem(this.ctx, signature);
    // Written twice (here and in response.completed): serialised once (StreamedTexts.value).
    const item = { ...signed, encrypted_content: this.texts.value(signed.encrypted_content) };
    const index = this.output.length;
    this.output.push(item);
    return this.event('response.output_item.added', { output_index: index, item: { ...item, encrypted_content: undefined } }) + this.event('response.output_item.done', { output_index: index, item });
  }

  private call(call: OutputCall): string {
    const out = this.signature(call.signature);
    const made = callItem(call, this.ctx);
    const index = this.output.length;
    // The arguments (an apply_patch can be many kilobytes) are written four times: serialised once.
    if (made.type === 'custom_tool_call') {
      const input = this.texts.value(made.input);
      const item = { ...made, input };
      this.output.push(item);
      return (
        out +
        this.event('response.output_item.added', { output_index: index, item: { ...item, input: '' } }) +
        this.event('response.custom_tool_call_input.delta', { item_id: made.id, output_index: index, delta: input }) +
        this.event('response.custom_tool_call_input.done', { item_id: made.id, output_index: index, input }) +
        this.event('response.output_item.done', { output_index: index, item })
      );
    }
    if (made.type !== 'function_call') {
      this.output.push(made);
      return out;
    }
    const args = this.texts.value(made.arguments);
    const item = { ...made, arguments: args };
    this.output.push(item);
    return (
      out +
      this.event('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', arguments: '' } }) +
      this.event('response.function_call_arguments.delta', { item_id: made.id, output_index: index, delta: args }) +
      this.event('response.function_call_arguments.done', { item_id: made.id, output_index: index, name: item.name, arguments: args }) +
      this.event('response.output_item.done', { output_index: index, item })
    );
  }

  /** A blocked prompt: a refusal message; the response ends incomplete (content_filter). */
  private blockedPrompt(refusal: string): string {
    let out = this.closeOpen();
    this.answered = true;
    this.blocked = true;
    const index = this.output.length;
    const id = this.ctx.itemId('msg');
    const at = { item_id: id, output_index: index, content_index: 0 };
    const item: OutputItem = { id, type: 'message', role: 'assistant', status: 'incomplete', content: [{ type: 'refusal', refusal }] };
    this.output.push(item);
    out += this.event('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', content: [] } });
    out += this.event('response.content_part.added', { ...at, part: { type: 'refusal', refusal: '' } });
    out += this.event('response.refusal.delta', { ...at, delta: refusal });
    out += this.event('response.refusal.done', { ...at, refusal });
    out += this.event('response.content_part.done', { ...at, part: { type: 'refusal', refusal } });
    return out + this.event('response.output_item.done', { output_index: index, item });
  }

  private end(usage: Gemini.UsageMetadata | undefined): string {
    let out = this.closeOpen();
    // As in the non-streamed answer: a turn with neither text nor calls still has its message.
    if (!this.output.some((item) => item.type !== 'reasoning')) out += this.openMessage() + this.closeOpen();
    out += this.signature(this.textSignature);
    const { status, incomplete } = outcome(this.finishReason, this.blocked);
    // No output_text: it is an SDK convenience the SDKs compute themselves, and the items hold tokens.
    const counts = toResponseUsage(usage);
    const response = responseJson(responseObject(this.ctx, status, this.output, { usage: counts, incomplete, outputText: false }), this.echoing());
    // The same `: usage` comment as chat and Messages streams (clients skip comments), so the pool
    // counts every dialect's streams alike.
    out += usageComment(usage);
    return out + this.responseEvent(status === 'completed' ? 'response.completed' : 'response.incomplete', response);
  }

  /**
   * The echo of the request's instructions and tools, as stand-ins: written in response.created,
   * response.in_progress and response.completed, and Codex's are tens of kilobytes, so their JSON
   * (made once per isolate, echo.ts) is encoded once per stream (StreamedTexts.json).
   */
  private echoing(): EchoJson {
    if (this.echo) return this.echo;
    const instructions = instructionsJson(this.ctx.req.instructions);
    const tools = echoedToolsJson(this.ctx);
    return (this.echo = {
      instructions: instructions === 'null' ? instructions : JSON.stringify(this.texts.json(instructions)),
      tools: tools === '[]' ? tools : JSON.stringify(this.texts.json(tools)),
    });
  }

  /** A frame around an already serialised response (as event() writes it). */
  private responseEvent(type: string, response: string): string {
    return `event: ${type}\ndata: {"type":"${type}","response":${response},"sequence_number":${this.seq++}}\n\n`;
  }

  /** The OpenAI error event, with the error also nested as `error`: what the SDKs throw on. */
  private error(err: ApiError): string {
    const { error } = errorBody(err);
    return this.event('error', { code: error.code, message: error.message, param: error.param, error });
  }

  /**
   * One SSE frame: `event:` names the type, as OpenAI sends it; JSON.stringify output is one
   * line. Whole texts stay tokens here: standIns splices them in (as bytes, for the client).
   */
  private event(type: string, fields: Record<string, unknown>): string {
    // The fields' members between `type` and `sequence_number`, without copying them into a new
    // object first (every event has at least one field).
    const inner = JSON.stringify(fields);
    return `event: ${type}\ndata: {"type":"${type}",${inner.slice(1, -1)},"sequence_number":${this.seq++}}\n\n`;
  }
}

/** Gemini bytes in, Responses events out, without streams or timers (see sse-stream.ts). */
export class ResponsesStreamConverter extends StreamConverter {
  constructor(ctx: ResponseContext, options: { scan?: boolean } = {}) {
    super(new ResponsesStreamEncoder(ctx), { ...options, oneCallPerTurn: oneCallPerTurn(ctx) });
  }
}
