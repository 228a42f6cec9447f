// Gemini generateContent response -> OpenAI Response object (pure). The stream converter
// (stream.ts) builds the same items event by event and ends with the same object.
//
// | Gemini (candidate 0)                      | Responses output                                 |
// |-------------------------------------------|--------------------------------------------------|
// | thought parts (thought summaries)         | one reasoning item, first, summary_text          |
// | thoughtSignature of the first call        | that reasoning item's encrypted_content, only    |
// |                                           |   with include reasoning.encrypted_content       |
// | text and other visible parts              | one message item, output_text (+ url_citation    |
// |                                           |   annotations from Google Search grounding)      |
// | functionCall                              | function_call (call_id carries the signature,    |
// |                                           |   gemini/signatures.ts), or custom_tool_call     |
// |                                           |   when it calls a custom tool: input = args.input|
// | finishReason MAX_TOKENS                   | status incomplete, reason max_output_tokens      |
// | SAFETY, RECITATION... (content_filter)    | status incomplete, reason content_filter         |
// | no candidates, promptFeedback.blockReason | a refusal message, incomplete, content_filter    |
// | usageMetadata                             | usage: input (cached), output (reasoning) tokens |
import type { Gemini, OpenAI } from '@opengemini/shared';
import { ApiError } from '../../errors';
import { mapFinishReason, mapUsage } from '../../gemini/finish';
import { nonce } from '../../gemini/signatures';
import { type ToolCallIdMinter, defaultToolCallId, groundingAnnotations, mapParts } from '../openai-chat/parts';
import { blockedPromptMessage } from '../openai-chat/response';
import { encryptedContent } from './carry';
import type { ItemStatus, OutputItem, OutputMessage, ResponseObject, ResponseStatus, ResponseUsage, ResponsesRequest, TextFormat, ToolParam, UrlCitation } from './types';

export interface ResponseContext {
  /** resp_...; item ids are minted beside it. */
  id: string;
  /** Unix seconds. */
  createdAt: number;
  /** The request, echoed as OpenAI echoes it (model, instructions, tools, parameters). */
  req: ResponsesRequest;
  customTools: ReadonlySet<string>;
  /** include: ["reasoning.encrypted_content"] was asked for. */
  includeEncrypted: boolean;
  /** Tests pin ids; production mints random ones. */
  mintId?: ToolCallIdMinter;
  itemId?: (prefix: string) => string;
}

export const newItemId = (prefix: string): string => `${prefix}_${nonce(24)}`;

/** The Response object around `output`: every field OpenAI's schema requires, echoed from the request. */
export function responseObject(ctx: ResponseContext, status: ResponseStatus, output: OutputItem[], extra: { usage?: ResponseUsage; incomplete?: ResponseObject['incomplete_details']; outputText?: boolean } = {}): ResponseObject {
  const { req } = ctx;
  const res: ResponseObject = {
    id: ctx.id,
    object: 'response',
    created_at: ctx.createdAt,
    status,
    completed_at: status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: null,
    incomplete_details: extra.incomplete ?? null,
    instructions: req.instructions ?? null,
    model: req.model,
    output,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: req.reasoning ? { effort: req.reasoning.effort ?? null, summary: req.reasoning.summary ?? null } : null,
    store: false,
    temperature: req.temperature ?? null,
    top_p: req.top_p ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    text: { format: echoFormat(req.text?.format) },
    tool_choice: req.tool_choice ?? 'auto',
    tools: (req.tools ?? []).map(echoTool),
    truncation: 'disabled',
    metadata: req.metadata ?? {},
  };
  if (status !== 'in_progress' && extra.outputText !== false) res.output_text = outputText(output);
  if (extra.usage) res.usage = extra.usage;
  if (typeof req.user === 'string') res.user = req.user;
  if (typeof req.prompt_cache_key === 'string') res.prompt_cache_key = req.prompt_cache_key;
  return res;
}

/** OpenAI echoes function tools with every field its schema requires (strict defaults to true). */
function echoTool(tool: ToolParam): ToolParam {
  if (tool.type !== 'function' || !('name' in tool)) return tool;
  const t = tool as Extract<ToolParam, { type: 'function' }>;
  return { type: 'function', name: t.name, description: t.description ?? null, parameters: t.parameters ?? null, strict: t.strict ?? true };
}

function echoFormat(format: TextFormat | undefined): TextFormat {
  if (format?.type === 'json_schema') return { type: 'json_schema', name: format.name, schema: format.schema ?? {}, strict: format.strict ?? false };
  return format ?? { type: 'text' };
}

/** The SDKs' convenience field: every output_text of every message, joined. */
function outputText(output: OutputItem[]): string {
  let text = '';
  for (const item of output) {
    if (item.type !== 'message') continue;
    for (const c of item.content) if (c.type === 'output_text') text += c.text;
  }
  return text;
}

/** Gemini usage in Responses terms: the chat mapping's counts (see gemini/finish.ts), renamed. */
export function toResponseUsage(usage: Gemini.UsageMetadata | undefined): ResponseUsage {
  const u = mapUsage(usage);
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: { cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0, cache_write_tokens: 0 },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u.total_tokens,
  };
}

/** Status and incomplete_details for how Gemini finished; `blocked` for a refused prompt. */
export function outcome(finishReason: string | undefined, blocked: boolean): { status: ResponseStatus; incomplete: ResponseObject['incomplete_details'] } {
  const reason = blocked ? 'content_filter' : mapFinishReason(finishReason, false);
  if (reason === 'length') return { status: 'incomplete', incomplete: { reason: 'max_output_tokens' } };
  if (reason === 'content_filter') return { status: 'incomplete', incomplete: { reason: 'content_filter' } };
  return { status: 'completed', incomplete: null };
}

/** A Gemini call (as the chat mapping minted it) as a function_call or custom_tool_call item. */
export function callItem(call: OpenAI.ToolCall, ctx: ResponseContext, status: ItemStatus = 'completed'): OutputItem {
  const mint = ctx.itemId ?? newItemId;
  const name = call.function.name;
  if (ctx.customTools.has(name)) {
    let input = call.function.arguments;
    try {
      const args = JSON.parse(input) as { input?: unknown };
      if (typeof args.input === 'string') input = args.input;
    } catch {
      // not the one-argument object asked for: the model's raw arguments are the input
    }
    return { id: mint('ctc'), type: 'custom_tool_call', call_id: call.id, name, input };
  }
  return { id: mint('fc'), type: 'function_call', status, call_id: call.id, name, arguments: call.function.arguments };
}

/** Mints call ids as the chat mapping does, noting the first thought signature for encrypted_content. */
export function signatureWatcher(ctx: ResponseContext): { mint: ToolCallIdMinter; first: () => string | undefined } {
  const mintId = ctx.mintId ?? defaultToolCallId;
  let first: string | undefined;
  return {
    mint: (carried) => {
      first ??= carried.signature;
      return mintId(carried);
    },
    first: () => first,
  };
}

/** Google Search grounding as flat url_citation annotations over the message text. */
export function citations(meta: Gemini.GroundingMetadata | undefined, parts: unknown, text: string, offsets: number[]): UrlCitation[] {
  return groundingAnnotations(meta, parts, text, offsets).map((a) => ({ type: 'url_citation', ...a.url_citation }));
}

export function toResponse(res: Gemini.GenerateContentResponse, ctx: ResponseContext): ResponseObject {
  if (!res || typeof res !== 'object' || Array.isArray(res)) {
    throw new ApiError({ kind: 'gemini', reason: 'internal' }, 'Gemini returned a response that is not an object');
  }
  const mint = ctx.itemId ?? newItemId;
  const candidate = Array.isArray(res.candidates) ? res.candidates[0] : undefined;
  const usage = toResponseUsage(res.usageMetadata);
  if (!candidate) {
    const refusal = blockedPromptMessage(res.promptFeedback);
    const { status, incomplete } = outcome(undefined, refusal !== null);
    const content: OutputMessage['content'] = refusal === null ? [{ type: 'output_text', text: '', annotations: [], logprobs: [] }] : [{ type: 'refusal', refusal }];
    return responseObject(ctx, status, [{ id: mint('msg'), type: 'message', role: 'assistant', status: refusal === null ? 'completed' : 'incomplete', content }], { usage, incomplete });
  }

  const watcher = signatureWatcher(ctx);
  const parts = candidate.content?.parts;
  const offsets: number[] = [];
  let text = '';
  let reasoning: string | undefined;
  const calls: OpenAI.ToolCall[] = [];
  for (const seg of mapParts(parts, watcher.mint, offsets)) {
    if (seg.kind === 'content') text += seg.text;
    else if (seg.kind === 'reasoning') reasoning = (reasoning ?? '') + seg.text;
    else calls.push(...seg.calls);
  }
  const { status, incomplete } = outcome(candidate.finishReason, false);
  const output: OutputItem[] = [];
  const signature = ctx.includeEncrypted ? watcher.first() : undefined;
  // The signature goes with the thought summary when there is one, else in a reasoning item of
  // its own just before the calls: the order the stream produces them in.
  if (reasoning !== undefined) {
    const item: OutputItem = { id: mint('rs'), type: 'reasoning', summary: [{ type: 'summary_text', text: reasoning }] };
    if (signature) item.encrypted_content = encryptedContent(signature);
    output.push(item);
  }
  if (text !== '' || calls.length === 0) {
    const annotations = text ? citations(candidate.groundingMetadata, parts, text, offsets) : [];
    output.push({ id: mint('msg'), type: 'message', role: 'assistant', status: status === 'completed' ? 'completed' : 'incomplete', content: [{ type: 'output_text', text, annotations, logprobs: [] }] });
  }
  if (reasoning === undefined && signature) output.push({ id: mint('rs'), type: 'reasoning', summary: [], encrypted_content: encryptedContent(signature) });
  for (const call of calls) output.push(callItem(call, ctx));
  return responseObject(ctx, status, output, { usage, incomplete });
}
