// The mock's public vocabulary: what a test can script and what it can read back. Every
// behaviour is one member of a discriminated union on `kind`; see README.md for an example each.
import type { Gemini } from '@opengemini/shared';

/** The Gemini v1beta methods the mock serves. */
export type GeminiMethod =
  | 'generateContent'
  | 'streamGenerateContent'
  | 'countTokens'
  | 'embedContent'
  | 'batchEmbedContents'
  | 'listModels'
  | 'getModel';

export type FinishReason = NonNullable<Gemini.Candidate['finishReason']>;

/** One request as the mock received it. The key appears only in `key`; everywhere else
 * (headers, query) it is replaced by its fingerprint, so a record can be printed safely. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1beta/models/gemini-2.5-flash:generateContent`. */
  path: string;
  /** The Gemini method, when the path names one. */
  action?: GeminiMethod;
  /** The model from the path, without `models/`. */
  model?: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The raw API key (header `x-goog-api-key` first, then `?key=`), for assertions. */
  key?: string;
  /** The parsed JSON body (undefined for GET or unparsable bodies; see rawBody). */
  body: unknown;
  rawBody: string;
  /** The HTTP status the mock answered with (set once the head is written). */
  status?: number;
}

// ---- content behaviours: a 200 answer (generateContent / streamGenerateContent only) ----

/** A text answer. Streams split it into `chunks` pieces (default 3). */
export interface TextBehaviour {
  kind: 'text';
  text: string;
  /** A thought summary: sent as a `{text, thought: true}` part only when the request set
   * `thinkingConfig.includeThoughts`; its tokens are counted in thoughtsTokenCount either way. */
  thoughts?: string;
  /** Overrides the thoughtsTokenCount (default: the thoughts' length / 4). */
  thoughtsTokenCount?: number;
  /** A thoughtSignature on the last text part, as Gemini 3 sends. */
  thoughtSignature?: string;
  /** Default STOP. */
  finishReason?: FinishReason;
  chunks?: number;
}

export interface ToolCall {
  name: string;
  args?: Record<string, unknown>;
  /** Only some models issue ids; omitted by default. */
  id?: string;
}

/** Function calls (each whole, in one part), optionally after some text. */
export interface ToolCallsBehaviour {
  kind: 'toolCalls';
  calls: ToolCall[];
  /** Leading text, sent before the calls (its own chunk when streaming). */
  text?: string;
  thoughts?: string;
  /** The signature on the FIRST functionCall part. Default: a generated one for gemini-3*
   * models (as Gemini 3 always sends), none for others. `false`: never send one. */
  thoughtSignature?: string | false;
}

/** The prompt was blocked: no `candidates` at all, only promptFeedback. */
export interface BlockedBehaviour {
  kind: 'blocked';
  /** Default SAFETY. */
  blockReason?: NonNullable<Gemini.PromptFeedback['blockReason']>;
}

/** A candidate with `content: {role: "model"}` and no parts. */
export interface EmptyBehaviour {
  kind: 'empty';
  /** Default STOP; MAX_TOKENS is the "ran out while thinking" case. */
  finishReason?: 'STOP' | 'MAX_TOKENS';
  thoughtsTokenCount?: number;
}

/** A candidate that ends with the given finishReason (SAFETY, RECITATION,
 * MALFORMED_FUNCTION_CALL, OTHER, ...), with optional partial text. */
export interface FinishBehaviour {
  kind: 'finish';
  finishReason: FinishReason;
  text?: string;
  /** Gemini sends one with MALFORMED_FUNCTION_CALL; a default is used for that reason. */
  finishMessage?: string;
}

/** A 200 that is not an answer: every chunk (or the whole body) has `candidates: []` and no
 * promptFeedback, as Gemini sometimes sends under load. */
export interface NoCandidatesBehaviour {
  kind: 'noCandidates';
}

// ---- error behaviours: Google's error bodies (any method) ----

interface ErrorCommon {
  /** Send `[{"error": ...}]` instead of `{"error": ...}`, as some Google front ends do. */
  wrapInArray?: boolean;
}

/** 429 RESOURCE_EXHAUSTED with QuotaFailure + Help + RetryInfo ('bare': the old body with
 * neither, "Resource has been exhausted (e.g. check quota)."). */
export interface QuotaBehaviour extends ErrorCommon {
  kind: 'quota';
  quota: 'per_minute' | 'per_day' | 'tokens_per_minute' | 'bare';
  /** RetryInfo.retryDelay, e.g. "47s". Default "47s" per minute, "0s" per day, "31s" tokens. */
  retryDelay?: string;
  /** QuotaFailure quotaValue. Defaults: 10 requests/min, 250 requests/day, 250000 tokens/min. */
  quotaValue?: string;
}

/** Key faults. 'invalid'/'expired': 400 INVALID_ARGUMENT; 'leaked'/'suspended': 403. */
export interface KeyErrorBehaviour extends ErrorCommon {
  kind: 'keyError';
  reason: 'invalid' | 'expired' | 'leaked' | 'suspended';
  /** 'leaked' only: append `api_key:<the request's key>` to the message (suspended always
   * echoes it), so key scrubbing downstream can be tested. */
  echoKey?: boolean;
}

/** 500 INTERNAL, 503 UNAVAILABLE ("The model is overloaded..."), 504 DEADLINE_EXCEEDED. */
export interface ServerErrorBehaviour extends ErrorCommon {
  kind: 'serverError';
  status: 500 | 503 | 504;
}

/** 400 FAILED_PRECONDITION "User location is not supported for the API use." */
export interface RegionBlockedBehaviour extends ErrorCommon {
  kind: 'regionBlocked';
}

/** Anything else, verbatim: a status and a body (objects are sent as JSON, strings as is). */
export interface HttpBehaviour {
  kind: 'http';
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type ContentBehaviour = TextBehaviour | ToolCallsBehaviour | BlockedBehaviour | EmptyBehaviour | FinishBehaviour | NoCandidatesBehaviour;
export type ErrorBehaviour = QuotaBehaviour | KeyErrorBehaviour | ServerErrorBehaviour | RegionBlockedBehaviour;
export type Behaviour = ContentBehaviour | ErrorBehaviour | HttpBehaviour;

/** How a streamed answer travels (streamGenerateContent only). Chunk counts start at 0:
 * `afterChunks: 0` acts right after the headers. */
export interface StreamShape {
  /** Pause between events, in ms. */
  chunkDelayMs?: number;
  /** Stop sending after N events without ending the response: for `ms` ms, or forever
   * (until the client leaves or the mock closes) when `ms` is omitted. */
  stall?: { afterChunks: number; ms?: number };
  /** Destroy the socket after N events (no terminating chunk: the client sees a broken body).
   * On generateContent: the head and the first half of the JSON body, then the socket dies. */
  drop?: { afterChunks: number };
  /** After N events, send `data: {"error": ...}` for this error, then end the body. */
  errorAfter?: { chunks: number; error: ErrorBehaviour };
  /** What precedes each event's JSON. Gemini sends "data: "; '' sends bare JSON lines. */
  prefix?: string;
  /** The blank line after each event. Gemini sends "\r\n\r\n". */
  framing?: '\r\n\r\n' | '\n\n' | '\r\r';
  /** How bytes are cut into network writes: 'awkward' cuts every event inside "data:", inside
   * the first multi-byte UTF-8 character, and between the "\r" and "\n" of the framing;
   * `{ every: n }` writes n bytes at a time; 'merged' sends all events in one write. */
  split?: 'awkward' | 'merged' | { every: number };
}

export interface Rule {
  /** Only requests with this key (exact string or pattern). */
  key?: string | RegExp;
  /** Only this model (without `models/`; exact string or pattern). */
  model?: string | RegExp;
  /** Only these methods. Default: generateContent + streamGenerateContent for content
   * behaviours and reply functions, every method for error and http behaviours. */
  method?: GeminiMethod | readonly GeminiMethod[];
  /** Only requests this accepts (e.g. `declaresFunction('Read')`: an agent's task turns). */
  when?: (request: RecordedRequest) => boolean;
  /** Fire this many times, then the rule is spent. Default: forever. */
  times?: number;
  /** Wait this long before sending the status line and headers. */
  delayMs?: number;
  /** Destroy the socket without answering at all (a network failure before any byte). */
  hangUp?: boolean;
  reply: Behaviour | ((request: RecordedRequest) => Behaviour);
  stream?: StreamShape;
}

/** How a rule sends its answer, apart from what it sends. */
export type RuleShape = Pick<Rule, 'delayMs' | 'hangUp' | 'stream'>;

/** What `script()` returns: a live view of one rule. */
export interface ScriptedRule {
  readonly hits: number;
  readonly spent: boolean;
}

export interface MockGemini {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** Every request, oldest first (including rejected ones). */
  readonly requests: readonly RecordedRequest[];
  /** Adds a rule; the first live rule that matches a request decides its answer. */
  script(rule: Rule): ScriptedRule;
  /** Turns on random faults for generate calls that no rule answers (replacing earlier ones);
   * see FaultOptions. */
  injectFaults(options: FaultOptions): FaultInjector;
  /** Forgets all rules, faults and recorded requests. */
  reset(): void;
  /** Stops listening and cuts every open connection (stalled streams included). */
  close(): Promise<void>;
}

export interface MockGeminiOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Keys accepted besides Google-shaped ones: a key.txt line of another shape, which Google
   * serves and echoes in full in its leaked-key 403 like any other. */
  extraKeys?: readonly string[];
}

// ---- random faults (soak tests) ----

/** The faults the mock can inject at random into generateContent / streamGenerateContent. */
export type FaultName =
  /** 429 per-minute quota with a short retryDelay; the (key, model) then refuses for that long. */
  | 'perMinute'
  /** 429 per-day quota; the (key, model) then refuses for the rest of the mock's life. */
  | 'perDay'
  /** 503 UNAVAILABLE "The model is overloaded." */
  | 'overloaded'
  /** The socket is destroyed before any byte of the answer. */
  | 'dropBeforeFirstByte'
  /** 200 with an empty body (a stream with zero events). */
  | 'emptyStream'
  /** 200 whose chunks (or body) have `candidates: []`. */
  | 'noCandidates'
  /** Stream events without the `data: ` prefix; a non-JSON 200 body for generateContent. */
  | 'noDataPrefix'
  /** The connection dies after the first event (half the body for generateContent). */
  | 'dropMidStream'
  /** Every event after `trickleMs` of silence (the first byte after it, for generateContent). */
  | 'slowTrickle';

export interface FaultOptions {
  /** Probability of each fault per request, in [0, 1]; their sum at most 1. */
  rates: Partial<Record<FaultName, number>>;
  /** Seed of the dice (default 1): the same seed and request order give the same faults. */
  seed?: number;
  /** The retryDelay of injected per-minute 429s, in ms (default 2000). */
  retryDelayMs?: number;
  /** How many (key, model) pairs a per-day 429 may spend at most (default: no limit); a roll
   * beyond it answers normally. */
  maxSpentKeys?: number;
  /** The pause of 'slowTrickle', in ms (default 1000). */
  trickleMs?: number;
}

/** A live view of the injected faults, and of which keys the mock would have let through. */
export interface FaultInjector {
  /** Injected faults so far, by name (refusals of a cooling key count as perMinute/perDay). */
  readonly counts: Readonly<Record<FaultName, number>>;
  /** Generate requests that reached the dice (passed every check, no rule answered them). */
  readonly rolled: number;
  /** Of `keys`, those the mock would not have refused by quota for `model` at time `at` (ms since
   * the epoch, default now): not inside a per-minute cooldown, not spent for the day. */
  healthyKeys(keys: readonly string[], model: string, at?: number): string[];
  /** Every generate call the dice saw, oldest first (the last 200,000): when, which request, and
   * the fault it got (none: answered normally). A soak joins it to its own requests. */
  readonly journal: readonly FaultEvent[];
}

export interface FaultEvent {
  /** ms since the epoch */
  at: number;
  request: RecordedRequest;
  model: string;
  fault?: FaultName;
  /** The key was refused by quota state an earlier fault left (not a new roll). */
  refused?: boolean;
}
