// OpenAI chat request -> the neutral conversation (gemini/conversation.ts), which the core turns
// into Gemini's generateContent body. Pure and deterministic: remote media is fetched beforehand
// (media.ts) and handed in. Runs on every request within the Worker's CPU budget, so nothing is
// deep-cloned and base64 payloads are passed by reference, never scanned.
//
// Messages
//   system, developer        -> system text, all of it, in order, wherever it sits
//   user                     -> a user turn
//   assistant                -> a model turn: text first, then one call per tool call;
//                               reasoning_content is not sent back (Gemini takes no thoughts as
//                               input); refusal parts are text
//   tool, function (legacy)  -> results; consecutive results form one user turn, in the order
//                               of the calls they answer (gemini/calls.ts)
// Turn merging, empty parts, system-only requests, signatures: the core (gemini/request.ts).
import type { Gemini, OpenAI } from '@opengemini/shared';
import { badRequest } from '../../errors';
import { type MediaMap, parseDataUrl } from '../../media';
import { mediaPart } from './media';
import { CallLedger, resultResponse } from '../../gemini/calls';
import type { Conversation, MediaPart, Part, Tool, ToolChoice, Turn } from '../../gemini/conversation';
import { isGemini3, normalizeModel } from '../../gemini/models';
import { type GeminiRequest, toGenerateContent } from '../../gemini/request';
import { SKIP_SIGNATURE, decodeToolCallId } from '../../gemini/signatures';
import { googleExtras } from './validate';
import { MAX_VALUE_NESTING, nestsDeeper } from '../field-checks';

export { DEFAULT_SAFETY_SETTINGS } from '../../gemini/request';

export function toGeminiRequest(req: OpenAI.ChatCompletionRequest, media?: MediaMap): GeminiRequest {
  const out = toGenerateContent(toConversation(req, media));
  if (out.body.contents!.length === 0) throw badRequest('`messages` holds no content: every message is empty.', 'messages');
  return out;
}

export function toConversation(req: OpenAI.ChatCompletionRequest, media?: MediaMap): Conversation {
  const extras = googleExtras(req);
  const { system, turns } = mapMessages(req.messages, isGemini3(normalizeModel(req.model)), media);
  const thinking = extras.thinking_config;
  const stops = typeof req.stop === 'string' ? [req.stop] : (req.stop ?? undefined);
  const rf = req.response_format;
  return {
    model: req.model,
    system,
    turns,
    tools: mapTools(req),
    toolChoice: mapToolChoice(req.tool_choice),
    options: {
      temperature: req.temperature,
      topP: req.top_p,
      maxOutputTokens: req.max_completion_tokens ?? req.max_tokens,
      candidateCount: req.n != null && req.n > 1 ? req.n : undefined,
      stopSequences: stops,
      seed: req.seed,
      presencePenalty: req.presence_penalty,
      frequencyPenalty: req.frequency_penalty,
      logprobs: req.logprobs === true ? { top: req.top_logprobs } : undefined,
      json: rf?.type === 'json_object' || rf?.type === 'json_schema' ? { schema: rf.type === 'json_schema' ? rf.json_schema.schema : undefined } : undefined,
      thinking: { effort: req.reasoning_effort, budget: thinking?.thinking_budget, level: thinking?.thinking_level, includeThoughts: thinking?.include_thoughts },
    },
    safetySettings: extras.safety_settings?.map((s) => ({ category: s.category, threshold: s.threshold }) as Gemini.SafetySetting),
    cachedContent: extras.cached_content || undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

function mapMessages(messages: readonly OpenAI.ChatMessage[], gemini3: boolean, media: MediaMap | undefined): { system: string[]; turns: Turn[] } {
  const system: string[] = [];
  const turns: Turn[] = [];
  const calls = new CallLedger();

  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(...texts(m.content));
        break;
      case 'user':
        turns.push({ role: 'user', parts: userParts(m.content, `messages[${i}]`, media) });
        break;
      case 'assistant':
        turns.push({ role: 'model', parts: assistantParts(m, i, calls, gemini3) });
        break;
      case 'tool':
      case 'function': {
        let end = i + 1;
        while (end < messages.length && (messages[end]!.role === 'tool' || messages[end]!.role === 'function')) end++;
        turns.push({ role: 'user', parts: toolResultParts(messages, i, end, calls, media) });
        i = end - 1;
        break;
      }
    }
  }
  return { system, turns };
}

/** The texts of a string or of text (and refusal) parts; empty strings dropped. */
function texts(content: OpenAI.ChatMessage['content']): string[] {
  if (typeof content === 'string') return content ? [content] : [];
  const out: string[] = [];
  for (const part of content ?? []) {
    const text = part.type === 'text' ? part.text : part.type === 'refusal' ? part.refusal : '';
    if (text) out.push(text);
  }
  return out;
}

function userParts(content: OpenAI.ChatMessage['content'], p: string, map: MediaMap | undefined): Part[] {
  if (typeof content === 'string') return [{ kind: 'text', text: content }];
  const parts: Part[] = [];
  if (!content) return parts;
  for (let j = 0; j < content.length; j++) {
    const part = content[j]!;
    if (part.type === 'text') parts.push({ kind: 'text', text: part.text });
    else if (part.type === 'refusal') parts.push({ kind: 'text', text: part.refusal });
    else parts.push(mediaPart(part, `${p}.content[${j}]`, map));
  }
  return parts;
}

function assistantParts(m: OpenAI.ChatMessage, i: number, calls: CallLedger, gemini3: boolean): Part[] {
  const parts: Part[] = [];
  for (const text of texts(m.content)) splitInlineImages(text, `messages[${i}].content`, gemini3, parts);
  const recorded = (m.tool_calls ?? []).map((tc) => {
    const carried = decodeToolCallId(tc.id);
    parts.push({ kind: 'call', name: tc.function.name, args: parseArguments(tc.function.arguments), geminiId: carried.geminiId, signature: carried.signature });
    return { id: tc.id, name: tc.function.name, geminiId: carried.geminiId };
  });
  calls.addTurn(recorded);
  return parts;
}

/**
 * Tool call arguments as the object Gemini wants. Empty means no arguments. Text that is not a
 * JSON object (truncated output of another model, a bare value) is wrapped as `{arguments: ...}`
 * rather than refused: it is history the client cannot repair, and a 400 would stick the
 * conversation for good.
 */
export function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    // Nested past any real call: passed on as the text it came as (its object could not be written).
    if (nestsDeeper(value, MAX_VALUE_NESTING)) return { arguments: text };
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return { arguments: value };
  } catch {
    return { arguments: text };
  }
}

/** Matches what parts.ts writes for an image the model generated: `![image](data:...)`. */
const INLINE_IMAGE = /!\[[^\]\n]*\]\((data:[^)\s]+)\)/g;

/**
 * Assistant text, with the markdown data-URL images our own responses carry turned back into
 * inline images: an image model can then edit its previous image, and megabytes of base64 are
 * not sent as text. The regex only runs on text that holds such an image.
 */
function splitInlineImages(text: string, param: string, gemini3: boolean, out: Part[]): void {
  if (!text.includes('](data:')) {
    out.push({ kind: 'text', text });
    return;
  }
  let at = 0;
  for (const match of text.matchAll(INLINE_IMAGE)) {
    const before = text.slice(at, match.index);
    if (before.trim()) out.push({ kind: 'text', text: before });
    const part: MediaPart = { kind: 'media', inlineData: parseDataUrl(match[1]!, param) };
    if (gemini3) part.signature = SKIP_SIGNATURE; // Gemini 3 image models check them
    out.push(part);
    at = match.index + match[0].length;
  }
  const rest = text.slice(at);
  if (rest.trim()) out.push({ kind: 'text', text: rest });
}

/**
 * messages[start, end) are tool results: result parts ordered like the calls they answer
 * (results of unknown calls last, as they came), then any images they carried.
 */
function toolResultParts(messages: readonly OpenAI.ChatMessage[], start: number, end: number, calls: CallLedger, map: MediaMap | undefined): Part[] {
  const images: Part[] = [];
  const results = [];
  for (let k = start; k < end; k++) {
    const m = messages[k]!;
    results.push({ id: m.tool_call_id, name: m.name, response: resultResponse(toolText(m.content, `messages[${k}]`, map, images)) });
  }
  return [...calls.results(results), ...images];
}

/** A tool result's text; images it carries are appended to `images`. */
function toolText(content: OpenAI.ChatMessage['content'], p: string, map: MediaMap | undefined, images: Part[]): string {
  if (typeof content === 'string') return content;
  const out: string[] = [];
  (content ?? []).forEach((part, j) => {
    if (part.type === 'text') out.push(part.text);
    else if (part.type === 'image_url') images.push(mediaPart(part, `${p}.content[${j}]`, map));
  });
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

function mapTools(req: OpenAI.ChatCompletionRequest): Tool[] {
  const tools: Tool[] = [];
  for (const tool of req.tools ?? []) {
    const type = tool.type as string;
    if (type === 'google_search' || type === 'code_execution' || type === 'url_context') tools.push({ kind: type });
    else tools.push({ kind: 'function', name: tool.function.name, description: tool.function.description, parameters: tool.function.parameters });
  }
  if (req.web_search_options) tools.push({ kind: 'google_search' });
  return tools;
}

/** parallel_tool_calls:false has no Gemini counterpart: the answer shows the first call only
 * (route.ts oneCallPerTurn, CallAllowance in the core). */
function mapToolChoice(choice: OpenAI.ChatCompletionRequest['tool_choice']): ToolChoice | undefined {
  if (choice === 'none') return { mode: 'none' };
  if (choice === 'auto') return { mode: 'auto' };
  if (choice === 'required') return { mode: 'any' };
  if (choice) return { mode: 'any', only: choice.function.name };
  return undefined;
}
