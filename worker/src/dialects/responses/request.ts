// OpenAI Responses request -> the neutral conversation (gemini/conversation.ts), which the core
// turns into Gemini's generateContent body. Pure: remote media is fetched beforehand and handed in.
//
// | Responses                                  | conversation                                    |
// |--------------------------------------------|-------------------------------------------------|
// | instructions                               | system text, first                              |
// | message system / developer                 | system text, in order, wherever it sits         |
// | message user: input_text, input_image,     | a user turn: text and media (data: URLs inline, |
// |   input_file (file_data, file_url, file_id)|   http(s) fetched beforehand, Gemini files by   |
// |                                            |   reference)                                    |
// | message assistant: output_text, refusal    | a model turn's text                             |
// | function_call, custom_tool_call            | calls of that model turn (a custom call's input |
// |                                            |   becomes the one argument {"input": "..."})    |
// | function_call_output, custom_tool_call_... | results, in the order of the calls they answer  |
// | reasoning with our encrypted_content       | the signature of the next call of its turn (or  |
// |                                            |   of its last text when no call follows)        |
// | reasoning summaries, foreign encrypted_... | dropped: Gemini takes no thoughts as input      |
// | tools: function (strict accepted)          | function tools                                  |
// | tools: custom (Codex's apply_patch)        | a function with one string argument, `input`,   |
// |                                            |   the grammar in its description                |
// | tools: namespace (Codex's sub-agent tools) | its tools, named `namespace.name`               |
// | tools: web_search*, code_interpreter       | Google Search grounding, code execution         |
// | tool_choice none / auto / required /       | none / auto / any / any of one; allowed_tools:  |
// |   {function|custom, name} / allowed_tools  |   the allowed names, any or auto by its mode    |
// | reasoning.effort                           | thinking effort (max -> xhigh)                  |
// | reasoning.summary absent                   | no thought summaries asked of Gemini            |
// | text.format json_schema / json_object      | JSON output (with its schema)                   |
// | max_output_tokens, temperature, top_p, stop| the same                                        |
// Call ids carry Gemini's call id and signature (gemini/signatures.ts), as in the chat dialect.
import { badRequest } from '../../errors';
import { type MediaMap, type RemoteMediaRef, isHttpUrl, readMedia, remoteMediaRef } from '../../media';
import { CallLedger, type RecordedCall, type ToolResult, resultResponse } from '../../gemini/calls';
import type { Conversation, MediaPart, Part, Tool, ToolChoice, Turn } from '../../gemini/conversation';
import { type GeminiRequest, toGenerateContent } from '../../gemini/request';
import { decodeToolCallId } from '../../gemini/signatures';
import { parseArguments } from '../openai-chat/request';
import { carriedSignature } from '../../gemini/signatures';
import { deepFreeze } from '../../deep-freeze';
import { type KnownTools, knownTools, toolListEntry } from './known-tools';
import { WEB_SEARCH_TOOLS } from './validate';
import type { CustomToolParam, FunctionToolParam, InputContent, InputItem, NamespaceToolParam, ResponsesRequest, ToolParam } from './types';


/** What the response needs to know about the declared tools. */
export interface ToolNames {
  /** Gemini's calls to these (`namespace.name` inside a namespace) come back as custom_tool_call. */
  custom: ReadonlySet<string>;
  /** Declared namespaces: a call to `namespace.name` comes back as name + namespace. */
  namespaces: ReadonlySet<string>;
}

/** The generateContent body, the names the answer is read with, and the request's known tool
 * list (as validation found it, toolListEntry; carried to the answer: ResponseContext.knownTools). */
export function toGeminiBody(req: ResponsesRequest, media?: MediaMap): GeminiRequest & { toolNames: ToolNames; knownTools: KnownTools | undefined } {
  const { conversation, toolNames, knownTools: known } = toConversation(req, media);
  const out = toGenerateContent(conversation);
  if (out.body.contents!.length === 0) throw badRequest('`input` holds no content: every item is empty.', 'input');
  return { model: out.model, body: out.body, toolNames, knownTools: known };
}

export function toConversation(req: ResponsesRequest, media?: MediaMap): { conversation: Conversation; toolNames: ToolNames; knownTools: KnownTools | undefined } {
  const system: string[] = req.instructions ? [req.instructions] : [];
  const turns = mapItems(req.input, system, media);
  // Looked up once, as the request was validated: undefined the first time a list is seen.
  const known = toolListEntry(req);
  const { tools, toolNames } = declaredTools(req.tools, known);
  const format = req.text?.format;
  const effort = req.reasoning?.effort;
  const conversation: Conversation = {
    model: req.model,
    system,
    turns,
    tools,
    keptTools: known?.gemini,
    toolChoice: toolChoice(req.tool_choice),
    options: {
      temperature: req.temperature,
      topP: req.top_p,
      maxOutputTokens: req.max_output_tokens,
      stopSequences: typeof req.stop === 'string' ? [req.stop] : (req.stop ?? undefined),
      json: format?.type === 'json_object' || format?.type === 'json_schema' ? { schema: format.type === 'json_schema' ? format.schema : undefined } : undefined,
      logprobs: wantsLogprobs(req) ? { top: req.top_logprobs } : undefined,
      // OpenAI returns reasoning summaries only when asked; so does this dialect (Codex asks).
      thinking: { effort: effort === 'max' ? 'xhigh' : effort, includeThoughts: req.reasoning?.summary ? undefined : false },
    },
  };
  return { conversation, toolNames, knownTools: known };
}

/** A request's tools in the conversation's terms, and the names its answer is read with. */
export interface DeclaredTools {
  /** Frozen when kept with the tool list (its Gemini forms are then kept too: gemini/kept-tools.ts). */
  tools: readonly Tool[];
  toolNames: ToolNames;
}

const NO_TOOLS: DeclaredTools = deepFreeze({ tools: [], toolNames: { custom: new Set<string>(), namespaces: new Set<string>() } });

/**
 * The declarations of a validated tool list: made once for a list this isolate keeps (`known`,
 * known-tools.ts), else for this request alone, from the request's own objects (nothing of it is
 * kept, so nothing is copied or frozen).
 */
export function declaredTools(list: readonly ToolParam[] | undefined, known: KnownTools | undefined): DeclaredTools {
  if (!list || list.length === 0) return NO_TOOLS;
  if (!known) return declare(list);
  if (known.declared) return known.declared;
  // From a copy: what is kept shares nothing with this request's body (which stays the client's).
  const text = JSON.stringify(list);
  known.declared = deepFreeze(declare(JSON.parse(text) as ToolParam[]));
  knownTools.charge(known, text.length * 2);
  return known.declared;
}

function declare(list: readonly ToolParam[]): DeclaredTools {
  const custom = new Set<string>();
  const namespaces = new Set<string>();
  const tools: Tool[] = [];
  const add = (tool: FunctionToolParam | CustomToolParam, prefix: string) => {
    const name = prefix + tool.name;
    if (tool.type === 'custom') {
      custom.add(name);
      tools.push({ kind: 'function', name, description: tool.description, parameters: customParameters(tool) });
    } else {
      tools.push({ kind: 'function', name, description: tool.description ?? undefined, parameters: tool.parameters ?? undefined });
    }
  };
  for (const tool of list) {
    if (WEB_SEARCH_TOOLS.has(tool.type)) tools.push({ kind: 'google_search' });
    else if (tool.type === 'code_interpreter') tools.push({ kind: 'code_execution' });
    else if (tool.type === 'namespace') {
      const ns = tool as NamespaceToolParam;
      namespaces.add(ns.name);
      for (const inner of ns.tools) add(inner, `${ns.name}.`);
    } else if (tool.type === 'function' || tool.type === 'custom') add(tool as FunctionToolParam | CustomToolParam, '');
  }
  return { tools, toolNames: { custom, namespaces } };
}

/**
 * Token logprobs: asked with include: ["message.output_text.logprobs"], or by asking for
 * top_logprobs alternatives (OpenAI returns them only with the include; a client that asks for
 * alternatives wants the tokens too).
 */
export function wantsLogprobs(req: ResponsesRequest): boolean {
  return req.include?.includes('message.output_text.logprobs') === true || (typeof req.top_logprobs === 'number' && req.top_logprobs > 0);
}

/** A custom (freeform) tool as a function of one string, with its grammar for the model to follow. */
function customParameters(tool: CustomToolParam): Record<string, unknown> {
  const f = tool.format;
  const description = f?.type === 'grammar' ? `The raw input, exactly in this ${f.syntax} grammar:\n${f.definition}` : 'The raw input for the tool, as plain text.';
  return { type: 'object', properties: { input: { type: 'string', description } }, required: ['input'] };
}

function toolChoice(choice: ResponsesRequest['tool_choice']): ToolChoice | undefined {
  // null (which validation lets through, as OpenAI does) is the default, as absent.
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'none') return { mode: 'none' };
  if (choice === 'auto') return { mode: 'auto' };
  if (choice === 'required') return { mode: 'any' };
  if ((choice.type === 'function' || choice.type === 'custom') && 'name' in choice) return { mode: 'any', only: choice.name };
  if (choice.type === 'allowed_tools' && 'tools' in choice) {
    const names = choice.tools.map((t) => t.name).filter((n): n is string => typeof n === 'string');
    return { mode: choice.mode === 'required' ? 'any' : 'auto', allowed: names.length > 0 ? names : undefined };
  }
  return { mode: 'auto' }; // a hosted tool: Gemini cannot force one
}

/** The http(s) images and files that must be fetched before mapping, each with the input field
 * that named it (for the error's `param`). */
export function remoteMediaRefs(req: ResponsesRequest): RemoteMediaRef[] {
  const refs: RemoteMediaRef[] = [];
  const input = req.input;
  for (let i = 0; i < input.length; i++) {
    const item = input[i]!;
    const list = item.type === 'message' ? item.content : item.type === 'function_call_output' || item.type === 'custom_tool_call_output' ? item.output : undefined;
    if (!Array.isArray(list)) continue;
    for (let j = 0; j < list.length; j++) {
      const p = list[j]!;
      const [url, field] = p.type === 'input_image' ? [p.image_url, 'image_url'] : p.type === 'input_file' && !p.file_data ? [p.file_url, 'file_url'] : [];
      // The names are written only for a URL to fetch (a data: URL, the usual image, is read in place).
      if (!url || !isHttpUrl(url)) continue;
      const at = `input[${i}].${item.type === 'message' ? 'content' : 'output'}[${j}]`;
      const ref = remoteMediaRef(url, `${at}.${field}`, `${field} at ${at}`);
      if (ref) refs.push(ref);
    }
  }
  return refs;
}

// ---------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------

function mapItems(items: readonly InputItem[], system: string[], media: MediaMap | undefined): Turn[] {
  const turns = new TurnGatherer();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    switch (item.type) {
      case 'reasoning': {
        const signature = carriedSignature(item.encrypted_content);
        if (signature) turns.modelTurn().signature = signature;
        break;
      }
      case 'function_call':
      case 'custom_tool_call': {
        const turn = turns.modelTurn();
        const carried = decodeToolCallId(item.call_id);
        const signature = carried.signature ?? turn.signature;
        turn.signature = undefined;
        const args = item.type === 'function_call' ? parseArguments(item.arguments) : { input: item.input };
        const name = item.type === 'function_call' && item.namespace ? `${item.namespace}.${item.name}` : item.name;
        turn.parts.push({ kind: 'call', name, args, geminiId: carried.geminiId, signature });
        turn.calls.push({ id: item.call_id, name, geminiId: carried.geminiId });
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const results = turns.results();
        results.items.push({ id: item.call_id, response: resultResponse(outputText(item.output, i, media, results.media)) });
        break;
      }
      case 'message':
        if (item.role === 'assistant') {
          const turn = turns.modelTurn();
          for (const text of texts(item.content)) turn.parts.push({ kind: 'text', text });
        } else if (item.role === 'user') turns.userTurn(userParts(item.content, i, media));
        else {
          turns.flush();
          system.push(...texts(item.content));
        }
        break;
    }
  }
  turns.flush();
  return turns.turns;
}

/**
 * The turns as the items build them: a model turn gathers assistant text, reasoning and calls
 * until another kind of item comes; tool results gather into one user turn, in the order of the
 * calls they answer (CallLedger), the media they carried after them.
 */
class TurnGatherer {
  readonly turns: Turn[] = [];
  private readonly ledger = new CallLedger();
  private model: { parts: Part[]; calls: RecordedCall[]; signature: string | undefined } | undefined;
  private gathered: { items: ToolResult[]; media: Part[] } | undefined;

  /** The model turn being gathered (tool results before it are closed). */
  modelTurn(): { parts: Part[]; calls: RecordedCall[]; signature: string | undefined } {
    this.flushResults();
    return (this.model ??= { parts: [], calls: [], signature: undefined });
  }

  /** The tool results being gathered (the model turn before them is closed). */
  results(): { items: ToolResult[]; media: Part[] } {
    this.flushModel();
    return (this.gathered ??= { items: [], media: [] });
  }

  userTurn(parts: Part[]): void {
    this.flush();
    this.turns.push({ role: 'user', parts });
  }

  flush(): void {
    this.flushModel();
    this.flushResults();
  }

  private flushModel(): void {
    const model = this.model;
    if (!model) return;
    // A signature no call took belongs to the turn's last text (Gemini 3 gives one there).
    if (model.signature) {
      const last = model.parts.findLast((p) => p.kind === 'text');
      if (last && !last.signature) last.signature = model.signature;
    }
    this.ledger.addTurn(model.calls);
    this.turns.push({ role: 'model', parts: model.parts });
    this.model = undefined;
  }

  private flushResults(): void {
    const results = this.gathered;
    if (!results) return;
    this.turns.push({ role: 'user', parts: [...this.ledger.results(results.items), ...results.media] });
    this.gathered = undefined;
  }
}

/** The texts of a string or of text and refusal parts; empty ones dropped. */
function texts(content: string | InputContent[]): string[] {
  if (typeof content === 'string') return content ? [content] : [];
  const out: string[] = [];
  for (const part of content) {
    const text = part.type === 'refusal' ? part.refusal : 'text' in part ? part.text : '';
    if (text) out.push(text);
  }
  return out;
}

// Items are named by their index: the path a media part's errors name (`input[3].content[0]`) is
// written only for a media part, not for every item of a long conversation.

function userParts(content: string | InputContent[], i: number, media: MediaMap | undefined): Part[] {
  if (typeof content === 'string') return [{ kind: 'text', text: content }];
  return content.map((part, j): Part => {
    if (part.type === 'input_image' || part.type === 'input_file') return mediaOf(part, `input[${i}].content[${j}]`, media);
    return { kind: 'text', text: part.type === 'refusal' ? part.refusal : part.text };
  });
}

/** A tool output's text; its images and files are appended to `out`. */
function outputText(output: string | InputContent[], i: number, media: MediaMap | undefined, out: Part[]): string {
  if (typeof output === 'string') return output;
  const lines: string[] = [];
  output.forEach((part, j) => {
    if (part.type === 'input_image' || part.type === 'input_file') out.push(mediaOf(part, `input[${i}].output[${j}]`, media));
    else lines.push(part.type === 'refusal' ? part.refusal : part.text);
  });
  return lines.join('\n');
}

/** An input_image or input_file as a media part, through the media reader of every dialect. */
function mediaOf(part: Extract<InputContent, { type: 'input_image' | 'input_file' }>, p: string, media: MediaMap | undefined): MediaPart {
  if (part.type === 'input_image') {
    return part.image_url ? readMedia({ url: part.image_url }, `${p}.image_url`, media) : readMedia({ fileId: part.file_id ?? '' }, `${p}.file_id`, media);
  }
  if (part.file_data) return readMedia({ data: part.file_data, filename: part.filename ?? undefined }, `${p}.file_data`, media);
  if (part.file_url) return readMedia({ url: part.file_url }, `${p}.file_url`, media);
  return readMedia({ fileId: part.file_id ?? '', filename: part.filename ?? undefined }, `${p}.file_id`, media);
}
