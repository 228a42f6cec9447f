// @opengemini/shared: imported by both tiers. No I/O here.
// Wire types are namespaced (OpenAI.ChatMessage, Gemini.Part): both APIs use names like ToolCall.
export * from './contract';
export * from './bytes';
export * from './keys';
export * from './key-scrubber';
export * from './model-name';
export * from './limits';
export * from './errors';
// Error envelopes per client dialect (envelopes/openai.ts, envelopes/google.ts; Anthropic's beside them).
export * from './envelopes/openai';
export * from './envelopes/google';
export * from './http-headers';
export * from './native';
export * from './models';
export * from './usage';
export { parseDuration } from './duration';
export { nextPacificMidnight, pacificDay } from './pacific-day';
export type * as OpenAI from './openai';
export type * as Gemini from './gemini';
// Anthropic Messages (Claude Code): wire types and the error envelope both tiers render.
export type * as Anthropic from './anthropic';
export { anthropicErrorBody, anthropicErrorEnvelope, anthropicErrorType } from './envelopes/anthropic';
