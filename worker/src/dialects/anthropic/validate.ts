// Checks the shape and types of every field of an Anthropic Messages request that the converter
// reads, so a wrong request gets a 400 naming the field the way Anthropic does
// (`messages.2.content.0.type: ...`) instead of a crash or a confusing answer from Gemini. Fields
// it does not read are ignored: metadata, cache_control, citations, service_tier, container,
// mcp_servers, context_management and whatever beta Claude Code adds next.
import type { Anthropic } from '@opengemini/shared';
import { badRequest, unsupported } from '../../errors';
import { FUNCTION_NAME, type Json, MAX_VALUE_NESTING, absent, checkNesting, isNumber, isObject } from '../field-checks';

/** The block types each role may send (server tool blocks are history of Anthropic's own tools).
 * `system` messages in `messages` are Claude Code's mid-conversation instructions (the
 * mid-conversation-tool-changes beta): text only. */
const BLOCK_TYPES: Record<Anthropic.Role | 'system', ReadonlySet<string>> = {
  user: new Set(['text', 'image', 'document', 'tool_result', 'search_result']),
  assistant: new Set(['text', 'tool_use', 'thinking', 'redacted_thinking', 'server_tool_use', 'web_search_tool_result']),
  system: new Set(['text']),
};
const RESULT_BLOCK_TYPES = new Set(['text', 'image', 'document', 'search_result']);
const THINKING_TYPES = new Set(['enabled', 'disabled', 'adaptive']);
const CHOICE_TYPES = new Set(['auto', 'any', 'tool', 'none']);
const EFFORTS = new Set(['low', 'medium', 'high', 'max']);

/** A /v1/messages body; `forCount`: a count_tokens body (no max_tokens, nothing to sample). */
export function parseMessagesRequest(body: unknown, forCount = false): Anthropic.MessagesRequest {
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model.trim() === '') {
    throw badRequest('model: Field required (a Gemini model name such as gemini-2.5-flash).', 'model');
  }
  if (!forCount) {
    if (absent(body.max_tokens)) throw badRequest('max_tokens: Field required.', 'max_tokens');
    checkInteger(body, 'max_tokens', 1);
    checkNumber(body, 'temperature', 0, 2);
    checkNumber(body, 'top_p', 0, 1);
    checkInteger(body, 'top_k', 0);
    if (!absent(body.stream) && typeof body.stream !== 'boolean') throw badRequest('stream: Input should be a valid boolean.', 'stream');
    if (!absent(body.stop_sequences) && (!Array.isArray(body.stop_sequences) || !body.stop_sequences.every((s) => typeof s === 'string'))) {
      throw badRequest('stop_sequences: Input should be a list of strings.', 'stop_sequences');
    }
  }
  checkSystem(body.system);
  checkMessages(body.messages);
  const names = checkTools(body.tools);
  checkToolChoice(body.tool_choice, names);
  checkThinking(body.thinking);
  if (isObject(body.output_config) && !absent(body.output_config.effort) && !EFFORTS.has(body.output_config.effort as string)) {
    throw badRequest("output_config.effort: Input should be 'low', 'medium', 'high' or 'max'.", 'output_config.effort');
  }
  return body as unknown as Anthropic.MessagesRequest;
}

// The number checks word their 400s as Anthropic does (`key: Input should be ...`), not as
// field-checks.ts's OpenAI-style ones; the predicates are shared.
function checkNumber(o: Json, key: string, min: number, max: number): void {
  const v = o[key];
  if (absent(v)) return;
  if (!isNumber(v) || v < min || v > max) throw badRequest(`${key}: Input should be a number from ${min} to ${max}.`, key);
}

function checkInteger(o: Json, key: string, min: number): void {
  const v = o[key];
  if (absent(v)) return;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > 2 ** 31 - 1) throw badRequest(`${key}: Input should be an integer of at least ${min}.`, key);
}

function checkText(block: Json, p: string): void {
  if (typeof block.text !== 'string') throw badRequest(`${p}.text: Input should be a valid string.`, `${p}.text`);
}

function checkSystem(system: unknown): void {
  if (absent(system) || typeof system === 'string') return;
  if (!Array.isArray(system)) throw badRequest('system: Input should be a string or a list of text blocks.', 'system');
  system.forEach((block, i) => {
    const p = `system.${i}`;
    if (!isObject(block) || block.type !== 'text') throw badRequest(`${p}.type: Input should be 'text'.`, `${p}.type`);
    checkText(block, p);
  });
}

function checkMessages(messages: unknown): void {
  if (!Array.isArray(messages)) throw badRequest('messages: Input should be a list of messages.', 'messages');
  if (messages.length === 0) throw badRequest('messages: at least one message is required.', 'messages');
  messages.forEach((m, i) => {
    const p = `messages.${i}`;
    if (!isObject(m)) throw badRequest(`${p}: Input should be an object with role and content.`, p);
    if (m.role !== 'user' && m.role !== 'assistant' && m.role !== 'system') throw badRequest(`${p}.role: Input should be 'user', 'assistant' or 'system'.`, `${p}.role`);
    if (typeof m.content === 'string') return;
    if (!Array.isArray(m.content)) throw badRequest(`${p}.content: Input should be a string or a list of content blocks.`, `${p}.content`);
    m.content.forEach((block, j) => checkBlock(block, m.role as keyof typeof BLOCK_TYPES, `${p}.content.${j}`));
  });
}

function checkBlock(block: unknown, role: keyof typeof BLOCK_TYPES, p: string): void {
  if (!isObject(block) || typeof block.type !== 'string') throw badRequest(`${p}: Input should be a content block with a type.`, p);
  const allowed = BLOCK_TYPES[role];
  if (!allowed.has(block.type)) {
    throw badRequest(`${p}.type: '${block.type}' is not a content block a ${role} message can hold (expected ${[...allowed].join(', ')}).`, `${p}.type`);
  }
  switch (block.type) {
    case 'text':
      return checkText(block, p);
    case 'image':
    case 'document':
      return checkSource(block, p);
    case 'search_result':
      throw unsupported(`${p}.type: search_result blocks are not supported by Gemini; send the text as a text block.`, `${p}.type`);
    case 'tool_use':
      if (typeof block.id !== 'string' || block.id === '') throw badRequest(`${p}.id: Input should be a non-empty string.`, `${p}.id`);
      if (typeof block.name !== 'string' || block.name === '') throw badRequest(`${p}.name: Input should be a non-empty string.`, `${p}.name`);
      if (!isObject(block.input)) throw badRequest(`${p}.input: Input should be an object.`, `${p}.input`);
      checkNesting(block.input, `${p}.input`, MAX_VALUE_NESTING);
      return;
    case 'tool_result':
      if (typeof block.tool_use_id !== 'string') throw badRequest(`${p}.tool_use_id: Input should be a valid string.`, `${p}.tool_use_id`);
      if (!absent(block.is_error) && typeof block.is_error !== 'boolean') throw badRequest(`${p}.is_error: Input should be a valid boolean.`, `${p}.is_error`);
      if (absent(block.content) || typeof block.content === 'string') return;
      if (!Array.isArray(block.content)) throw badRequest(`${p}.content: Input should be a string or a list of blocks.`, `${p}.content`);
      block.content.forEach((inner, k) => {
        const q = `${p}.content.${k}`;
        if (!isObject(inner) || !RESULT_BLOCK_TYPES.has(inner.type as string)) throw badRequest(`${q}.type: Input should be 'text', 'image' or 'document'.`, `${q}.type`);
        checkBlock(inner, 'user', q);
      });
      return;
    case 'thinking':
      if (typeof block.thinking !== 'string') throw badRequest(`${p}.thinking: Input should be a valid string.`, `${p}.thinking`);
      if (!absent(block.signature) && typeof block.signature !== 'string') throw badRequest(`${p}.signature: Input should be a valid string.`, `${p}.signature`);
      return;
    case 'redacted_thinking':
      if (typeof block.data !== 'string') throw badRequest(`${p}.data: Input should be a valid string.`, `${p}.data`);
      return;
  }
}

function checkSource(block: Json, p: string): void {
  const source = block.source;
  const q = `${p}.source`;
  if (!isObject(source)) throw badRequest(`${q}: Input should be an object with a type.`, q);
  switch (source.type) {
    case 'base64':
      if (typeof source.media_type !== 'string' || source.media_type === '') throw badRequest(`${q}.media_type: Field required.`, `${q}.media_type`);
      if (typeof source.data !== 'string' || source.data === '') throw badRequest(`${q}.data: Field required.`, `${q}.data`);
      return;
    case 'url':
      if (typeof source.url !== 'string' || !/^https?:\/\//i.test(source.url)) throw badRequest(`${q}.url: Input should be an http(s) URL.`, `${q}.url`);
      return;
    case 'text':
      if (block.type !== 'document') break;
      if (typeof source.data !== 'string') throw badRequest(`${q}.data: Input should be a valid string.`, `${q}.data`);
      return;
    case 'content':
      if (block.type !== 'document') break;
      if (typeof source.content === 'string') return;
      if (!Array.isArray(source.content)) throw badRequest(`${q}.content: Input should be a string or a list of blocks.`, `${q}.content`);
      source.content.forEach((inner, k) => {
        const r = `${q}.content.${k}`;
        if (!isObject(inner) || (inner.type !== 'text' && inner.type !== 'image')) throw badRequest(`${r}.type: Input should be 'text' or 'image'.`, `${r}.type`);
        checkBlock(inner, 'user', r);
      });
      return;
    case 'file':
      throw unsupported(`${q}: files uploaded to Anthropic cannot be read by Gemini; send the content as base64 or a URL.`, q);
  }
  throw badRequest(`${q}.type: '${String(source.type)}' is not a ${String(block.type)} source (expected ${block.type === 'document' ? 'base64, url, text or content' : 'base64 or url'}).`, `${q}.type`);
}

/** The names of the client's function tools. */
function checkTools(tools: unknown): Set<string> {
  const names = new Set<string>();
  if (absent(tools)) return names;
  if (!Array.isArray(tools)) throw badRequest('tools: Input should be a list of tools.', 'tools');
  tools.forEach((tool, i) => {
    const p = `tools.${i}`;
    if (!isObject(tool)) throw badRequest(`${p}: Input should be an object.`, p);
    if (typeof tool.name !== 'string' || tool.name === '') throw badRequest(`${p}.name: Field required.`, `${p}.name`);
    if (!absent(tool.type) && typeof tool.type !== 'string') throw badRequest(`${p}.type: Input should be a valid string.`, `${p}.type`);
    if (!absent(tool.type) && tool.type !== 'custom') return; // server and Anthropic-defined tools: request.ts
    if (!FUNCTION_NAME.test(tool.name)) {
      throw badRequest(`${p}.name: '${tool.name.slice(0, 140)}' is not a function name Gemini accepts (a letter or _, then letters, digits, _ . : -; at most 128).`, `${p}.name`);
    }
    if (!isObject(tool.input_schema)) throw badRequest(`${p}.input_schema: Field required (a JSON Schema object).`, `${p}.input_schema`);
    checkNesting(tool.input_schema, `${p}.input_schema`);
    if (!absent(tool.description) && typeof tool.description !== 'string') throw badRequest(`${p}.description: Input should be a valid string.`, `${p}.description`);
    names.add(tool.name);
  });
  return names;
}

function checkToolChoice(choice: unknown, names: Set<string>): void {
  if (absent(choice)) return;
  if (!isObject(choice) || !CHOICE_TYPES.has(choice.type as string)) {
    throw badRequest("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'.", 'tool_choice.type');
  }
  if (choice.type === 'tool') {
    if (typeof choice.name !== 'string') throw badRequest('tool_choice.name: Field required.', 'tool_choice.name');
    if (!names.has(choice.name)) throw badRequest(`tool_choice.name: no tool named '${choice.name}' in tools.`, 'tool_choice.name');
  }
  if (!absent(choice.disable_parallel_tool_use) && typeof choice.disable_parallel_tool_use !== 'boolean') {
    throw badRequest('tool_choice.disable_parallel_tool_use: Input should be a valid boolean.', 'tool_choice.disable_parallel_tool_use');
  }
}

function checkThinking(thinking: unknown): void {
  if (absent(thinking)) return;
  if (!isObject(thinking) || !THINKING_TYPES.has(thinking.type as string)) {
    throw badRequest("thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'.", 'thinking.type');
  }
  if (thinking.type === 'enabled' && (!Number.isInteger(thinking.budget_tokens) || (thinking.budget_tokens as number) < 0)) {
    throw badRequest('thinking.budget_tokens: Input should be a non-negative integer.', 'thinking.budget_tokens');
  }
}
