// OpenAI Responses request -> the conversation the Gemini core reads. Pure.
//
// The core's conversation today is the Chat Completions shape that openai-chat/request.ts turns
// into a generateContent body (media, schemas, thinking by family, signatures, tool results,
// Gemini 3 placeholders: all of it written once, there). This module only says how Responses
// items map onto it, so nothing Gemini-side is written twice:
//
// | Responses                                  | conversation                                    |
// |--------------------------------------------|-------------------------------------------------|
// | instructions                               | a system message, first                         |
// | message system / developer                 | system message (-> systemInstruction)           |
// | message user: input_text, input_image,     | user message: text, image_url (data: / http(s)) |
// |   input_file (file_data, file_url, file_id)|   or file parts; a Gemini file id by reference  |
// | message assistant: output_text, refusal    | assistant message                               |
// | function_call, custom_tool_call            | tool calls of one assistant turn (a custom      |
// |                                            |   call's input becomes {"input": "..."})        |
// | function_call_output, custom_tool_call_... | tool messages (-> functionResponse, in order)   |
// | reasoning (our encrypted_content)          | the signature of the next call of its turn      |
// | reasoning summaries, foreign encrypted_... | dropped: Gemini takes no thoughts as input      |
// | tools: function (strict accepted)          | function tools                                  |
// | tools: custom (Codex's apply_patch)        | a function with one string argument, `input`    |
// | tools: web_search*, code_interpreter       | Google Search grounding, code execution         |
// | tool_choice none/auto/required/function/   | the same; allowed_tools -> allowedFunctionNames |
// |   custom                                   |   (see restrictTools)                           |
// | reasoning.effort                           | reasoning_effort (max -> xhigh)                 |
// | reasoning.summary absent                   | no thought summaries asked of Gemini            |
// | text.format json_schema / json_object      | response_format                                 |
// | max_output_tokens, temperature, top_p, stop| the same                                        |
import type { Gemini, OpenAI } from '@opengemini/shared';
import type { MediaMap } from '../../chat/media';
import { decodeToolCallId, encodeToolCallId } from '../../gemini/signatures';
import { type GeminiChatRequest, toGeminiRequest } from '../openai-chat/request';
import { signatureFrom } from './carry';
import { withParam } from './errors';
import type { InputContent, InputItem, ResponsesRequest, ToolChoice } from './types';

export interface Conversation {
  chat: OpenAI.ChatCompletionRequest;
  /** Names of the custom tools: Gemini calls to these come back as custom_tool_call. */
  customTools: ReadonlySet<string>;
  /** Where each chat message came from (`input[3]`, `instructions`), for error params. */
  origins: readonly Origin[];
}

interface Origin {
  path: string;
  /** What the item calls its content list: `content` for messages, `output` for tool results. */
  list: 'content' | 'output';
}

export const WEB_SEARCH_TOOLS: ReadonlySet<string> = new Set(['web_search', 'web_search_2025_08_26', 'web_search_preview', 'web_search_preview_2025_03_11']);

/** The description Gemini sees for a custom tool's one argument. */
function customInputDescription(tool: { format?: { type: string; syntax?: string; definition?: string } }): string {
  const f = tool.format;
  if (f?.type === 'grammar' && f.definition) return `The raw input, exactly in this ${f.syntax ?? ''} grammar:\n${f.definition}`;
  return 'The raw input for the tool, as plain text.';
}

export function toConversation(req: ResponsesRequest): Conversation {
  const messages: OpenAI.ChatMessage[] = [];
  const origins: Origin[] = [];
  const add = (m: OpenAI.ChatMessage, path: string, list: Origin['list'] = 'content') => {
    messages.push(m);
    origins.push({ path, list });
  };
  if (req.instructions) add({ role: 'system', content: req.instructions }, 'instructions');
  mapItems(req.input, add);

  const chat: OpenAI.ChatCompletionRequest = { model: req.model, messages };
  const customTools = new Set<string>();
  const tools: OpenAI.FunctionTool[] = [];
  for (const tool of req.tools ?? []) {
    if (WEB_SEARCH_TOOLS.has(tool.type)) chat.web_search_options = {};
    else if (tool.type === 'code_interpreter') tools.push({ type: 'code_execution' } as unknown as OpenAI.FunctionTool);
    else if (tool.type === 'custom' && 'name' in tool) {
      customTools.add(tool.name);
      const fn: OpenAI.FunctionTool['function'] = {
        name: tool.name,
        parameters: { type: 'object', properties: { input: { type: 'string', description: customInputDescription(tool as never) } }, required: ['input'] },
      };
      if ('description' in tool && tool.description) fn.description = tool.description;
      tools.push({ type: 'function', function: fn });
    } else if (tool.type === 'function' && 'name' in tool) {
      const fn: OpenAI.FunctionTool['function'] = { name: tool.name };
      if ('description' in tool && tool.description) fn.description = tool.description;
      if ('parameters' in tool && tool.parameters) fn.parameters = tool.parameters;
      tools.push({ type: 'function', function: fn });
    }
  }
  if (tools.length > 0) chat.tools = tools;
  const choice = chatToolChoice(req.tool_choice);
  if (choice !== undefined) chat.tool_choice = choice;

  const effort = req.reasoning?.effort;
  if (effort) chat.reasoning_effort = effort === 'max' ? 'xhigh' : effort;
  // OpenAI returns reasoning summaries only when asked; so does this dialect (Codex asks).
  if (!req.reasoning?.summary) chat.google = { thinking_config: { include_thoughts: false } };
  const format = req.text?.format;
  if (format?.type === 'json_object') chat.response_format = { type: 'json_object' };
  else if (format?.type === 'json_schema') {
    chat.response_format = { type: 'json_schema', json_schema: { name: format.name, ...(format.schema ? { schema: format.schema } : {}), strict: format.strict ?? null } };
  }
  if (req.max_output_tokens != null) chat.max_completion_tokens = req.max_output_tokens;
  if (req.temperature != null) chat.temperature = req.temperature;
  if (req.top_p != null) chat.top_p = req.top_p;
  if (req.stop != null) chat.stop = req.stop;
  if (req.parallel_tool_calls != null) chat.parallel_tool_calls = req.parallel_tool_calls;
  return { chat, customTools, origins };
}

/** The generateContent body for the conversation (remote media fetched beforehand); errors name the Responses field. */
export function toGeminiBody(conv: Conversation, req: ResponsesRequest, media?: MediaMap): GeminiChatRequest {
  try {
    const out = toGeminiRequest(conv.chat, media);
    restrictTools(out.body, req.tool_choice);
    return out;
  } catch (err) {
    throw withParam(err, (param) => requestParam(param, conv.origins));
  }
}

function chatToolChoice(choice: ToolChoice | undefined): OpenAI.ToolChoice | undefined {
  if (choice === undefined || typeof choice === 'string') return choice;
  if ((choice.type === 'function' || choice.type === 'custom') && 'name' in choice) return { type: 'function', function: { name: choice.name } };
  if (choice.type === 'allowed_tools' && 'mode' in choice) return choice.mode;
  return 'auto'; // a hosted tool: Gemini cannot force one
}

/**
 * `allowed_tools` narrows the functions the model may call without removing their declarations
 * (so the prompt cache stays warm, as OpenAI explains): Gemini's allowedFunctionNames, with mode
 * ANY for `required` and VALIDATED (call one of these, or answer in text) for `auto`.
 */
export function restrictTools(body: Gemini.GenerateContentRequest, choice: ToolChoice | undefined): void {
  if (typeof choice !== 'object' || choice.type !== 'allowed_tools' || !('tools' in choice) || !body.tools?.some((t) => t.functionDeclarations)) return;
  const names = choice.tools.map((t) => t.name).filter((n): n is string => typeof n === 'string');
  if (names.length === 0) return;
  body.toolConfig = { functionCallingConfig: { mode: choice.mode === 'required' ? 'ANY' : 'VALIDATED', allowedFunctionNames: names } };
}

// ---------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------

function mapItems(items: readonly InputItem[], add: (m: OpenAI.ChatMessage, path: string, list?: Origin['list']) => void): void {
  /** call_id -> the id the conversation uses (the call_id, or one that also carries a signature). */
  const ids = new Map<string, string>();
  /** The signature of the last reasoning item, waiting for the first call of its turn. */
  let pendingSignature: string | undefined;
  /** The assistant message tool calls of the current turn gather in. */
  let turn: OpenAI.ChatMessage | undefined;

  items.forEach((item, i) => {
    const path = `input[${i}]`;
    switch (item.type) {
      case 'reasoning':
        pendingSignature = signatureFrom(item.encrypted_content) ?? pendingSignature;
        return;
      case 'function_call':
      case 'custom_tool_call': {
        const args = item.type === 'function_call' ? item.arguments : JSON.stringify({ input: item.input });
        let id = item.call_id;
        const carried = decodeToolCallId(id);
        if (pendingSignature && !carried.signature) id = encodeToolCallId({ ...carried, signature: pendingSignature });
        pendingSignature = undefined;
        ids.set(item.call_id, id);
        const call: OpenAI.ToolCall = { id, type: 'function', function: { name: item.name, arguments: args } };
        if (turn) turn.tool_calls!.push(call);
        else add((turn = { role: 'assistant', content: null, tool_calls: [call] }), path);
        return;
      }
      case 'function_call_output':
      case 'custom_tool_call_output':
        turn = undefined;
        add({ role: 'tool', tool_call_id: ids.get(item.call_id) ?? item.call_id, content: toolOutput(item.output) }, path, 'output');
        return;
      case 'message': {
        if (item.role === 'assistant') {
          // Text before the calls of the same turn (Gemini writes text, then calls).
          add((turn = { role: 'assistant', content: assistantContent(item.content), tool_calls: [] }), path);
          return;
        }
        turn = undefined;
        pendingSignature = undefined;
        if (item.role === 'system' || item.role === 'developer') add({ role: 'system', content: textContent(item.content) }, path);
        else add({ role: 'user', content: userContent(item.content) }, path);
        return;
      }
    }
  });
}

function textContent(content: string | InputContent[]): string | OpenAI.ContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((p) => ({ type: 'text', text: 'text' in p ? p.text : '' }));
}

function assistantContent(content: string | InputContent[]): string | OpenAI.ContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((p): OpenAI.ContentPart => (p.type === 'refusal' ? { type: 'refusal', refusal: p.refusal } : { type: 'text', text: 'text' in p ? p.text : '' }));
}

/** One chat part per input part, in the same order, so error params translate index for index. */
function userContent(content: string | InputContent[]): string | OpenAI.ContentPart[] {
  if (typeof content === 'string') return content;
  return content.map(userPart);
}

function userPart(p: InputContent): OpenAI.ContentPart {
  switch (p.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: p.text };
    case 'refusal':
      return { type: 'text', text: p.refusal };
    case 'input_image':
      if (p.image_url) return { type: 'image_url', image_url: { url: p.image_url } };
      return { type: 'file', file: { file_id: p.file_id ?? '' } };
    case 'input_file': {
      // A remote file is fetched like a remote image (size cap, timeout), then inlined.
      if (!p.file_data && p.file_url) return { type: 'image_url', image_url: { url: p.file_url } };
      const file: OpenAI.FilePart['file'] = {};
      if (p.file_data) file.file_data = p.file_data;
      if (p.file_id) file.file_id = p.file_id;
      if (p.filename) file.filename = p.filename;
      return { type: 'file', file };
    }
  }
}

function toolOutput(output: string | InputContent[]): string | OpenAI.ContentPart[] {
  if (typeof output === 'string') return output;
  return output.map(userPart);
}

/**
 * An error param of the conversation (`messages[3].content[1].image_url.url`) in the client's
 * terms (`input[2].content[1].image_url`).
 */
export function requestParam(param: string | null, origins: readonly Origin[]): string | null {
  if (param === null) return null;
  if (param.startsWith('response_format')) return 'text.format.schema';
  const m = /^messages\[(\d+)\](.*)$/.exec(param);
  const origin = m ? origins[Number(m[1])] : undefined;
  if (!m || !origin) return param === 'messages' ? 'input' : param;
  const rest = m[2]!
    .replace(/^\.content/, `.${origin.list}`)
    .replace(/\.image_url\.url$/, '.image_url')
    .replace(/\.file\.(file_data|file_id|filename)$/, '.$1');
  return origin.path + rest;
}
