// Gemini `streamGenerateContent?alt=sse` bytes -> OpenAI Responses stream events, framed as
// OpenAI frames them (`event: <type>` + `data: <json>`), sequence_number counting from 0.
//
//   response.created, response.in_progress          at Gemini's first event (not before: an
//                                                   error there is then the stream's only event,
//                                                   and the pool can still retry it)
//   reasoning item  output_item.added, reasoning_summary_part.added,
//                   reasoning_summary_text.delta..., reasoning_summary_text.done,
//                   reasoning_summary_part.done, output_item.done
//   message item    output_item.added, content_part.added, output_text.delta...,
//                   output_text.annotation.added..., output_text.done, content_part.done,
//                   output_item.done
//   function call   output_item.added, function_call_arguments.delta (Gemini sends calls whole),
//                   function_call_arguments.done, output_item.done
//   custom call     the same with custom_tool_call_input.delta / done
//   then, when Gemini's body ends: response.completed or response.incomplete, with the whole
//   Response (usage included), exactly as the non-streamed answer would be.
//
// A failure is one `error` event and the end: a Gemini error event, an unreadable event, a body
// cut before finishReason, silence, a bug of ours. The event carries OpenAI's fields (code =
// the contract's fault code, message, param) and the same error nested as `error`, the envelope
// the openai SDKs throw on and the pool already reads in chat streams. Never a silent end.
import type { Gemini, OpenAI } from '@opengemini/shared';
import { ApiError } from '../../errors';
import { classifyGeminiError } from '../../gemini/errors';
import { type CommonEvent, readCommonEvent } from '../../gemini/stream-event';
import { errorBody, toApiError } from '../../http';
import { SseEventTooLargeError, SseParser } from '../../sse';
import { mapParts } from '../openai-chat/parts';
import { blockedPromptMessage } from '../openai-chat/response';
import type { SseConverter } from '../openai-chat/stream';
import { encryptedContent } from './carry';
import { type ResponseContext, callItem, citations, newItemId, outcome, responseObject, signatureWatcher, toResponseUsage } from './response';
import type { OutputItem, OutputReasoning, ResponseObject } from './types';

/** The item being streamed: its text is kept as the JSON string literals Gemini sent (see texts). */
interface OpenItem {
  kind: 'message' | 'reasoning';
  id: string;
  index: number;
  literals: string[];
  /** The fixed head of this item's delta events, up to `"delta":`. */
  deltaHead: string;
}

export class ResponsesStreamConverter implements SseConverter {
  private finished = false;
  private started = false;
  private seq = 0;
  private readonly parser = new SseParser();
  private readonly output: OutputItem[] = [];
  private open: OpenItem | undefined;
  /** The last usageMetadata: raw JSON when the fast path read it (parsed once, at the end). */
  private usage: Gemini.UsageMetadata | string | undefined;
  private finishReason: string | undefined;
  private answered = false;
  private blocked = false;
  private grounding: Gemini.GroundingMetadata | undefined;
  private readonly watcher;
  private signatureSent = false;
  private readonly itemId: (prefix: string) => string;
  private readonly texts = new TextTokens();

  constructor(private readonly ctx: ResponseContext) {
    this.watcher = signatureWatcher(ctx);
    this.itemId = ctx.itemId ?? newItemId;
  }

  get done(): boolean {
    return this.finished;
  }

  abandon(): void {
    this.finished = true;
  }

  push(bytes: Uint8Array): string {
    if (this.finished) return '';
    let events: string[];
    try {
      events = this.parser.push(bytes);
    } catch (err) {
      return this.parseFailure(err);
    }
    return this.events(events, false);
  }

  end(): string {
    if (this.finished) return '';
    let events: string[];
    try {
      events = this.parser.end();
    } catch (err) {
      return this.parseFailure(err);
    }
    let out = this.events(events, true);
    if (this.finished) return out;
    if (!this.answered) return out + this.error(new ApiError({ kind: 'upstream', reason: 'network' }, 'The Gemini stream ended before the answer was complete (no finishReason)'));
    out += this.closeOpen();
    // As in the non-streamed answer: a turn with neither text nor calls still has its message.
    if (!this.output.some((item) => item.type !== 'reasoning')) out += this.openMessage() + this.closeOpen();
    const usage = toResponseUsage(typeof this.usage === 'string' ? (JSON.parse(this.usage) as Gemini.UsageMetadata) : this.usage);
    const { status, incomplete } = outcome(this.finishReason, this.blocked);
    // No output_text: it is an SDK convenience the SDKs compute themselves, and the items hold tokens.
    const response = responseObject(this.ctx, status, this.output, { usage, incomplete, outputText: false });
    this.finished = true;
    return out + this.event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
  }

  fail(reason: unknown): string {
    if (this.finished) return '';
    const detail = reason instanceof Error ? reason.message : String(reason);
    return this.error(new ApiError({ kind: 'upstream', reason: 'network' }, `The Gemini stream broke off: ${detail}`, { cause: reason }));
  }

  silence(ms: number): string {
    if (this.finished) return '';
    return this.error(new ApiError({ kind: 'gemini', reason: 'deadline' }, `Gemini sent nothing for ${Math.round(ms / 1000)} s; the stream was ended`));
  }

  crash(err: unknown): string {
    if (this.finished) return '';
    return this.error(toApiError(err));
  }

  // -------------------------------------------------------------------------------------------

  private events(events: string[], atEnd: boolean): string {
    let out = '';
    for (const data of events) {
      out += this.geminiEvent(data, atEnd);
      if (this.finished) break;
    }
    return out;
  }

  private geminiEvent(data: string, atEnd: boolean): string {
    // Nearly every event is read without JSON.parse (gemini/stream-event.ts).
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
    if (this.answered) return '';
    const candidate = Array.isArray(res.candidates) ? res.candidates.find((c) => c && typeof c === 'object' && (c.index ?? 0) === 0) : undefined;
    if (!candidate) return this.blockedPrompt(res.promptFeedback);
    let out = this.start();
    if (candidate.groundingMetadata) this.grounding = candidate.groundingMetadata;
    for (const seg of mapParts(candidate.content?.parts, this.watcher.mint)) {
      if (seg.kind === 'tool_calls') for (const call of seg.calls) out += this.call(call);
      else out += this.text(seg.kind === 'content' ? 'message' : 'reasoning', JSON.stringify(seg.text));
    }
    if (candidate.finishReason !== undefined) out += this.finish(candidate.finishReason);
    return out;
  }

  private commonEvent(ev: CommonEvent): string {
    if (ev.usage !== undefined) this.usage = ev.usage;
    if (this.answered || ev.index !== 0) return '';
    let out = this.start();
    if (ev.literal.length > 2) out += this.text(ev.thought ? 'reasoning' : 'message', ev.literal);
    if (ev.finishReason !== undefined) out += this.finish(ev.finishReason);
    return out;
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    const response = responseObject(this.ctx, 'in_progress', []);
    return this.event('response.created', { response }) + this.event('response.in_progress', { response });
  }

  /** A text or thought delta: opens its item if another kind is streaming (or none). */
  private text(kind: OpenItem['kind'], literal: string): string {
    let out = '';
    if (this.open?.kind !== kind) out += this.closeOpen() + (kind === 'message' ? this.openMessage() : this.openReasoning());
    const item = this.open!;
    item.literals.push(literal);
    return `${out}${item.deltaHead}${literal},${kind === 'message' ? '"logprobs":[],' : ''}"sequence_number":${this.seq++}}\n\n`;
  }

  private openMessage(): string {
    const index = this.output.length;
    const id = this.itemId('msg');
    const type = 'response.output_text.delta';
    this.open = { kind: 'message', id, index, literals: [], deltaHead: `event: ${type}\ndata: {"type":"${type}","item_id":"${id}","output_index":${index},"content_index":0,"delta":` };
    return (
      this.event('response.output_item.added', { output_index: index, item: { id, type: 'message', role: 'assistant', status: 'in_progress', content: [] } }) +
      this.event('response.content_part.added', { item_id: id, output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } })
    );
  }

  private openReasoning(): string {
    const index = this.output.length;
    const id = this.itemId('rs');
    const type = 'response.reasoning_summary_text.delta';
    this.open = { kind: 'reasoning', id, index, literals: [], deltaHead: `event: ${type}\ndata: {"type":"${type}","item_id":"${id}","output_index":${index},"summary_index":0,"delta":` };
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
    const literal = item.literals.length === 1 ? item.literals[0]! : `"${item.literals.map((l) => l.slice(1, -1)).join('')}"`;
    const text = this.texts.token(literal);
    const at = { item_id: item.id, output_index: item.index };
    if (item.kind === 'reasoning') {
      const done: OutputReasoning = { id: item.id, type: 'reasoning', summary: [{ type: 'summary_text', text }] };
      const signature = this.pendingSignature();
      if (signature) done.encrypted_content = signature;
      this.output.push(done);
      return (
        this.event('response.reasoning_summary_text.done', { ...at, summary_index: 0, text }) +
        this.event('response.reasoning_summary_part.done', { ...at, summary_index: 0, part: { type: 'summary_text', text } }) +
        this.event('response.output_item.done', { output_index: item.index, item: done })
      );
    }
    const annotations = this.grounding ? citations(this.grounding, [], JSON.parse(literal) as string, []) : [];
    const part = { type: 'output_text' as const, text, annotations, logprobs: [] as [] };
    const status = this.answered && outcome(this.finishReason, false).status !== 'completed' ? 'incomplete' : 'completed';
    const done: OutputItem = { id: item.id, type: 'message', role: 'assistant', status, content: [part] };
    this.output.push(done);
    let out = '';
    annotations.forEach((annotation, k) => (out += this.event('response.output_text.annotation.added', { ...at, content_index: 0, annotation_index: k, annotation })));
    return (
      out +
      this.event('response.output_text.done', { ...at, content_index: 0, text, logprobs: [] }) +
      this.event('response.content_part.done', { ...at, content_index: 0, part }) +
      this.event('response.output_item.done', { output_index: item.index, item: done })
    );
  }

  /** Gemini's thought signature as encrypted_content, once, when the client asked for it. */
  private pendingSignature(): string | undefined {
    if (!this.ctx.includeEncrypted || this.signatureSent) return undefined;
    const signature = this.watcher.first();
    if (!signature) return undefined;
    this.signatureSent = true;
    return encryptedContent(signature);
  }

  private call(call: OpenAI.ToolCall): string {
    let out = this.closeOpen();
    const signature = this.pendingSignature();
    if (signature) {
      // No reasoning item took the signature (thought summaries off): one of its own, first.
      const item: OutputReasoning = { id: this.itemId('rs'), type: 'reasoning', summary: [], encrypted_content: signature };
      out += this.event('response.output_item.added', { output_index: this.output.length, item: { ...item, encrypted_content: undefined } });
      out += this.event('response.output_item.done', { output_index: this.output.length, item });
      this.output.push(item);
    }
    const item = callItem(call, this.ctx);
    const index = this.output.length;
    const at = { item_id: item.id, output_index: index };
    this.output.push(item);
    if (item.type === 'custom_tool_call') {
      return (
        out +
        this.event('response.output_item.added', { output_index: index, item: { ...item, input: '' } }) +
        this.event('response.custom_tool_call_input.delta', { ...at, delta: item.input }) +
        this.event('response.custom_tool_call_input.done', { ...at, input: item.input }) +
        this.event('response.output_item.done', { output_index: index, item })
      );
    }
    if (item.type !== 'function_call') return out;
    return (
      out +
      this.event('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', arguments: '' } }) +
      this.event('response.function_call_arguments.delta', { ...at, delta: item.arguments }) +
      this.event('response.function_call_arguments.done', { ...at, name: item.name, arguments: item.arguments }) +
      this.event('response.output_item.done', { output_index: index, item })
    );
  }

  private finish(reason: string): string {
    this.answered = true;
    this.finishReason = reason;
    return this.closeOpen();
  }

  /** No candidate: a blocked prompt is a refusal message; anything else only carries metadata. */
  private blockedPrompt(feedback: Gemini.PromptFeedback | undefined): string {
    const refusal = blockedPromptMessage(feedback);
    if (refusal === null) return '';
    let out = this.start() + this.closeOpen();
    this.answered = true;
    this.blocked = true;
    const index = this.output.length;
    const id = this.itemId('msg');
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

  private parseFailure(err: unknown): string {
    const message = err instanceof SseEventTooLargeError ? `Gemini sent a stream event larger than ${err.limit} characters` : 'Gemini sent an unreadable stream';
    return this.error(new ApiError({ kind: 'gemini', reason: 'internal' }, message, { cause: err }));
  }

  private error(err: ApiError): string {
    this.finished = true;
    const { error } = errorBody(err);
    return this.event('error', { code: error.code, message: error.message, param: error.param, error });
  }

  /** One SSE frame: `event:` names the type, as OpenAI sends it; JSON.stringify output is one line. */
  private event(type: string, fields: Record<string, unknown> | { response: ResponseObject }): string {
    return `event: ${type}\ndata: ${this.texts.expand(JSON.stringify({ type, ...fields, sequence_number: this.seq++ }))}\n\n`;
  }
}

/**
 * An item's whole text appears in four events (its done events and response.completed). Decoding
 * it from the JSON literals Gemini sent and encoding it four times again was a third of a long
 * stream's CPU; instead the items hold a token, and each frame's JSON gets the literal spliced in
 * where the token's own literal stands. Tokens are NUL-delimited with a random part: model text
 * cannot forge one.
 */
class TextTokens {
  private readonly literals: string[] = [];
  private readonly mark = `\u0000og-${Math.random().toString(36).slice(2, 10)}-`;
  /** `"\u0000og-xxxx-` : how JSON.stringify writes the start of a token. */
  private readonly written = JSON.stringify(this.mark).slice(0, -1);

  /** A stand-in string for the text whose JSON literal is `literal`. */
  token(literal: string): string {
    this.literals.push(literal);
    return `${this.mark}${this.literals.length - 1}\u0000`;
  }

  /** The JSON with every token's literal replaced by the text's own literal. */
  expand(json: string): string {
    if (this.literals.length === 0 || !json.includes(this.written)) return json;
    let out = '';
    let at = 0;
    for (let start = json.indexOf(this.written); start !== -1; start = json.indexOf(this.written, at)) {
      const end = json.indexOf('\\u0000"', start + this.written.length);
      out += json.slice(at, start) + this.literals[Number(json.slice(start + this.written.length, end))];
      at = end + 7; // past the token's closing \u0000"
    }
    return out + json.slice(at);
  }
}
