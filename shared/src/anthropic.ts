// Anthropic Messages API wire types (https://docs.anthropic.com/en/api/messages): what Claude Code
// and the @anthropic-ai/sdk send and expect. Only what the converter reads or writes; fields it
// ignores (metadata, cache_control, citations, service_tier...) are left out on purpose.

export type Role = 'user' | 'assistant';

export interface MessagesRequest {
  model: string;
  messages: MessageParam[];
  max_tokens: number;
  system?: string | TextBlock[];
  tools?: Tool[];
  tool_choice?: ToolChoice;
  thinking?: ThinkingConfig;
  /** Effort for adaptive thinking (Claude Code's effort setting). */
  output_config?: { effort?: 'low' | 'medium' | 'high' | 'max' };
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  stream?: boolean;
}

export type CountTokensRequest = Omit<MessagesRequest, 'max_tokens' | 'stream' | 'temperature' | 'top_p' | 'top_k' | 'stop_sequences'>;

export interface MessageParam {
  /** `system`: an instruction in the middle of the conversation (Claude Code's
   * mid-conversation-tool-changes beta), text only. */
  role: Role | 'system';
  content: string | ContentBlockParam[];
}

export type ContentBlockParam =
  | TextBlock
  | ImageBlock
  | DocumentBlock
  | ToolUseBlock
  | ToolResultBlock
  | ThinkingBlock
  | RedactedThinkingBlock
  | { type: 'server_tool_use' | 'web_search_tool_result'; [field: string]: unknown };

export interface TextBlock {
  type: 'text';
  text: string;
}

export type MediaSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string }
  | { type: 'text'; media_type?: string; data: string }
  | { type: 'content'; content: string | Array<TextBlock | ImageBlock> }
  | { type: 'file'; file_id: string };

export interface ImageBlock {
  type: 'image';
  source: MediaSource;
}

export interface DocumentBlock {
  type: 'document';
  source: MediaSource;
  title?: string;
  context?: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | Array<TextBlock | ImageBlock | DocumentBlock>;
  is_error?: boolean;
}

export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface RedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

/** A client tool (`type` absent or "custom"), or a server / Anthropic-defined one (`web_search_20250305`...). */
export interface Tool {
  type?: string;
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
}

export type ToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

/** `display: "omitted"`: thinking blocks without the thoughts' text (Claude Code 2.1 asks so). */
export type ThinkingConfig =
  | { type: 'enabled'; budget_tokens: number; display?: 'summarized' | 'omitted' }
  | { type: 'disabled' }
  | { type: 'adaptive'; display?: 'summarized' | 'omitted' };

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal';

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface Message {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: Usage;
}

export interface CountTokensResponse {
  input_tokens: number;
}

/** Anthropic's error types, each with the HTTP status Anthropic answers it with. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

/** `code` is ours: the tier contract's fault code, for the pool (SSE error events have no headers). */
export interface ErrorEnvelope {
  type: 'error';
  error: { type: ErrorType; message: string; code?: string };
}
