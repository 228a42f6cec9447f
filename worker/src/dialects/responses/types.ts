// OpenAI Responses API wire types: only what this dialect reads or writes. Field names are
// OpenAI's (snake_case); every body built from them is checked against
// ../shared/oracles/openai-openapi.json (Response, ResponseStreamEvent) by the tests.

export type InputContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url?: string | null; file_id?: string | null; detail?: string }
  | { type: 'input_file'; file_data?: string; file_id?: string | null; file_url?: string; filename?: string }
  /** What an assistant message carries when a client sends our own output back. */
  | { type: 'output_text'; text: string }
  | { type: 'refusal'; refusal: string };

export type Role = 'user' | 'assistant' | 'system' | 'developer';

export interface MessageItem {
  type: 'message';
  role: Role;
  content: string | InputContent[];
}
export interface FunctionCallItem {
  type: 'function_call';
  call_id: string;
  name: string;
  /** The namespace tool the function belongs to, if any. */
  namespace?: string | null;
  arguments: string;
}
export interface CustomToolCallItem {
  type: 'custom_tool_call';
  call_id: string;
  name: string;
  input: string;
}
export interface ToolOutputItem {
  type: 'function_call_output' | 'custom_tool_call_output';
  call_id: string;
  output: string | InputContent[];
}
export interface ReasoningInputItem {
  type: 'reasoning';
  summary?: Array<{ type: 'summary_text'; text: string }>;
  encrypted_content?: string | null;
}
/** Every input item after validation: an EasyInputMessage without `type` is given one. */
export type InputItem = MessageItem | FunctionCallItem | CustomToolCallItem | ToolOutputItem | ReasoningInputItem;

export interface FunctionToolParam {
  type: 'function';
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}
export interface CustomToolParam {
  type: 'custom';
  name: string;
  description?: string;
  format?: { type: 'text' } | { type: 'grammar'; syntax: string; definition: string };
}
/** Function and custom tools grouped under a name (Codex's sub-agent tools). */
export interface NamespaceToolParam {
  type: 'namespace';
  name: string;
  description?: string;
  tools: Array<FunctionToolParam | CustomToolParam>;
}
/** web_search (and its dated and preview names), code_interpreter: Gemini's built-in tools. */
export interface HostedToolParam {
  type: string;
}
export type ToolParam = FunctionToolParam | CustomToolParam | NamespaceToolParam | HostedToolParam;

export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function' | 'custom'; name: string }
  | { type: 'allowed_tools'; mode: 'auto' | 'required'; tools: Array<{ type: string; name?: string }> }
  | { type: string };

export type Effort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export type TextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema?: Record<string, unknown>; strict?: boolean | null; description?: string };

export interface ResponsesRequest {
  model: string;
  /** Always a list after validation (a string input becomes one user message). */
  input: InputItem[];
  instructions?: string | null;
  tools?: ToolParam[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean | null;
  reasoning?: { effort?: Effort | null; summary?: 'auto' | 'concise' | 'detailed' | null } | null;
  include?: string[] | null;
  store?: boolean | null;
  stream?: boolean | null;
  text?: { format?: TextFormat; verbosity?: string | null } | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  /** Alternatives per token, 0-20 (with logprobs: request.ts wantsLogprobs). */
  top_logprobs?: number | null;
  /** Not in OpenAI's Responses API, but sent by clients ported from Chat Completions. */
  stop?: string | string[] | null;
  metadata?: Record<string, string> | null;
  user?: string;
  prompt_cache_key?: string | null;
  service_tier?: string | null;
  truncation?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

export interface UrlCitation {
  type: 'url_citation';
  url: string;
  title: string;
  start_index: number;
  end_index: number;
}
/** One token's log probability, with the most likely alternatives (OpenAI's LogProb). */
export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}
export type OutputContent =
  | { type: 'output_text'; text: string; annotations: UrlCitation[]; logprobs: TokenLogprob[] }
  | { type: 'refusal'; refusal: string };

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface OutputMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  status: ItemStatus;
  content: OutputContent[];
}
export interface OutputFunctionCall {
  id: string;
  type: 'function_call';
  status: ItemStatus;
  call_id: string;
  name: string;
  namespace?: string;
  arguments: string;
}
export interface OutputCustomToolCall {
  id: string;
  type: 'custom_tool_call';
  call_id: string;
  name: string;
  namespace?: string;
  input: string;
}
export interface OutputReasoning {
  id: string;
  type: 'reasoning';
  summary: Array<{ type: 'summary_text'; text: string }>;
  /** Only with include: ["reasoning.encrypted_content"]: the Gemini thought signature (see carry.ts). */
  encrypted_content?: string;
}
export type OutputItem = OutputMessage | OutputFunctionCall | OutputCustomToolCall | OutputReasoning;

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'completed' | 'incomplete' | 'in_progress' | 'failed';

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  completed_at: number | null;
  error: null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  model: string;
  output: OutputItem[];
  output_text?: string;
  parallel_tool_calls: boolean;
  previous_response_id: null;
  reasoning: { effort: string | null; summary: string | null } | null;
  store: boolean;
  temperature: number | null;
  top_p: number | null;
  max_output_tokens: number | null;
  text: { format: TextFormat };
  tool_choice: ToolChoice;
  tools: ToolParam[];
  truncation: 'auto' | 'disabled';
  metadata: Record<string, string>;
  usage?: ResponseUsage;
  user?: string;
  prompt_cache_key?: string;
}
