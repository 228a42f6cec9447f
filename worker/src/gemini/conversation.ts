// The neutral conversation: what every dialect's request.ts produces and request.ts (the core)
// turns into a generateContent body. It says what the client asked for in Gemini's terms, without
// any client format in it and without Gemini's wire rules (turn merging, signatures, which tools
// may share a request...), which the core applies once for every dialect.
import type { Gemini } from '@opengemini/shared';
import type { KeptToolForms } from './kept-tools';

/** How hard the model should think, in OpenAI's words (the core maps it per model family). */
export type Effort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export interface Conversation {
  /** The model as the client named it (a leading `models/` is stripped by the core). */
  model: string;
  /** System text, in order; empty texts are dropped. */
  system: string[];
  turns: Turn[];
  tools: readonly Tool[];
  /** Given when the dialect keeps `tools` (frozen) for every request that declares it: their
   * Gemini forms are then kept there too (kept-tools.ts), made once per list and model traits. */
  keptTools?: KeptToolForms | undefined;
  toolChoice?: ToolChoice | undefined;
  options: GenerationOptions;
  /** Google's safety settings as the client gave them; default: every filter off. */
  safetySettings?: Gemini.SafetySetting[] | undefined;
  /** A cachedContent name: Gemini then takes no system instruction, tools or tool config. */
  cachedContent?: string | undefined;
}

/** One message. Consecutive turns of one role are merged by the core; empty turns dropped. */
export interface Turn {
  role: 'user' | 'model';
  parts: Part[];
}

export type Part = TextPart | MediaPart | CallPart | ResultPart;

export interface TextPart {
  kind: 'text';
  text: string;
  /** A thought signature Gemini gave beside this text (Gemini 3 wants it back, not required). */
  signature?: string | undefined;
}

/** Inline bytes (base64) or a file URI, as Gemini reads them. */
export interface MediaPart {
  kind: 'media';
  inlineData?: Gemini.Blob | undefined;
  fileData?: Gemini.FileData | undefined;
  signature?: string | undefined;
}

/** A function call the model made (history). */
export interface CallPart {
  kind: 'call';
  name: string;
  args: Record<string, unknown>;
  /** Gemini's own functionCall.id, only when Gemini issued one. */
  geminiId?: string | undefined;
  /** The thought signature Gemini gave with this call; Gemini 3 requires the first one back. */
  signature?: string | undefined;
}

/** A function result (sent in a user turn). */
export interface ResultPart {
  kind: 'result';
  name: string;
  response: Record<string, unknown>;
  geminiId?: string | undefined;
}

export type Tool =
  | { kind: 'function'; name: string; description?: string | undefined; /** JSON Schema, any dialect's; converted by the core. */ parameters?: unknown }
  | { kind: 'google_search' }
  | { kind: 'code_execution' }
  | { kind: 'url_context' };

/** `any` with `only` forces that one function. `allowed` narrows the callable functions without
 * removing declarations (OpenAI's allowed_tools): with `any` one of them must be called, with
 * `auto` the model may also answer in text. */
export interface ToolChoice {
  mode: 'auto' | 'any' | 'none';
  only?: string | undefined;
  allowed?: string[] | undefined;
}

export interface GenerationOptions {
  temperature?: number | null | undefined;
  topP?: number | null | undefined;
  topK?: number | null | undefined;
  maxOutputTokens?: number | null | undefined;
  candidateCount?: number | null | undefined;
  stopSequences?: string[] | null | undefined;
  seed?: number | null | undefined;
  presencePenalty?: number | null | undefined;
  frequencyPenalty?: number | null | undefined;
  /** Token log probabilities, with `top` alternatives per token. */
  logprobs?: { top?: number | null | undefined } | undefined;
  /** JSON output, with a JSON Schema when given. */
  json?: { schema?: unknown } | undefined;
  thinking?: ThinkingRequest | undefined;
}

/** Every way a dialect can ask for thinking; see thinking.ts for how each maps per model. */
export interface ThinkingRequest {
  effort?: Effort | null | undefined;
  /** Tokens; 0 off (where the model allows), -1 dynamic. Wins over `effort`. */
  budget?: number | undefined;
  /** Gemini 3's level (minimal, low, medium, high), any case. Wins over `budget`. */
  level?: string | undefined;
  /** Thought summaries; default: on whenever the model thinks and thinking is not off. */
  includeThoughts?: boolean | undefined;
}
