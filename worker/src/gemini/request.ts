// A neutral conversation (conversation.ts) -> Gemini generateContent request. Pure and
// deterministic; every dialect's request goes through here, so Gemini's wire rules live in one
// place:
//
//   turns          consecutive turns of one role merged; empty texts and empty turns dropped
//   system         systemInstruction.parts; a conversation of system text only sends it as the
//                  user turn (Gemini rejects empty contents); Gemma gets it in the first user turn
//   signatures     Gemini 3: the first functionCall of every model turn carries a thought
//                  signature, Google's documented placeholder when the history has none
//   tools          functions (schemas through schema/), built-in tools, and which may share a
//                  request; the tool choice as functionCallingConfig
//   options        generationConfig: sampling, JSON output, thinking by model family
//   safety         every filter off unless the client set its own
import type { Gemini } from '@opengemini/shared';
import type { Conversation, GenerationOptions, Part, Tool, ToolChoice, Turn } from './conversation';
import { type GeminiTools, type KeptToolForms, type ToolTraits } from './kept-tools';
import { isGemini3, isGemma, isLatestAlias, normalizeModel, supportsJsonSchema } from './models';
import { convertSchemas, isEmptyObjectSchema } from './schema';
import { SKIP_SIGNATURE } from './signatures';
import { toThinkingConfig } from './thinking';

export interface GeminiRequest {
  /** The model id for the URL: a leading `models/` stripped, the rest as the client sent it. */
  model: string;
  body: Gemini.GenerateContentRequest;
}

/** Safety filters off: the client decides what it asks for. Four categories, not five:
 * HARM_CATEGORY_CIVIC_INTEGRITY is deprecated in the discovery document (revision 20260325,
 * "use enable_enhanced_civic_answers instead") and some models answer 400 when it is set to OFF.
 * Clients can still set it through their own safety settings. */
export const DEFAULT_SAFETY_SETTINGS: readonly Gemini.SafetySetting[] = [
  { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'OFF' },
  { category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'OFF' },
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', threshold: 'OFF' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', threshold: 'OFF' },
];

/** The generateContent body for a conversation. `contents` is empty only when it held nothing:
 * the dialect says so in its own words (it knows which field was empty). */
export function toGenerateContent(conv: Conversation): GeminiRequest {
  const model = normalizeModel(conv.model);
  const contents = toContents(conv.turns, model);
  const system: Gemini.Part[] = conv.system.filter((t) => t !== '').map((text) => ({ text }));
  const body: Gemini.GenerateContentRequest = { contents };

  if (system.length > 0) {
    if (contents.length === 0) contents.push({ role: 'user', parts: system });
    // Gemma on the Gemini API rejects systemInstruction ("Developer instruction is not enabled").
    else if (isGemma(model)) prependToFirstUserTurn(contents, system);
    else body.systemInstruction = { parts: system };
  }

  const { tools, hasFunctions, toolConfig } = mapTools(conv.tools, conv.keptTools, conv.toolChoice, model);
  if (conv.cachedContent) {
    // Gemini rejects system_instruction, tools and tool_config beside cachedContent: they must
    // live in the cache itself.
    body.cachedContent = conv.cachedContent;
    delete body.systemInstruction;
  } else {
    if (tools.length > 0) body.tools = tools;
    if (toolConfig) body.toolConfig = toolConfig;
  }

  const generationConfig = mapGenerationConfig(conv.options, model, hasFunctions);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  body.safetySettings = conv.safetySettings
    ? conv.safetySettings.map((s) => ({ ...s }))
    : DEFAULT_SAFETY_SETTINGS.map((s) => ({ ...s }));
  return { model, body };
}

// ---------------------------------------------------------------------------------------------
// Turns
// ---------------------------------------------------------------------------------------------

function toContents(turns: readonly Turn[], model: string): Gemini.Content[] {
  const contents: Gemini.Content[] = [];
  for (const turn of turns) {
    const parts: Gemini.Part[] = [];
    for (const part of turn.parts) {
      const p = toGeminiPart(part);
      if (p) parts.push(p);
    }
    if (parts.length === 0) continue;
    const last = contents[contents.length - 1];
    if (last?.role === turn.role) for (const p of parts) last.parts!.push(p);
    else contents.push({ role: turn.role, parts });
  }

  // Gemini 3 answers 400 when the first functionCall of a model turn lacks its thought signature.
  // Carried signatures are already in place; history the model did not produce (another model,
  // a client-written example, a lost id) gets Google's documented placeholder. The -latest
  // aliases may point at Gemini 3; the placeholder is harmless elsewhere.
  if (isGemini3(model) || isLatestAlias(model)) {
    for (const c of contents) {
      if (c.role !== 'model') continue;
      const first = c.parts!.find((p) => p.functionCall);
      if (first && !first.thoughtSignature) first.thoughtSignature = SKIP_SIGNATURE;
    }
  }
  return contents;
}

function toGeminiPart(part: Part): Gemini.Part | undefined {
  let out: Gemini.Part;
  switch (part.kind) {
    case 'text':
      if (part.text === '') return undefined;
      out = { text: part.text };
      break;
    case 'media':
      out = part.inlineData ? { inlineData: part.inlineData } : part.fileData ? { fileData: part.fileData } : {};
      break;
    case 'call': {
      const call: Gemini.FunctionCall = { name: part.name, args: part.args };
      if (part.geminiId) call.id = part.geminiId;
      out = { functionCall: call };
      break;
    }
    case 'result': {
      const fr: Gemini.FunctionResponse = { name: part.name, response: part.response };
      if (part.geminiId) fr.id = part.geminiId;
      return { functionResponse: fr };
    }
  }
  if (part.signature) out.thoughtSignature = part.signature;
  return out;
}

function prependToFirstUserTurn(contents: Gemini.Content[], parts: Gemini.Part[]): void {
  const first = contents[0];
  if (first?.role === 'user') first.parts = [...parts, ...first.parts!];
  else contents.unshift({ role: 'user', parts });
}

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

function mapTools(requested: readonly Tool[], kept: KeptToolForms | undefined, choice: ToolChoice | undefined, model: string): { tools: Gemini.Tool[]; hasFunctions: boolean; toolConfig?: Gemini.ToolConfig } {
  const traits: ToolTraits = { jsonSchema: supportsJsonSchema(model), gemini3: isGemini3(model) };
  const form = kept ? kept.form(traits, (t) => convertTools(requested, t)) : convertTools(requested, traits);
  // Shared when kept (frozen all the way down); the body only serialises it.
  const tools = form.tools as Gemini.Tool[];
  const hasFunctions = form.hasFunctions;
  if (!hasFunctions || !choice) return { tools, hasFunctions };

  // Gemini has no REQUIRED mode: ANY is "must call a function", restricted to `only` if given.
  const config: Gemini.FunctionCallingConfig = { mode: choice.mode === 'any' ? 'ANY' : choice.mode === 'none' ? 'NONE' : 'AUTO' };
  if (choice.mode === 'any' && choice.only !== undefined) config.allowedFunctionNames = [choice.only];
  else if (choice.allowed && choice.mode !== 'none') {
    // Names with AUTO are not allowed; VALIDATED is "a call to one of these, or text".
    config.allowedFunctionNames = [...choice.allowed];
    if (choice.mode === 'auto') config.mode = 'VALIDATED';
  }
  return { tools, hasFunctions, toolConfig: { functionCallingConfig: config } };
}

/** Everything a list's conversion depends on is in `traits` (kept-tools.ts keys its forms by them). */
function convertTools(requested: readonly Tool[], traits: ToolTraits): GeminiTools {
  const declarations: Gemini.FunctionDeclaration[] = [];
  const builtins: Gemini.Tool[] = [];
  const schemas: unknown[] = [];
  const withSchema: Gemini.FunctionDeclaration[] = [];
  const addBuiltin = (tool: Gemini.Tool): void => {
    const key = Object.keys(tool)[0]!;
    if (!builtins.some((t) => Object.keys(t)[0] === key)) builtins.push(tool);
  };

  for (const tool of requested) {
    if (tool.kind === 'google_search') addBuiltin({ googleSearch: {} });
    else if (tool.kind === 'code_execution') addBuiltin({ codeExecution: {} });
    else if (tool.kind === 'url_context') addBuiltin({ urlContext: {} });
    else {
      const decl: Gemini.FunctionDeclaration = { name: tool.name };
      if (tool.description) decl.description = tool.description;
      // A tool without parameters gets none: Gemini rejects an OBJECT with empty properties.
      if (!isEmptyObjectSchema(tool.parameters)) {
        schemas.push(tool.parameters);
        withSchema.push(decl);
      }
      declarations.push(decl);
    }
  }
  if (schemas.length > 0) {
    const converted = convertSchemas(schemas, traits);
    converted.schemas.forEach((schema, k) => {
      if (converted.mode === 'json') withSchema[k]!.parametersJsonSchema = schema;
      else withSchema[k]!.parameters = schema as Gemini.Schema;
    });
  }

  const tools: Gemini.Tool[] = [];
  if (declarations.length > 0) tools.push({ functionDeclarations: declarations });
  // Before Gemini 3, built-in tools and function declarations cannot share a request ("Tool use
  // with function calling is unsupported"): the functions win, since the client's own agent
  // loop depends on them while search only enriches an answer.
  if (declarations.length === 0 || traits.gemini3) tools.push(...builtins);
  return { tools, hasFunctions: declarations.length > 0 };
}

// ---------------------------------------------------------------------------------------------
// Generation config
// ---------------------------------------------------------------------------------------------

function mapGenerationConfig(o: GenerationOptions, model: string, hasFunctions: boolean): Gemini.GenerationConfig {
  const gc: Gemini.GenerationConfig = {};
  if (o.temperature != null) gc.temperature = o.temperature;
  if (o.topP != null) gc.topP = o.topP;
  if (o.topK != null) gc.topK = o.topK;
  if (o.maxOutputTokens != null) gc.maxOutputTokens = o.maxOutputTokens;
  if (o.candidateCount != null) gc.candidateCount = o.candidateCount;
  const stops = (o.stopSequences ?? []).filter((s) => s !== '');
  if (stops.length > 0) gc.stopSequences = stops;
  // Gemini's seed is int32: larger seeds fold deterministically (the same seed, the same fold).
  if (o.seed != null) gc.seed = o.seed | 0;
  // Many clients send 0 penalties by default, and some models reject any penalty ("Penalty is
  // not enabled"): only a real penalty is sent.
  if (o.presencePenalty) gc.presencePenalty = o.presencePenalty;
  if (o.frequencyPenalty) gc.frequencyPenalty = o.frequencyPenalty;
  if (o.logprobs) {
    gc.responseLogprobs = true;
    if (o.logprobs.top != null) gc.logprobs = o.logprobs.top;
  }

  // JSON output beside function declarations is a 400 before Gemini 3 ("Function calling with a
  // response mime type: 'application/json' is unsupported"): the tools win, as above.
  if (o.json && (!hasFunctions || isGemini3(model))) {
    gc.responseMimeType = 'application/json';
    if (!isEmptyObjectSchema(o.json.schema)) {
      const converted = convertSchemas([o.json.schema], { jsonSchema: supportsJsonSchema(model) }, { propertyOrdering: true });
      if (converted.mode === 'json') gc.responseJsonSchema = converted.schemas[0];
      else gc.responseSchema = converted.schemas[0]!;
    }
  }

  const t = o.thinking;
  const thinking = toThinkingConfig(model, t?.effort, t ? { thinking_budget: t.budget, thinking_level: t.level, include_thoughts: t.includeThoughts } : undefined);
  if (thinking) gc.thinkingConfig = thinking;
  return gc;
}
