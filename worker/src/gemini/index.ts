// The Gemini core: everything that speaks Gemini, and no client format. Every dialect
// (dialects/openai-chat, dialects/anthropic, dialects/responses...) goes through it.
//
// How a dialect plugs in: four small files and a route.
//
//   request.ts    the client's request (validated) -> a neutral Conversation (conversation.ts):
//                 system texts, turns of text / media / call / result parts, tools (JSON Schema
//                 parameters as the client sent them), a tool choice, generation options
//                 (sampling, JSON output, a ThinkingRequest). Tool call ids: mint them with
//                 signatures.ts (encodeToolCallId with the dialect's prefix) so Gemini 3's thought
//                 signatures come back; read them with decodeToolCallId. Pair results with calls
//                 through a CallLedger (calls.ts). Then toGenerateContent() gives the body: turn
//                 merging, system rules, signature placeholders, schemas, thinking by family and
//                 safety settings are done there, once for everyone.
//   response.ts   generateContent's answer -> the client's answer: readParts() (parts.ts) gives
//                 text / thought / calls segments, finishCategory() (finish.ts) why it ended,
//                 readUsage() (usage.ts) what it cost, blockedPromptMessage() a blocked prompt.
//   stream.ts     a StreamEncoder (../sse-stream.ts): neutral StreamEvents (stream.ts: start, text,
//                 calls, finish, blocked, end, error) -> the dialect's SSE text, and its keep-alive
//                 frame. createSseStream(new StreamConverter(encoder), timing) is the stream pair
//                 to pipe Gemini's body through; reading Gemini's SSE (and its fast path) is done.
//   errors.ts     an ApiError (../errors.ts, labelled with the tier contract's fault) -> the
//                 dialect's error envelope, with the contract header (faultHeaders in ../http.ts)
//                 so the pool can act on it.
//   route         in handler.ts: read the body (../body.ts), call Gemini with client.ts
//                 (callGemini, modelPath, readJson), answer JSON or the SSE stream.
export type { CallPart, Conversation, Effort, GenerationOptions, MediaPart, Part, ResultPart, TextPart, ThinkingRequest, Tool, ToolChoice, Turn } from './conversation';
export { type GeminiRequest, DEFAULT_SAFETY_SETTINGS, toGenerateContent } from './request';
export { CallLedger, resultResponse } from './calls';
export { CallAllowance, type Citation, type OutputCall, type Segment, blockedPromptMessage, groundingCitations, partText, readParts } from './parts';
export { type FinishCategory, finishCategory } from './finish';
export { type TokenCounts, readUsage } from './usage';
export { GeminiStreamReader, type StreamEvent, type TextEvent } from './stream';
export { SKIP_SIGNATURE, type CallIdPrefix, type CarriedCall, decodeToolCallId, encodeToolCallId, nonce } from './signatures';
export { type GeminiTarget, callGemini, modelPath, readJson } from './client';
export { budgetRange } from './thinking';
