// Gemini generateContent response -> OpenAI Response object (pure). The stream converter
// (stream.ts) builds the same items event by event and ends with the same object.
//
// | Gemini (candidate 0)                      | Responses output                                 |
// |-------------------------------------------|--------------------------------------------------|
// | thought parts (thought summaries)         | one reasoning item, first, summary_text          |
// | the first thoughtSignature                | a reasoning item of its own, only with include   |
// |                                           |   reasoning.encrypted_content: just before the   |
// |                                           |   calls (or last, when it came with text)        |
// | text and other visible parts              | one message item, output_text (+ url_citation    |
// |                                           |   annotations from Google Search grounding)      |
// | functionCall                              | function_call (call_id carries Gemini's id and   |
// |                                           |   signature, gemini/signatures.ts), or           |
// |                                           |   custom_tool_call for a custom tool: its input  |
// |                                           |   is args.input                                  |
// | finishReason MAX_TOKENS                   | status incomplete, reason max_output_tokens      |
// | SAFETY, RECITATION... (content_filter)    | status incomplete, reason content_filter         |
// | no candidates, promptFeedback.blockReason | a refusal message, incomplete, content_filter    |
// | usageMetadata                             | usage: input (cached), output (reasoning) tokens |
import type { Gemini } from '@opengemini/shared';
import { finishCategory } from '../../gemini/finish';
import { CallAllowance, type OutputCall, blockedPromptMessage, groundingCitations, readParts } from '../../gemini/parts';
import { type CarriedCall, encodeToolCallId, nonce } from '../../gemini/signatures';
import { readUsage } from '../../gemini/usage';
import { carrySignature } from '../../gemini/signatures';
import { mapLogprobs } from '../openai-chat/parts';
import { echoTool, instructionsJson, toolEchoJson } from './echo';
import type { KnownTools } from './known-tools';
import type { ToolNames } from './request';
import { responseJson } from './response-json';
import type { OutputItem, OutputMessage, OutputReasoning, ResponseObject, ResponseStatus, ResponseUsage, ResponsesRequest, TextFormat, TokenLogprob, ToolParam } from './types';

export interface ResponseContext {
  /** resp_<random>; item ids are minted from the same random part (responseIds). */
  id: string;
  /** Unix seconds. */
  createdAt: number;
  /** The request, echoed as OpenAI echoes it (model, instructions, tools, parameters). */
  req: ResponsesRequest;
  toolNames: ToolNames;
  /** include: ["reasoning.encrypted_content"] was asked for. */
  includeEncrypted: boolean;
  /** Call ids that carry Gemini's id and signature (responseIds; tests pin them). */
  mintId?: (carried: CarriedCall) => string;
  itemId: (prefix: string) => string;
  /** The request's tool list as this isolate keeps it (looked up once, by toGeminiBody), or
   * undefined: a list seen for the first time, or none (the echo is then made for this request). */
  knownTools?: KnownTools | undefined;
}

/** The JSON of the request's tools as every Response of it echoes them (echo.ts: made once per
 * isolate for a kept list). Each writer asks once: the answer once, a stream once (its echoing()). */
export function echoedToolsJson(ctx: ResponseContext): string {
  return toolEchoJson(ctx.req.tools, ctx.knownTools);
}

/**
 * A response id, its item ids (`msg_`, `fc_`, `rs_`, `ctc_`) and its call ids (`call_`, carrying
 * Gemini's id and signature: signatures.ts): one random part for all, and a counter, since each
 * random draw costs more CPU than the rest of minting an id (in Node about as much as building a
 * whole function_call item). Unique within the response by the counter, across responses by
 * the random part.
 */
export function responseIds(): { id: string; itemId: (prefix: string) => string; mintId: (carried: CarriedCall) => string } {
  const base = nonce(24);
  let n = 0;
  const next = () => `${base}${(++n).toString(36)}`;
  return { id: `resp_${base}`, itemId: (prefix) => `${prefix}_${next()}`, mintId: (carried) => encodeToolCallId(carried, next) };
}

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
    // The object form, for whoever reads it (tests); the writers splice in the JSON made once
    // (echoedToolsJson), so this is a shallow map of the request's own objects.
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

/** parallel_tool_calls: false: the client is shown each answer's first call only (CallAllowance). */
export function oneCallPerTurn(ctx: ResponseContext): boolean {
  return ctx.req.parallel_tool_calls === false;
}

/** Gemini's logprobs as OpenAI's token list (the chat dialect's mapping); [] when Gemini sent none. */
export function tokenLogprobs(result: Gemini.LogprobsResult | undefined): TokenLogprob[] {
  // mapLogprobs always fills `bytes` (the chat type allows null, OpenAI's LogProb does not).
  return (mapLogprobs(result)?.content ?? []) as TokenLogprob[];
}

/** Gemini usage in Responses terms: cached tokens are inside input_tokens, thoughts inside output_tokens. */
export function toResponseUsage(usage: Gemini.UsageMetadata | undefined): ResponseUsage {
  const u = readUsage(usage);
  return {
    input_tokens: u.prompt,
    input_tokens_details: { cached_tokens: u.cached, cache_write_tokens: 0 },
    output_tokens: u.completion,
    output_tokens_details: { reasoning_tokens: u.thoughts },
    total_tokens: u.total,
  };
}

/** Status and incomplete_details for how Gemini finished; `blocked` for a refused prompt. */
export function outcome(finishReason: string | undefined, blocked: boolean): { status: ResponseStatus; incomplete: ResponseObject['incomplete_details'] } {
  const reason = blocked ? 'content_filter' : finishCategory(finishReason);
  if (reason === 'length') return { status: 'incomplete', incomplete: { reason: 'max_output_tokens' } };
  if (reason === 'content_filter') return { status: 'incomplete', incomplete: { reason: 'content_filter' } };
  return { status: 'completed', incomplete: null };
}

/** A Gemini call as a function_call item, or a custom_tool_call when it calls a custom tool. */
export function callItem(call: OutputCall, ctx: ResponseContext): OutputItem {
  const mint = ctx.itemId;
  const carried: CarriedCall = {};
  if (call.geminiId) carried.geminiId = call.geminiId;
  if (call.signature) carried.signature = call.signature;
  const callId = (ctx.mintId ?? encodeToolCallId)(carried);
  // `namespace.name` for a tool declared inside a namespace.
  const dot = call.name.indexOf('.');
  const namespace = dot > 0 && ctx.toolNames.namespaces.has(call.name.slice(0, dot)) ? call.name.slice(0, dot) : undefined;
  const name = namespace ? call.name.slice(dot + 1) : call.name;
  if (ctx.toolNames.custom.has(call.name)) {
    // Asked for as {"input": "..."}; anything else the model sent is the input as JSON.
    const input = typeof call.args.input === 'string' ? call.args.input : JSON.stringify(call.args);
    // Two literals rather than a spread of the optional field (a spread costs V8 more than the item).
    const id = mint('ctc');
    return namespace ? { id, type: 'custom_tool_call', call_id: callId, name, namespace, input } : { id, type: 'custom_tool_call', call_id: callId, name, input };
  }
  const id = mint('fc');
  const args = JSON.stringify(call.args);
  return namespace
    ? { id, type: 'function_call', status: 'completed', call_id: callId, name, namespace, arguments: args }
    : { id, type: 'function_call', status: 'completed', call_id: callId, name, arguments: args };
}

/** The reasoning item that carries a thought signature (only with include reasoning.encrypted_content). */
export function signatureItem(ctx: ResponseContext, signature: string): OutputReasoning {
  return { id: (ctx.itemId)('rs'), type: 'reasoning', summary: [], encrypted_content: carrySignature(signature) };
}

/** toResponse as the client's JSON text, the echo spliced in as made once (response-json.ts). */
export function toResponseJson(res: Gemini.GenerateContentResponse, ctx: ResponseContext): string {
  return responseJson(toResponse(res, ctx), { instructions: instructionsJson(ctx.req.instructions), tools: echoedToolsJson(ctx) });
}

export function toResponse(res: Gemini.GenerateContentResponse, ctx: ResponseContext): ResponseObject {
  const mint = ctx.itemId;
  const candidate = Array.isArray(res.candidates) ? res.candidates[0] : undefined;
  const usage = toResponseUsage(res.usageMetadata);
  if (!candidate) {
    const refusal = blockedPromptMessage(res.promptFeedback);
    const { status, incomplete } = outcome(undefined, refusal !== null);
    const content: OutputMessage['content'] = refusal === null ? [{ type: 'output_text', text: '', annotations: [], logprobs: [] }] : [{ type: 'refusal', refusal }];
    return responseObject(ctx, status, [{ id: mint('msg'), type: 'message', role: 'assistant', status: refusal === null ? 'completed' : 'incomplete', content }], { usage, incomplete });
  }

  const parts = candidate.content?.parts;
  const offsets: number[] = [];
  let text = '';
  let thoughts: string | undefined;
  let textSignature: string | undefined;
  const calls: OutputCall[] = [];
  const allowance = new CallAllowance(oneCallPerTurn(ctx));
  for (const seg of readParts(parts, offsets)) {
    if (seg.kind === 'calls') calls.push(...allowance.take(seg.calls));
    else {
      if (seg.kind === 'text') text += seg.text;
      else if (seg.text) thoughts = (thoughts ?? '') + seg.text;
      textSignature ??= seg.signature;
    }
  }
  const { status, incomplete } = outcome(candidate.finishReason, false);
  const callSignature = calls.find((c) => c.signature)?.signature;
  const output: OutputItem[] = [];
  if (thoughts !== undefined) output.push({ id: mint('rs'), type: 'reasoning', summary: [{ type: 'summary_text', text: thoughts }] });
  if (text !== '' || calls.length === 0) {
    const annotations = text && candidate.groundingMetadata ? groundingCitations(candidate.groundingMetadata, parts, text, offsets).map((c) => ({ type: 'url_citation' as const, url: c.url, title: c.title, start_index: c.start, end_index: c.end })) : [];
    output.push({ id: mint('msg'), type: 'message', role: 'assistant', status: status === 'completed' ? 'completed' : 'incomplete', content: [{ type: 'output_text', text, annotations, logprobs: tokenLogprobs(candidate.logprobsResult) }] });
  }
  // Where the stream puts it too: before the calls when a call brought it, else last.
  if (ctx.includeEncrypted && callSignature) output.push(signatureItem(ctx, callSignature));
  for (const call of calls) output.push(callItem(call, ctx));
  if (ctx.includeEncrypted && !callSignature && textSignature) output.push(signatureItem(ctx, textSignature));
  return responseObject(ctx, status, output, { usage, incomplete });
}
