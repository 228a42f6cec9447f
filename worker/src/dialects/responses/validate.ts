// Checks an OpenAI Responses request: every field the dialect reads, so a wrong request gets a
// 400 naming the field OpenAI-style (`input[3].content[0].image_url`, `tools[1].name`), and the
// stateful parts of the API, which a stateless Worker cannot serve, get a 400 that says what to
// send instead. Fields we accept but do not act on: metadata, user, prompt_cache_key,
// service_tier, safety_identifier, truncation, text.verbosity, store (false or true: nothing is
// stored either way), stream_options, max_tool_calls, top_logprobs.
//
// The body is checked in place, not copied, and normalised on the way (the parsed body is ours):
// a string `input` becomes one user message, and a message item without `type` gets one.
import { badRequest, unsupported } from '../../errors';
import { FUNCTION_NAME, type Json, MAX_SCHEMA_NESTING, absent, checkBoolean, checkInteger, checkNumber, checkNesting, checkStop, isObject } from '../field-checks';
import { lookAtTools, noteCheckedTools } from './known-tools';
import type { ResponsesRequest } from './types';

const ROLES = new Set(['user', 'assistant', 'system', 'developer']);
const EFFORTS = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);
const SUMMARIES = new Set(['auto', 'concise', 'detailed']);
/** OpenAI's web search tool types: Google Search grounding on Gemini. */
export const WEB_SEARCH_TOOLS: ReadonlySet<string> = new Set(['web_search', 'web_search_2025_08_26', 'web_search_preview', 'web_search_preview_2025_03_11']);
/** Content part types each role may carry; assistant history also takes input_text, which some
 * clients write for their own replayed turns. */
const PART_TYPES: Record<string, ReadonlySet<string>> = {
  user: new Set(['input_text', 'input_image', 'input_file']),
  system: new Set(['input_text']),
  developer: new Set(['input_text']),
  assistant: new Set(['output_text', 'refusal', 'input_text']),
};
const OUTPUT_PART_TYPES = new Set(['input_text', 'input_image', 'input_file', 'output_text']);

/** What to do instead of relying on state, said in every such error. */
const STATELESS = 'This server keeps no state between requests: send the whole conversation in `input` (as Codex does with store: false).';

export function parseResponsesRequest(body: unknown): ResponsesRequest {
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model.trim() === '') {
    throw badRequest('`model` is required: a Gemini model name such as gemini-2.5-flash.', 'model');
  }
  for (const key of ['previous_response_id', 'conversation', 'prompt'] as const) {
    if (!absent(body[key])) throw badRequest(`\`${key}\` refers to state stored by OpenAI. ${STATELESS}`, key);
  }
  if (body.background === true) throw badRequest(`\`background\` responses need a stored response to poll. ${STATELESS}`, 'background');
  checkInput(body);
  if (!absent(body.instructions) && typeof body.instructions !== 'string') throw badRequest('`instructions` must be a string.', 'instructions');
  checkNumber(body, 'temperature', 0, 2);
  checkNumber(body, 'top_p', 0, 1);
  checkInteger(body, 'max_output_tokens', 1, 2 ** 31 - 1);
  checkInteger(body, 'top_logprobs', 0, 20);
  checkBoolean(body, 'stream');
  checkBoolean(body, 'store');
  checkBoolean(body, 'parallel_tool_calls');
  checkStop(body.stop);
  checkReasoning(body.reasoning);
  checkText(body.text);
  if (!absent(body.include) && !(Array.isArray(body.include) && body.include.every((s) => typeof s === 'string'))) {
    throw badRequest('`include` must be an array of strings such as "reasoning.encrypted_content".', 'include');
  }
  if (!absent(body.metadata) && !(isObject(body.metadata) && Object.values(body.metadata).every((v) => typeof v === 'string'))) {
    throw badRequest('`metadata` must be an object of string values.', 'metadata');
  }
  for (const key of ['user', 'prompt_cache_key', 'service_tier', 'safety_identifier', 'truncation']) {
    if (!absent(body[key]) && typeof body[key] !== 'string') throw badRequest(`\`${key}\` must be a string.`, key);
  }
  // The names of a list this isolate keeps (Codex's, sent every turn) are kept once an identical
  // list has passed these checks, and checking depends on the list alone: it is not checked again.
  const sighting = lookAtTools(body.tools);
  const names = sighting?.entry?.names ?? checkTools(body.tools);
  checkToolChoice(body.tool_choice, names);
  noteCheckedTools(body, sighting, names);
  return body as unknown as ResponsesRequest;
}

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

function checkInput(body: Json): void {
  if (typeof body.input === 'string') {
    if (body.input === '') throw badRequest('`input` is empty.', 'input');
    body.input = [{ type: 'message', role: 'user', content: body.input }];
    return;
  }
  if (!Array.isArray(body.input) || body.input.length === 0) throw badRequest('`input` must be a string or a non-empty array of input items.', 'input');
  for (let i = 0; i < body.input.length; i++) checkItem(body.input[i], i);
}

// Items and parts are named by their index, their path (`input[3].content[0]`) written only for
// an error: a request is dozens of items, and building each one's path cost more than checking it.

/** `input[i]`, the path of an item for an error. */
const itemPath = (i: number): string => `input[${i}]`;
/** `input[i].content[j]`, the path of a part for an error. */
const partPath = (i: number, field: string, j: number): string => `${itemPath(i)}.${field}[${j}]`;

function checkItem(item: unknown, i: number): void {
  if (!isObject(item)) throw badRequest('Each input item must be an object with a `type`.', itemPath(i));
  if (absent(item.type) && !absent(item.role)) item.type = 'message';
  switch (item.type) {
    case 'message': {
      if (typeof item.role !== 'string' || !ROLES.has(item.role)) {
        throw badRequest(`Unknown role ${JSON.stringify(item.role ?? null)}: expected user, assistant, system or developer.`, `${itemPath(i)}.role`);
      }
      checkContent(item.content, PART_TYPES[item.role]!, i, 'content', item.role);
      return;
    }
    case 'function_call':
      requireString(item, 'call_id', i);
      requireString(item, 'name', i);
      if (!absent(item.namespace) && typeof item.namespace !== 'string') throw badRequest('`namespace` must be a string.', `${itemPath(i)}.namespace`);
      if (isObject(item.arguments)) item.arguments = JSON.stringify(item.arguments);
      else if (absent(item.arguments)) item.arguments = '';
      else if (typeof item.arguments !== 'string') throw badRequest('`arguments` must be a JSON string.', `${itemPath(i)}.arguments`);
      return;
    case 'custom_tool_call':
      requireString(item, 'call_id', i);
      requireString(item, 'name', i);
      if (typeof item.input !== 'string') throw badRequest('`input` must be a string.', `${itemPath(i)}.input`);
      return;
    case 'function_call_output':
    case 'custom_tool_call_output':
      requireString(item, 'call_id', i);
      if (typeof item.output !== 'string') checkContent(item.output, OUTPUT_PART_TYPES, i, 'output', undefined);
      return;
    case 'reasoning':
      if (!absent(item.encrypted_content) && typeof item.encrypted_content !== 'string') throw badRequest('`encrypted_content` must be a string.', `${itemPath(i)}.encrypted_content`);
      if (!absent(item.summary) && !Array.isArray(item.summary)) throw badRequest('`summary` must be an array.', `${itemPath(i)}.summary`);
      return;
    case 'item_reference':
      throw badRequest(`An item_reference points at an item stored by OpenAI. ${STATELESS}`, `${itemPath(i)}.type`);
    default:
      if (typeof item.type !== 'string') throw badRequest('Each input item needs a string `type`.', `${itemPath(i)}.type`);
      throw unsupported(
        `Input item type '${item.type}' is not supported: use message, function_call, function_call_output, custom_tool_call, custom_tool_call_output or reasoning.`,
        `${itemPath(i)}.type`,
      );
  }
}

function requireString(o: Json, key: string, i: number): void {
  if (typeof o[key] !== 'string' || o[key] === '') throw badRequest(`\`${key}\` must be a non-empty string.`, `${itemPath(i)}.${key}`);
}

/** A message's content or a tool output (`field`) of item `i`; `role` names the message's role. */
function checkContent(content: unknown, allowed: ReadonlySet<string>, i: number, field: 'content' | 'output', role: string | undefined): void {
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) throw badRequest('`content` must be a string or an array of content parts.', `${itemPath(i)}.${field}`);
  for (let j = 0; j < content.length; j++) {
    const part: unknown = content[j];
    if (!isObject(part) || typeof part.type !== 'string') throw badRequest('Each content part must be an object with a `type`.', partPath(i, field, j));
    if (!allowed.has(part.type)) {
      const what = role === undefined ? 'a tool output' : `a ${role} message`;
      throw badRequest(`Content part type '${part.type}' is not allowed in ${what} (allowed: ${[...allowed].join(', ')}).`, `${partPath(i, field, j)}.type`);
    }
    switch (part.type) {
      case 'input_text':
      case 'output_text':
        if (typeof part.text !== 'string') throw badRequest('A text part needs a string `text`.', `${partPath(i, field, j)}.text`);
        break;
      case 'refusal':
        if (typeof part.refusal !== 'string') throw badRequest('A refusal part needs a string `refusal`.', `${partPath(i, field, j)}.refusal`);
        break;
      case 'input_image':
        if (!(typeof part.image_url === 'string' && part.image_url) && !(typeof part.file_id === 'string' && part.file_id)) {
          throw badRequest('An input_image part needs `image_url` (an http(s) or data: URL) or `file_id` (a Gemini file).', `${partPath(i, field, j)}.image_url`);
        }
        break;
      case 'input_file':
        for (const k of ['file_data', 'file_id', 'file_url', 'filename']) {
          if (!absent(part[k]) && typeof part[k] !== 'string') throw badRequest(`\`${k}\` must be a string.`, `${partPath(i, field, j)}.${k}`);
        }
        if (!part.file_data && !part.file_id && !part.file_url) throw badRequest('An input_file part needs `file_data`, `file_url` or `file_id`.', partPath(i, field, j));
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

function checkReasoning(r: unknown): void {
  if (absent(r)) return;
  if (!isObject(r)) throw badRequest('`reasoning` must be an object.', 'reasoning');
  if (!absent(r.effort) && !EFFORTS.has(r.effort as string)) throw badRequest(`\`reasoning.effort\` must be one of ${[...EFFORTS].join(', ')}.`, 'reasoning.effort');
  // generate_summary is the deprecated name of summary.
  if (absent(r.summary) && !absent(r.generate_summary)) r.summary = r.generate_summary;
  if (!absent(r.summary) && !SUMMARIES.has(r.summary as string)) throw badRequest('`reasoning.summary` must be auto, concise or detailed.', 'reasoning.summary');
}

function checkText(text: unknown): void {
  if (absent(text)) return;
  if (!isObject(text)) throw badRequest('`text` must be an object.', 'text');
  const f = text.format;
  if (absent(f)) return;
  if (!isObject(f)) throw badRequest('`text.format` must be an object.', 'text.format');
  if (f.type === 'text' || f.type === 'json_object') return;
  if (f.type !== 'json_schema') throw badRequest('`text.format.type` must be text, json_object or json_schema.', 'text.format.type');
  if (typeof f.name !== 'string' || f.name === '') throw badRequest('`text.format.name` is required for json_schema.', 'text.format.name');
  if (!isObject(f.schema)) throw badRequest('`text.format.schema` must be a JSON Schema object.', 'text.format.schema');
  checkNesting(f.schema, 'text.format.schema');
}

/** Checks `tools`; returns the function and custom tool names declared (`namespace.name` inside a namespace). */
function checkTools(tools: unknown): Set<string> {
  const names = new Set<string>();
  if (absent(tools)) return names;
  if (!Array.isArray(tools)) throw badRequest('`tools` must be an array.', 'tools');
  tools.forEach((tool: unknown, i) => {
    const p = `tools[${i}]`;
    if (!isObject(tool) || typeof tool.type !== 'string') throw badRequest('Each tool must be an object with a `type`.', p);
    if (tool.type === 'namespace') {
      // Codex groups some tools (its sub-agent tools) under a namespace; Gemini sees `namespace.name`.
      if (typeof tool.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(tool.name)) throw badRequest('A namespace `name` holds only letters, digits, _ and - (at most 64).', `${p}.name`);
      if (!Array.isArray(tool.tools) || tool.tools.length === 0) throw badRequest('A namespace needs a non-empty `tools` array.', `${p}.tools`);
      tool.tools.forEach((inner: unknown, j) => checkTool(inner, `${p}.tools[${j}]`, names, `${tool.name}.`));
    } else if (!WEB_SEARCH_TOOLS.has(tool.type) && tool.type !== 'code_interpreter') checkTool(tool, p, names, '');
    // The whole tool, whatever else it holds, is walked again (the tool list's recognition,
    // json-tape.ts; the echo of hosted tools): room for a namespace's inner tool and its
    // parameters' own MAX_SCHEMA_NESTING levels, and no more.
    checkNesting(tool, p, MAX_SCHEMA_NESTING + 3);
  });
  return names;
}

/** A function or custom tool, at the top or inside a namespace (`prefix` is then `namespace.`). */
function checkTool(tool: unknown, p: string, names: Set<string>, prefix: string): void {
  if (!isObject(tool) || typeof tool.type !== 'string') throw badRequest('Each tool must be an object with a `type`.', p);
  if (tool.type !== 'function' && tool.type !== 'custom') {
    throw unsupported(`Tool type '${tool.type}' is not supported on Gemini: use function, custom, namespace, web_search (Google Search) or code_interpreter (Gemini code execution).`, `${p}.type`);
  }
  if (typeof tool.name !== 'string' || !FUNCTION_NAME.test(prefix + tool.name)) {
    throw badRequest('`name` must start with a letter or underscore and hold only letters, digits, _ . : - (at most 128 with its namespace).', `${p}.name`);
  }
  const name = prefix + tool.name;
  if (names.has(name)) throw badRequest(`Duplicate tool name '${name}'.`, `${p}.name`);
  names.add(name);
  if (!absent(tool.description) && typeof tool.description !== 'string') throw badRequest('`description` must be a string.', `${p}.description`);
  if (tool.type === 'function') {
    if (!absent(tool.parameters) && !isObject(tool.parameters)) throw badRequest('`parameters` must be a JSON Schema object.', `${p}.parameters`);
    checkNesting(tool.parameters, `${p}.parameters`);
    checkBoolean(tool, 'strict', `${p}.`);
  } else if (!absent(tool.format)) {
    const f = tool.format;
    if (!isObject(f) || (f.type !== 'text' && f.type !== 'grammar')) throw badRequest('`format` must be {type: "text"} or {type: "grammar", syntax, definition}.', `${p}.format`);
    if (f.type === 'grammar' && typeof f.definition !== 'string') throw badRequest('A grammar format needs a string `definition`.', `${p}.format.definition`);
  }
}

function checkToolChoice(choice: unknown, names: ReadonlySet<string>): void {
  if (absent(choice) || choice === 'none' || choice === 'auto' || choice === 'required') return;
  if (!isObject(choice) || typeof choice.type !== 'string') {
    throw badRequest('`tool_choice` must be none, auto, required or an object such as {type: "function", name}.', 'tool_choice');
  }
  if (choice.type === 'function' || choice.type === 'custom') {
    if (typeof choice.namespace === 'string' && typeof choice.name === 'string') choice.name = `${choice.namespace}.${choice.name}`;
    if (typeof choice.name !== 'string' || !names.has(choice.name)) throw badRequest(`tool_choice names ${JSON.stringify(choice.name ?? null)}, which is not among the tools.`, 'tool_choice.name');
    return;
  }
  if (choice.type === 'allowed_tools') {
    if (choice.mode !== 'auto' && choice.mode !== 'required') throw badRequest('`tool_choice.mode` must be auto or required.', 'tool_choice.mode');
    if (!Array.isArray(choice.tools)) throw badRequest('`tool_choice.tools` must be an array.', 'tool_choice.tools');
    choice.tools.forEach((t: unknown, i) => {
      if (isObject(t) && typeof t.namespace === 'string' && typeof t.name === 'string') t.name = `${t.namespace}.${t.name}`;
      if (isObject(t) && typeof t.name === 'string' && !names.has(t.name)) throw badRequest(`'${t.name}' is not among the tools.`, `tool_choice.tools[${i}].name`);
    });
  }
  // A hosted tool ({type: "web_search_preview"}...): Gemini cannot force it; the model decides.
}
