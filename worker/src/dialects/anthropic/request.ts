// Anthropic Messages request -> the neutral conversation (gemini/conversation.ts). Pure: remote
// media (image and document URLs) is fetched beforehand (collectMediaUrls + fetchRequestMedia)
// and handed in.
//
// | Anthropic                                   | conversation                                   |
// |---------------------------------------------|------------------------------------------------|
// | system (string or text blocks), and          | system texts (cache_control ignored; Claude    |
// | messages of role system (mid-conversation)   | Code's billing header line dropped)            |
// | text                                        | text                                           |
// | image base64 / url                          | inline media (a URL fetched first)             |
// | document base64 (PDF) / url                 | inline media                                   |
// | document text / content                     | text (titled), content's images as media       |
// | tool_use {id, name, input}                  | call; the id gives back Gemini's id+signature  |
// | tool_result {tool_use_id, content, is_error}| result {result} or {error}, ordered like the   |
// |                                             | calls; images in it follow as media            |
// | thinking {thinking, signature}              | not sent (Gemini takes no thoughts as input);  |
// |                                             | an own signature goes back to its turn         |
// | redacted_thinking, server tool blocks       | dropped                                        |
// | tools: custom (input_schema)                | function (schema through gemini/schema)        |
// | tools: web_search_* / web_fetch_* /         | Google Search / URL context / code execution   |
// |        code_execution_*                     |                                                |
// | tool_choice auto / any / tool / none        | auto / any / any + that name / none            |
// | thinking enabled {budget_tokens}            | that budget (clamped to the model's range);    |
// |                                             | Gemini 3: the matching level                   |
// | thinking adaptive (+ output_config.effort)  | that effort, or the model's dynamic thinking   |
// | thinking display: omitted                   | thinking without summaries                     |
// | thinking disabled                           | as little as the model allows, no summaries    |
// | no thinking                                 | the model's default, no summaries              |
// | max_tokens, temperature, top_p, top_k,      | generation options                             |
// | stop_sequences                              |                                                |
// disable_parallel_tool_use has no Gemini counterpart: the answer shows the first tool use only
// (route.ts oneCallPerTurn, CallAllowance in the core).
import type { Anthropic } from '@opengemini/shared';
import { badRequest, unsupported } from '../../errors';
import { type MediaMap, type RemoteMediaRef, readMedia, remoteMediaRef } from '../../media';
import { CallLedger, type RecordedCall, resultResponse } from '../../gemini/calls';
import type { CallPart, Conversation, Effort, MediaPart, Part, ThinkingRequest, Tool, ToolChoice, Turn } from '../../gemini/conversation';
import { isGemini3, normalizeModel } from '../../gemini/models';
import { type GeminiRequest, toGenerateContent } from '../../gemini/request';
import { decodeToolCallId } from '../../gemini/signatures';
import { budgetRange } from '../../gemini/thinking';
import { carriedSignature } from '../../gemini/signatures';

export function toGeminiRequest(req: Anthropic.MessagesRequest, media?: MediaMap): GeminiRequest {
  const out = toGenerateContent(toConversation(req, media));
  if (out.body.contents!.length === 0) throw badRequest('messages: every message is empty.', 'messages');
  return out;
}

/** Claude Code's first system block, `x-anthropic-billing-header: cc_version=...`: metadata for
 * Anthropic's billing, not an instruction; the model need not read it. */
const BILLING_HEADER = /^x-anthropic-billing-header:/;

export function toConversation(req: Anthropic.MessagesRequest, media?: MediaMap): Conversation {
  const calls = new CallLedger();
  const system = systemTexts(req.system);
  const turns: Turn[] = [];
  req.messages.forEach((m, i) => {
    if (m.role === 'user') turns.push({ role: 'user', parts: userParts(m.content, `messages.${i}`, calls, media) });
    else if (m.role === 'assistant') turns.push({ role: 'model', parts: assistantParts(m.content, calls) });
    else system.push(...systemTexts(m.content));
  });
  const conv: Conversation = {
    model: req.model,
    system: system.filter((t) => !BILLING_HEADER.test(t)),
    turns,
    tools: (req.tools ?? []).map(mapTool),
    toolChoice: mapToolChoice(req.tool_choice),
    options: {
      maxOutputTokens: req.max_tokens,
      temperature: req.temperature,
      topP: req.top_p,
      topK: req.top_k,
      stopSequences: req.stop_sequences,
      thinking: mapThinking(req, normalizeModel(req.model)),
    },
  };
  return conv;
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

function systemTexts(system: string | Anthropic.ContentBlockParam[] | undefined): string[] {
  if (system === undefined || system === null) return [];
  if (typeof system === 'string') return [system];
  return system.map((b) => (b as Anthropic.TextBlock).text);
}

function blocks(content: string | Anthropic.ContentBlockParam[]): Anthropic.ContentBlockParam[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function userParts(content: string | Anthropic.ContentBlockParam[], p: string, calls: CallLedger, media: MediaMap | undefined): Part[] {
  const parts: Part[] = [];
  // Results first, as Gemini wants them right after the calls; anything else in the message after.
  const results: Array<{ id: string; response: Record<string, unknown> }> = [];
  const after: Part[] = [];
  blocks(content).forEach((block, j) => {
    const q = `${p}.content.${j}`;
    if (block.type === 'tool_result') {
      const r = block as Anthropic.ToolResultBlock;
      const text: string[] = [];
      if (typeof r.content === 'string') text.push(r.content);
      else (r.content ?? []).forEach((inner, k) => contentParts(inner, `${q}.content.${k}`, media, text, after));
      results.push({ id: r.tool_use_id, response: resultResponse(text.join('\n'), r.is_error === true ? 'error' : 'result') });
    } else {
      const text: string[] = [];
      contentParts(block, q, media, text, parts);
      for (const t of text) parts.push({ kind: 'text', text: t });
    }
  });
  return results.length > 0 ? [...calls.results(results), ...after, ...parts] : parts;
}

/** A user-side block: texts into `text`, media into `media`. */
function contentParts(block: Anthropic.ContentBlockParam, p: string, map: MediaMap | undefined, text: string[], out: Part[]): void {
  switch (block.type) {
    case 'text':
      text.push(block.text);
      return;
    case 'image':
      out.push(mediaPart(block.source, `${p}.source`, map));
      return;
    case 'document': {
      const doc = block as Anthropic.DocumentBlock;
      const title = doc.title ? `${doc.title}\n\n` : '';
      if (doc.source.type === 'text') text.push(title + doc.source.data);
      else if (doc.source.type === 'content') {
        if (typeof doc.source.content === 'string') text.push(title + doc.source.content);
        else doc.source.content.forEach((inner, k) => contentParts(inner, `${p}.source.content.${k}`, map, text, out));
      } else out.push(mediaPart(doc.source, `${p}.source`, map));
      return;
    }
  }
}

function mediaPart(source: Anthropic.MediaSource, p: string, map: MediaMap | undefined): MediaPart {
  if (source.type === 'base64') return readMedia({ data: source.data, mimeType: source.media_type }, `${p}.data`, map);
  if (source.type === 'url') return readMedia({ url: source.url }, `${p}.url`, map);
  throw unsupported(`${p}: a ${source.type} source cannot be read by Gemini.`, p);
}

function assistantParts(content: string | Anthropic.ContentBlockParam[], calls: CallLedger): Part[] {
  const parts: Part[] = [];
  const recorded: RecordedCall[] = [];
  let signature: string | undefined;
  for (const block of blocks(content)) {
    if (block.type === 'text') {
      parts.push({ kind: 'text', text: block.text });
    } else if (block.type === 'tool_use') {
      const use = block as Anthropic.ToolUseBlock;
      const carried = decodeToolCallId(use.id);
      parts.push({ kind: 'call', name: use.name, args: use.input, geminiId: carried.geminiId, signature: carried.signature });
      recorded.push({ id: use.id, name: use.name, geminiId: carried.geminiId });
    } else if (block.type === 'thinking') {
      signature ??= carriedSignature((block as Anthropic.ThinkingBlock).signature);
    }
    // redacted_thinking, server_tool_use, web_search_tool_result: nothing Gemini can read.
  }
  calls.addTurn(recorded);
  // A signature carried by the thinking block goes back where Gemini put it: the first call
  // (when its id lost it), else the turn's last text.
  if (signature) {
    const call = parts.find((x): x is CallPart => x.kind === 'call');
    const target = call ?? [...parts].reverse().find((x) => x.kind === 'text');
    if (target && !target.signature) target.signature = signature;
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Tools, thinking
// ---------------------------------------------------------------------------------------------

/** Anthropic's server tools and the Gemini built-in tool that does the same. */
const SERVER_TOOLS: Array<[RegExp, Tool]> = [
  [/^web_search_/, { kind: 'google_search' }],
  [/^web_fetch_/, { kind: 'url_context' }],
  [/^code_execution_/, { kind: 'code_execution' }],
];

function mapTool(tool: Anthropic.Tool, i: number): Tool {
  if (tool.type === undefined || tool.type === 'custom') {
    return { kind: 'function', name: tool.name, description: tool.description, parameters: tool.input_schema };
  }
  for (const [pattern, builtin] of SERVER_TOOLS) if (pattern.test(tool.type)) return builtin;
  throw unsupported(`tools.${i}.type: '${tool.type}' is a tool Anthropic defines and Gemini lacks; declare it as a custom tool with an input_schema.`, `tools.${i}.type`);
}

function mapToolChoice(choice: Anthropic.ToolChoice | undefined): ToolChoice | undefined {
  if (!choice) return undefined;
  if (choice.type === 'tool') return { mode: 'any', only: choice.name };
  return { mode: choice.type };
}

const EFFORT: Record<string, Effort> = { low: 'low', medium: 'medium', high: 'high', max: 'xhigh' };

function mapThinking(req: Anthropic.MessagesRequest, model: string): ThinkingRequest {
  const effort = req.output_config?.effort ? EFFORT[req.output_config.effort] : undefined;
  const thinking = req.thinking;
  if (!thinking) return { effort, includeThoughts: false };
  if (thinking.type === 'disabled') return { effort: 'none', includeThoughts: false };
  const includeThoughts = thinking.display !== 'omitted';
  if (thinking.type === 'adaptive') return effort ? { effort, includeThoughts } : { budget: -1, includeThoughts };
  // Gemini 3 turns a budget into the matching level; 2.5 takes it within the model's range.
  const range = budgetRange(model);
  const budget = isGemini3(model) ? thinking.budget_tokens : Math.min(range.max, Math.max(range.min, thinking.budget_tokens));
  return { budget, includeThoughts };
}

// ---------------------------------------------------------------------------------------------
// Remote media
// ---------------------------------------------------------------------------------------------

/** The http(s) image and document URLs to fetch before mapping, with the block each sits in
 * (Gemini's own file URIs excepted: Gemini reads those itself). */
export function collectMediaUrls(req: Anthropic.MessagesRequest): RemoteMediaRef[] {
  const refs: RemoteMediaRef[] = [];
  const visit = (block: Anthropic.ContentBlockParam, p: string): void => {
    if (block.type === 'image' || block.type === 'document') {
      const source = (block as Anthropic.ImageBlock).source;
      const ref = source.type === 'url' ? remoteMediaRef(source.url, `${p}.source.url`, `the ${block.type} at ${p}`) : undefined;
      if (ref) refs.push(ref);
      if (source.type === 'content' && Array.isArray(source.content)) source.content.forEach((inner, k) => visit(inner, `${p}.source.content.${k}`));
    } else if (block.type === 'tool_result') {
      const content = (block as Anthropic.ToolResultBlock).content;
      if (Array.isArray(content)) content.forEach((inner, k) => visit(inner, `${p}.content.${k}`));
    }
  };
  req.messages.forEach((m, i) => {
    if (m.role === 'user' && Array.isArray(m.content)) m.content.forEach((block, j) => visit(block, `messages.${i}.content.${j}`));
  });
  return refs;
}
