// OpenAI chat request -> Gemini generateContent request. Pure and deterministic: remote media is
// fetched beforehand (media.ts) and handed in. Runs on every request within the Worker's CPU
// budget, so nothing is deep-cloned and base64 payloads are passed by reference, never scanned.
//
// Messages
//   system, developer        -> systemInstruction.parts, all of them, in order, wherever they sit
//   user                     -> role "user"
//   assistant                -> role "model": text first, then one functionCall part per tool
//                               call, in one turn; reasoning_content is not sent back (Gemini
//                               takes no thoughts as input); refusal parts are text
//   tool, function (legacy)  -> functionResponse parts; consecutive results form one user turn,
//                               in the order of the calls they answer
// Consecutive turns of one role are merged; empty turns and empty text parts never reach Gemini.
// A request of system messages only (a "generate a title" prompt, say) sends them as the user
// turn: Gemini rejects empty contents, while OpenAI serves such a request.
//
// Parameters: see generationConfig() and tools(); each decision is commented where it is made.
import type { Gemini, OpenAI } from '@opengemini/shared';
import { badRequest } from '../../errors';
import { type MediaMap, mediaPart, parseDataUrl } from '../../chat/media';
import { isGemini3, isGemma, isLatestAlias, normalizeModel } from '../../gemini/models';
import { convertSchemas, isEmptyObjectSchema } from '../../gemini/schema';
import { SKIP_SIGNATURE, decodeToolCallId } from '../../gemini/signatures';
import { toThinkingConfig } from '../../gemini/thinking';
import { googleExtras } from './validate';

export interface GeminiChatRequest {
  /** The model id for the URL: a leading `models/` stripped, the rest as the client sent it. */
  model: string;
  body: Gemini.GenerateContentRequest;
}

/** Safety filters off: the client decides what it asks for. Four categories, not five:
 * HARM_CATEGORY_CIVIC_INTEGRITY is deprecated in the discovery document (revision 20260325,
 * "use enable_enhanced_civic_answers instead") and some models answer 400 when it is set to OFF.
 * Clients can still set it through `google.safety_settings`. */
export const DEFAULT_SAFETY_SETTINGS: readonly Gemini.SafetySetting[] = [
  { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'OFF' },
  { category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'OFF' },
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', threshold: 'OFF' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', threshold: 'OFF' },
];

export function toGeminiRequest(req: OpenAI.ChatCompletionRequest, media?: MediaMap): GeminiChatRequest {
  const model = normalizeModel(req.model);
  const extras = googleExtras(req);
  const { system, contents } = mapMessages(req.messages, model, media);
  const body: Gemini.GenerateContentRequest = { contents };

  if (system.length > 0) {
    if (contents.length === 0) contents.push({ role: 'user', parts: system });
    // Gemma on the Gemini API rejects systemInstruction ("Developer instruction is not enabled").
    else if (isGemma(model)) prependToFirstUserTurn(contents, system);
    else body.systemInstruction = { parts: system };
  }
  if (contents.length === 0) throw badRequest('`messages` holds no content: every message is empty.', 'messages');

  const { tools, toolConfig } = mapTools(req, model);
  const cached = extras.cached_content;
  if (cached) {
    // Gemini rejects system_instruction, tools and tool_config beside cachedContent: they must
    // live in the cache itself.
    body.cachedContent = cached;
    delete body.systemInstruction;
  } else {
    if (tools.length > 0) body.tools = tools;
    if (toolConfig) body.toolConfig = toolConfig;
  }

  const generationConfig = mapGenerationConfig(req, model, tools.some((t) => t.functionDeclarations), extras);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  body.safetySettings = extras.safety_settings
    ? extras.safety_settings.map((s) => ({ category: s.category, threshold: s.threshold }) as Gemini.SafetySetting)
    : DEFAULT_SAFETY_SETTINGS.map((s) => ({ ...s }));
  return { model, body };
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

interface CallInfo {
  name: string;
  geminiId: string | undefined;
  /** Which assistant message (counted from 1) and which call in it: results follow this order. */
  turn: number;
  index: number;
}

function mapMessages(messages: readonly OpenAI.ChatMessage[], model: string, media: MediaMap | undefined) {
  const system: Gemini.Part[] = [];
  const contents: Gemini.Content[] = [];
  const calls = new Map<string, CallInfo>();
  const gemini3 = isGemini3(model);
  let turn = 0;

  const push = (role: 'user' | 'model', parts: Gemini.Part[]): void => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last?.role === role) for (const p of parts) last.parts!.push(p);
    else contents.push({ role, parts });
  };

  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    switch (m.role) {
      case 'system':
      case 'developer':
        textParts(m.content, system);
        break;
      case 'user':
        push('user', userParts(m.content, `messages[${i}]`, media));
        break;
      case 'assistant':
        push('model', assistantParts(m, i, calls, ++turn, gemini3));
        break;
      case 'tool':
      case 'function': {
        let end = i + 1;
        while (end < messages.length && (messages[end]!.role === 'tool' || messages[end]!.role === 'function')) end++;
        push('user', toolResultParts(messages, i, end, calls, media));
        i = end - 1;
        break;
      }
    }
  }

  // Gemini 3 answers 400 when the first functionCall of a model turn lacks its thought signature.
  // Carried signatures are already in place; history the model did not produce (another model,
  // a client-written example, a lost id) gets Google's documented placeholder. The -latest
  // aliases may point at Gemini 3; the placeholder is harmless elsewhere.
  if (gemini3 || isLatestAlias(model)) {
    for (const c of contents) {
      if (c.role !== 'model') continue;
      const first = c.parts!.find((p) => p.functionCall);
      if (first && !first.thoughtSignature) first.thoughtSignature = SKIP_SIGNATURE;
    }
  }
  return { system, contents };
}

function prependToFirstUserTurn(contents: Gemini.Content[], parts: Gemini.Part[]): void {
  const first = contents[0];
  if (first?.role === 'user') first.parts = [...parts, ...first.parts!];
  else contents.unshift({ role: 'user', parts });
}

/** Text of a string or of text parts, appended to `out`; empty strings dropped. */
function textParts(content: OpenAI.ChatMessage['content'], out: Gemini.Part[]): Gemini.Part[] {
  if (typeof content === 'string') {
    if (content) out.push({ text: content });
  } else if (content) {
    for (const part of content) {
      const text = part.type === 'text' ? part.text : part.type === 'refusal' ? part.refusal : '';
      if (text) out.push({ text });
    }
  }
  return out;
}

function userParts(content: OpenAI.ChatMessage['content'], p: string, media: MediaMap | undefined): Gemini.Part[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  const parts: Gemini.Part[] = [];
  if (!content) return parts;
  for (let j = 0; j < content.length; j++) {
    const part = content[j]!;
    if (part.type === 'text') {
      if (part.text) parts.push({ text: part.text });
    } else if (part.type === 'refusal') {
      if (part.refusal) parts.push({ text: part.refusal });
    } else {
      parts.push(mediaPart(part, `${p}.content[${j}]`, media));
    }
  }
  return parts;
}

function assistantParts(m: OpenAI.ChatMessage, i: number, calls: Map<string, CallInfo>, turn: number, gemini3: boolean): Gemini.Part[] {
  const parts: Gemini.Part[] = [];
  for (const t of textParts(m.content, [])) splitInlineImages(t.text!, `messages[${i}].content`, gemini3, parts);
  const toolCalls = m.tool_calls ?? [];
  for (let j = 0; j < toolCalls.length; j++) {
    const tc = toolCalls[j]!;
    const carried = decodeToolCallId(tc.id);
    const call: Gemini.FunctionCall = { name: tc.function.name, args: parseArguments(tc.function.arguments) };
    if (carried.geminiId) call.id = carried.geminiId;
    const part: Gemini.Part = { functionCall: call };
    if (carried.signature) part.thoughtSignature = carried.signature;
    parts.push(part);
    if (tc.id) calls.set(tc.id, { name: tc.function.name, geminiId: carried.geminiId, turn, index: j });
  }
  return parts;
}

/**
 * Tool call arguments as the object Gemini wants. Empty means no arguments. Text that is not a
 * JSON object (truncated output of another model, a bare value) is wrapped as `{arguments: ...}`
 * rather than refused: it is history the client cannot repair, and a 400 would stick the
 * conversation for good.
 */
function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return { arguments: value };
  } catch {
    return { arguments: text };
  }
}

/** Matches what chat/parts.ts writes for an image the model generated: `![image](data:...)`. */
const INLINE_IMAGE = /!\[[^\]\n]*\]\((data:[^)\s]+)\)/g;

/**
 * Assistant text, with the markdown data-URL images our own responses carry turned back into
 * inline images: an image model can then edit its previous image, and megabytes of base64 are
 * not sent as text. The regex only runs on text that holds such an image.
 */
function splitInlineImages(text: string, param: string, gemini3: boolean, out: Gemini.Part[]): void {
  if (!text.includes('](data:')) {
    out.push({ text });
    return;
  }
  let at = 0;
  for (const match of text.matchAll(INLINE_IMAGE)) {
    const before = text.slice(at, match.index);
    if (before.trim()) out.push({ text: before });
    const part: Gemini.Part = { inlineData: parseDataUrl(match[1]!, param) };
    if (gemini3) part.thoughtSignature = SKIP_SIGNATURE; // Gemini 3 image models check them
    out.push(part);
    at = match.index + match[0].length;
  }
  const rest = text.slice(at);
  if (rest.trim()) out.push({ text: rest });
}

/**
 * messages[start, end) are tool results: functionResponse parts ordered like the calls they
 * answer (results of unknown calls last, as they came), then any images they carried.
 */
function toolResultParts(messages: readonly OpenAI.ChatMessage[], start: number, end: number, calls: Map<string, CallInfo>, media: MediaMap | undefined): Gemini.Part[] {
  const results: Array<{ part: Gemini.Part; turn: number; index: number }> = [];
  const images: Gemini.Part[] = [];
  for (let k = start; k < end; k++) {
    const m = messages[k]!;
    const id = m.tool_call_id;
    const call = id ? calls.get(id) : undefined;
    const fr: Gemini.FunctionResponse = { name: call?.name ?? m.name ?? 'unknown_function', response: toolResponse(m.content, `messages[${k}]`, media, images) };
    const geminiId = call ? call.geminiId : decodeToolCallId(id).geminiId;
    if (geminiId) fr.id = geminiId;
    results.push({ part: { functionResponse: fr }, turn: call?.turn ?? Infinity, index: call?.index ?? k });
  }
  results.sort((a, b) => a.turn - b.turn || a.index - b.index);
  const parts = results.map((r) => r.part);
  for (const img of images) parts.push(img);
  return parts;
}

/**
 * A tool result as Gemini's `response` object: `{result: <the JSON object>}` when the text is a
 * JSON object, `{result: <the text>}` otherwise. Never refused: plain text is the common case.
 */
function toolResponse(content: OpenAI.ChatMessage['content'], p: string, media: MediaMap | undefined, images: Gemini.Part[]): Record<string, unknown> {
  let text = '';
  if (typeof content === 'string') {
    text = content;
  } else if (content) {
    const texts: string[] = [];
    content.forEach((part, j) => {
      if (part.type === 'text') texts.push(part.text);
      else if (part.type === 'image_url') images.push(mediaPart(part, `${p}.content[${j}]`, media));
    });
    text = texts.join('\n');
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { result: value };
    } catch {
      // not JSON after all: sent as text
    }
  }
  return { result: text };
}

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

function mapTools(req: OpenAI.ChatCompletionRequest, model: string): { tools: Gemini.Tool[]; toolConfig?: Gemini.ToolConfig } {
  const declarations: Gemini.FunctionDeclaration[] = [];
  const builtins: Gemini.Tool[] = [];
  const schemas: unknown[] = [];
  const withSchema: Gemini.FunctionDeclaration[] = [];
  const addBuiltin = (tool: Gemini.Tool): void => {
    const key = Object.keys(tool)[0]!;
    if (!builtins.some((t) => Object.keys(t)[0] === key)) builtins.push(tool);
  };

  for (const tool of req.tools ?? []) {
    const type = tool.type as string;
    if (type === 'google_search') addBuiltin({ googleSearch: {} });
    else if (type === 'code_execution') addBuiltin({ codeExecution: {} });
    else if (type === 'url_context') addBuiltin({ urlContext: {} });
    else {
      const fn = tool.function;
      const decl: Gemini.FunctionDeclaration = { name: fn.name };
      if (fn.description) decl.description = fn.description;
      // A tool without parameters gets none: Gemini rejects an OBJECT with empty properties.
      if (!isEmptyObjectSchema(fn.parameters)) {
        schemas.push(fn.parameters);
        withSchema.push(decl);
      }
      declarations.push(decl);
    }
  }
  if (schemas.length > 0) {
    const converted = convertSchemas(schemas, model);
    converted.schemas.forEach((schema, k) => {
      if (converted.mode === 'json') withSchema[k]!.parametersJsonSchema = schema;
      else withSchema[k]!.parameters = schema as Gemini.Schema;
    });
  }
  if (req.web_search_options) addBuiltin({ googleSearch: {} });

  const tools: Gemini.Tool[] = [];
  if (declarations.length > 0) tools.push({ functionDeclarations: declarations });
  // Before Gemini 3, built-in tools and function declarations cannot share a request ("Tool use
  // with function calling is unsupported"): the functions win, since the client's own agent
  // loop depends on them while search only enriches an answer.
  if (declarations.length === 0 || isGemini3(model)) tools.push(...builtins);
  if (declarations.length === 0) return { tools };

  const choice = req.tool_choice;
  let config: Gemini.FunctionCallingConfig | undefined;
  if (choice === 'none') config = { mode: 'NONE' };
  else if (choice === 'auto') config = { mode: 'AUTO' };
  else if (choice === 'required') config = { mode: 'ANY' }; // Gemini has no REQUIRED mode
  else if (choice) config = { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
  // parallel_tool_calls:false has no Gemini counterpart; the client still gets one call per
  // turn from most models, and handles several if not.
  return config ? { tools, toolConfig: { functionCallingConfig: config } } : { tools };
}

// ---------------------------------------------------------------------------------------------
// Generation config
// ---------------------------------------------------------------------------------------------

function mapGenerationConfig(req: OpenAI.ChatCompletionRequest, model: string, hasFunctions: boolean, extras: OpenAI.GoogleExtras): Gemini.GenerationConfig {
  const gc: Gemini.GenerationConfig = {};
  if (req.temperature != null) gc.temperature = req.temperature;
  if (req.top_p != null) gc.topP = req.top_p;
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (max != null) gc.maxOutputTokens = max;
  if (req.n != null && req.n > 1) gc.candidateCount = req.n;
  const stops = (typeof req.stop === 'string' ? [req.stop] : (req.stop ?? [])).filter((s) => s !== '');
  if (stops.length > 0) gc.stopSequences = stops;
  // Gemini's seed is int32: larger seeds fold deterministically (the same seed, the same fold).
  if (req.seed != null) gc.seed = req.seed | 0;
  // Many clients send 0 penalties by default, and some models reject any penalty ("Penalty is
  // not enabled"): only a real penalty is sent.
  if (req.presence_penalty) gc.presencePenalty = req.presence_penalty;
  if (req.frequency_penalty) gc.frequencyPenalty = req.frequency_penalty;
  if (req.logprobs === true) {
    gc.responseLogprobs = true;
    if (req.top_logprobs != null) gc.logprobs = req.top_logprobs;
  }

  // JSON output beside function declarations is a 400 before Gemini 3 ("Function calling with a
  // response mime type: 'application/json' is unsupported"): the tools win, as above.
  const rf = req.response_format;
  if ((rf?.type === 'json_object' || rf?.type === 'json_schema') && (!hasFunctions || isGemini3(model))) {
    gc.responseMimeType = 'application/json';
    const schema = rf.type === 'json_schema' ? rf.json_schema.schema : undefined;
    if (!isEmptyObjectSchema(schema)) {
      const converted = convertSchemas([schema], model, { propertyOrdering: true });
      if (converted.mode === 'json') gc.responseJsonSchema = converted.schemas[0];
      else gc.responseSchema = converted.schemas[0]!;
    }
  }

  const thinking = toThinkingConfig(model, req.reasoning_effort, extras.thinking_config);
  if (thinking) gc.thinkingConfig = thinking;
  return gc;
}
