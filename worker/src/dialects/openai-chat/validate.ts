// Checks the shape and types of every field of an OpenAI chat request that the converter reads,
// so that a wrong request gets a 400 naming the field OpenAI-style (`messages[3].role`,
// `tools[0].function.name`) instead of a crash or a confusing answer from Gemini. Fields we do
// not read are ignored: clients send many (`user`, `store`, `metadata`, vendor extensions).
//
// The body is checked in place, not copied. Three legacy or lenient shapes are normalised on the
// way (the parsed body is ours): `image_url` given as a bare string, tool call `arguments` given
// as an object, and the pre-tools function calling API (`functions`, `function_call`).
import type { OpenAI } from '@opengemini/shared';
import { badRequest } from '../../errors';
import { FUNCTION_NAME, type Json, absent, checkBoolean, checkInteger, checkNumber, checkNesting, checkStop, isNumber, isObject } from '../field-checks';


const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
const EFFORTS = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
const THINKING_LEVELS = new Set(['minimal', 'low', 'medium', 'high']);
/** Content part types each role may carry (OpenAI's, plus images in tool results, which some
 * MCP bridges send and Gemini can read). */
const PART_TYPES: Record<string, ReadonlySet<string>> = {
  system: new Set(['text']),
  developer: new Set(['text']),
  user: new Set(['text', 'image_url', 'input_audio', 'file']),
  assistant: new Set(['text', 'refusal']),
  tool: new Set(['text', 'image_url']),
  function: new Set(['text']),
};
const BUILTIN_TOOLS = new Set(['google_search', 'code_execution', 'url_context']);
const HARM_CATEGORIES = new Set([
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
  'HARM_CATEGORY_CIVIC_INTEGRITY',
]);
const THRESHOLDS = new Set(['HARM_BLOCK_THRESHOLD_UNSPECIFIED', 'BLOCK_LOW_AND_ABOVE', 'BLOCK_MEDIUM_AND_ABOVE', 'BLOCK_ONLY_HIGH', 'BLOCK_NONE', 'OFF']);

export function parseChatRequest(body: unknown): OpenAI.ChatCompletionRequest {
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model.trim() === '') {
    throw badRequest('`model` is required: a Gemini model name such as gemini-2.5-flash.', 'model');
  }
  normalizeLegacyFunctions(body);
  checkMessages(body.messages);

  checkNumber(body, 'temperature', 0, 2);
  checkNumber(body, 'top_p', 0, 1);
  checkNumber(body, 'presence_penalty', -2, 2);
  checkNumber(body, 'frequency_penalty', -2, 2);
  checkInteger(body, 'max_tokens', 1, 2 ** 31 - 1);
  checkInteger(body, 'max_completion_tokens', 1, 2 ** 31 - 1);
  checkInteger(body, 'n', 1, 8, 'Gemini returns at most 8 candidates');
  checkInteger(body, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  checkInteger(body, 'top_logprobs', 0, 20);
  checkBoolean(body, 'logprobs');
  checkBoolean(body, 'stream');
  checkBoolean(body, 'parallel_tool_calls');
  if (!absent(body.stream_options) && !isObject(body.stream_options)) throw badRequest('`stream_options` must be an object.', 'stream_options');
  if (isObject(body.stream_options)) checkBoolean(body.stream_options, 'include_usage', 'stream_options.');
  checkStop(body.stop);
  if (!absent(body.reasoning_effort) && !EFFORTS.has(body.reasoning_effort as string)) {
    throw badRequest('`reasoning_effort` must be one of none, minimal, low, medium, high, xhigh.', 'reasoning_effort');
  }
  if (!absent(body.web_search_options) && !isObject(body.web_search_options)) throw badRequest('`web_search_options` must be an object.', 'web_search_options');
  checkResponseFormat(body.response_format);
  const names = checkTools(body.tools);
  checkToolChoice(body.tool_choice, names);
  if (!absent(body.google)) checkGoogle(body.google, 'google');
  if (!absent(body.extra_body)) {
    if (!isObject(body.extra_body)) throw badRequest('`extra_body` must be an object.', 'extra_body');
    if (!absent(body.extra_body.google)) checkGoogle(body.extra_body.google, 'extra_body.google');
  }
  return body as unknown as OpenAI.ChatCompletionRequest;
}

/**
 * Gemini-specific knobs. The OpenAI SDKs flatten `extra_body` into the body (top-level
 * `google`); clients that nest it literally (Google's own compatibility docs do) send
 * `extra_body.google`. Both are read; the top-level one wins key by key.
 */
export function googleExtras(req: OpenAI.ChatCompletionRequest): OpenAI.GoogleExtras {
  const nested = req.extra_body?.google;
  const top = req.google;
  if (!nested) return top ?? {};
  if (!top) return nested;
  return { ...nested, ...top };
}

// ---------------------------------------------------------------------------------------------

function checkMessages(messages: unknown): void {
  if (!Array.isArray(messages) || messages.length === 0) throw badRequest('`messages` must be a non-empty array.', 'messages');
  for (let i = 0; i < messages.length; i++) checkMessage(messages[i], `messages[${i}]`);
}

function checkMessage(m: unknown, p: string): void {
  if (!isObject(m)) throw badRequest('Each message must be an object with a role.', p);
  const role = m.role;
  if (typeof role !== 'string' || !ROLES.has(role)) {
    throw badRequest(`Unknown role ${JSON.stringify(role ?? null)}: expected system, developer, user, assistant or tool.`, `${p}.role`);
  }
  checkContent(m.content, role, `${p}.content`);
  if (!absent(m.name) && typeof m.name !== 'string') throw badRequest('`name` must be a string.', `${p}.name`);
  if (!absent(m.reasoning_content) && typeof m.reasoning_content !== 'string') throw badRequest('`reasoning_content` must be a string.', `${p}.reasoning_content`);
  if (role === 'assistant') {
    if (!absent(m.function_call) && absent(m.tool_calls)) m.tool_calls = [{ id: '', type: 'function', function: m.function_call }];
    if (!absent(m.tool_calls)) checkToolCalls(m.tool_calls, `${p}.tool_calls`);
  }
  if (role === 'tool' && !absent(m.tool_call_id) && typeof m.tool_call_id !== 'string') throw badRequest('`tool_call_id` must be a string.', `${p}.tool_call_id`);
}

function checkContent(content: unknown, role: string, p: string): void {
  if (absent(content) || typeof content === 'string') return;
  if (!Array.isArray(content)) throw badRequest('`content` must be a string or an array of content parts.', p);
  const allowed = PART_TYPES[role]!;
  for (let j = 0; j < content.length; j++) {
    const part: unknown = content[j];
    const pp = `${p}[${j}]`;
    if (!isObject(part) || typeof part.type !== 'string') throw badRequest('Each content part must be an object with a `type`.', pp);
    if (!allowed.has(part.type)) {
      throw badRequest(`Content part type '${part.type}' is not allowed in a ${role} message (allowed: ${[...allowed].join(', ')}).`, `${pp}.type`);
    }
    checkPart(part, pp);
  }
}

function checkPart(part: Json, p: string): void {
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') throw badRequest('A text part needs a string `text`.', `${p}.text`);
      return;
    case 'refusal':
      if (typeof part.refusal !== 'string') throw badRequest('A refusal part needs a string `refusal`.', `${p}.refusal`);
      return;
    case 'image_url':
      if (typeof part.image_url === 'string') part.image_url = { url: part.image_url };
      if (!isObject(part.image_url) || typeof part.image_url.url !== 'string' || part.image_url.url === '') {
        throw badRequest('An image_url part needs `image_url.url`: an http(s) or data: URL.', `${p}.image_url.url`);
      }
      return;
    case 'input_audio': {
      const audio = part.input_audio;
      if (!isObject(audio)) throw badRequest('An input_audio part needs `input_audio` with `data` and `format`.', `${p}.input_audio`);
      if (typeof audio.data !== 'string') throw badRequest('`input_audio.data` must be base64 audio.', `${p}.input_audio.data`);
      if (typeof audio.format !== 'string') throw badRequest('`input_audio.format` must be a string such as wav or mp3.', `${p}.input_audio.format`);
      return;
    }
    case 'file': {
      const file = part.file;
      if (!isObject(file)) throw badRequest('A file part needs `file` with `file_data` or `file_id`.', `${p}.file`);
      for (const k of ['file_data', 'file_id', 'filename']) {
        if (!absent(file[k]) && typeof file[k] !== 'string') throw badRequest(`\`file.${k}\` must be a string.`, `${p}.file.${k}`);
      }
      return;
    }
  }
}

function checkToolCalls(calls: unknown, p: string): void {
  if (!Array.isArray(calls)) throw badRequest('`tool_calls` must be an array.', p);
  for (let j = 0; j < calls.length; j++) {
    const call: unknown = calls[j];
    const cp = `${p}[${j}]`;
    if (!isObject(call)) throw badRequest('Each tool call must be an object.', cp);
    if (!absent(call.id) && typeof call.id !== 'string') throw badRequest('A tool call `id` must be a string.', `${cp}.id`);
    if (absent(call.id)) call.id = '';
    const fn = call.function;
    if (!isObject(fn) || typeof fn.name !== 'string' || fn.name === '') throw badRequest('A tool call needs `function.name`.', `${cp}.function.name`);
    if (absent(fn.arguments)) fn.arguments = '';
    else if (isObject(fn.arguments)) fn.arguments = JSON.stringify(fn.arguments);
    else if (typeof fn.arguments !== 'string') throw badRequest('`function.arguments` must be a JSON string.', `${cp}.function.arguments`);
  }
}

/** `functions` / `function_call` (OpenAI's API before tools) as `tools` / `tool_choice`. */
function normalizeLegacyFunctions(body: Json): void {
  if (Array.isArray(body.functions) && absent(body.tools)) {
    body.tools = body.functions.map((f: unknown) => ({ type: 'function', function: f }));
  }
  if (!absent(body.function_call) && absent(body.tool_choice)) {
    const fc = body.function_call;
    body.tool_choice = isObject(fc) ? { type: 'function', function: { name: fc.name } } : fc;
  }
}

function checkResponseFormat(rf: unknown): void {
  if (absent(rf)) return;
  if (!isObject(rf)) throw badRequest('`response_format` must be an object.', 'response_format');
  if (rf.type === 'text' || rf.type === 'json_object') return;
  if (rf.type !== 'json_schema') throw badRequest('`response_format.type` must be text, json_object or json_schema.', 'response_format.type');
  const js = rf.json_schema;
  if (!isObject(js)) throw badRequest('`response_format.json_schema` is required for type json_schema.', 'response_format.json_schema');
  if (!absent(js.schema) && !isObject(js.schema)) throw badRequest('`response_format.json_schema.schema` must be a JSON Schema object.', 'response_format.json_schema.schema');
  checkNesting(js.schema, 'response_format.json_schema.schema');
}

/** Checks `tools`; returns the function names declared. */
function checkTools(tools: unknown): Set<string> {
  const names = new Set<string>();
  if (absent(tools)) return names;
  if (!Array.isArray(tools)) throw badRequest('`tools` must be an array.', 'tools');
  for (let i = 0; i < tools.length; i++) {
    const tool: unknown = tools[i];
    const p = `tools[${i}]`;
    if (!isObject(tool)) throw badRequest('Each tool must be an object.', p);
    if (tool.type === undefined && isObject(tool.function)) tool.type = 'function';
    if (typeof tool.type !== 'string' || (tool.type !== 'function' && !BUILTIN_TOOLS.has(tool.type))) {
      throw badRequest(`Tool type ${JSON.stringify(tool.type ?? null)} is not supported: use function (or Gemini's google_search, code_execution, url_context).`, `${p}.type`);
    }
    if (tool.type !== 'function') continue;
    const fn = tool.function;
    if (!isObject(fn)) throw badRequest('A function tool needs `function`.', `${p}.function`);
    if (typeof fn.name !== 'string' || !FUNCTION_NAME.test(fn.name)) {
      throw badRequest('`function.name` must start with a letter or underscore and hold only letters, digits, _ . : - (at most 128).', `${p}.function.name`);
    }
    if (names.has(fn.name)) throw badRequest(`Duplicate function name '${fn.name}'.`, `${p}.function.name`);
    names.add(fn.name);
    if (!absent(fn.description) && typeof fn.description !== 'string') throw badRequest('`function.description` must be a string.', `${p}.function.description`);
    if (!absent(fn.parameters) && !isObject(fn.parameters)) throw badRequest('`function.parameters` must be a JSON Schema object.', `${p}.function.parameters`);
    checkNesting(fn.parameters, `${p}.function.parameters`);
  }
  return names;
}

function checkToolChoice(choice: unknown, names: Set<string>): void {
  if (absent(choice) || choice === 'none' || choice === 'auto' || choice === 'required') return;
  if (!isObject(choice) || choice.type !== 'function' || !isObject(choice.function) || typeof choice.function.name !== 'string') {
    throw badRequest('`tool_choice` must be none, auto, required or {type: "function", function: {name}}.', 'tool_choice');
  }
  if (!names.has(choice.function.name)) throw badRequest(`tool_choice names '${choice.function.name}', which is not among the tools.`, 'tool_choice.function.name');
}

function checkGoogle(g: unknown, p: string): void {
  if (!isObject(g)) throw badRequest(`\`${p}\` must be an object.`, p);
  const tc = g.thinking_config;
  if (!absent(tc)) {
    if (!isObject(tc)) throw badRequest('`thinking_config` must be an object.', `${p}.thinking_config`);
    checkInteger(tc, 'thinking_budget', -1, 2 ** 31 - 1, undefined, `${p}.thinking_config.`);
    if (!absent(tc.thinking_level) && !(typeof tc.thinking_level === 'string' && THINKING_LEVELS.has(tc.thinking_level.toLowerCase()))) {
      throw badRequest('`thinking_level` must be one of minimal, low, medium, high.', `${p}.thinking_config.thinking_level`);
    }
    checkBoolean(tc, 'include_thoughts', `${p}.thinking_config.`);
  }
  const ss = g.safety_settings;
  if (!absent(ss)) {
    if (!Array.isArray(ss)) throw badRequest('`safety_settings` must be an array of {category, threshold}.', `${p}.safety_settings`);
    ss.forEach((s: unknown, i) => {
      const sp = `${p}.safety_settings[${i}]`;
      if (!isObject(s)) throw badRequest('Each safety setting must be {category, threshold}.', sp);
      if (typeof s.category !== 'string' || !HARM_CATEGORIES.has(s.category.toUpperCase())) {
        throw badRequest(`Unknown category; use one of ${[...HARM_CATEGORIES].join(', ')}.`, `${sp}.category`);
      }
      if (typeof s.threshold !== 'string' || !THRESHOLDS.has(s.threshold.toUpperCase())) {
        throw badRequest(`Unknown threshold; use one of ${[...THRESHOLDS].join(', ')}.`, `${sp}.threshold`);
      }
      s.category = s.category.toUpperCase();
      s.threshold = s.threshold.toUpperCase();
    });
  }
  if (!absent(g.cached_content) && typeof g.cached_content !== 'string') throw badRequest('`cached_content` must be a cachedContents/... name.', `${p}.cached_content`);
}
