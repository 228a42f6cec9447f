// @opengemini/shared: imported by both tiers. No I/O here.
// Wire types are namespaced (OpenAI.ChatMessage, Gemini.Part): both APIs use names like ToolCall.
export * from './contract';
export * from './keys';
export * from './limits';
export { parseDuration } from './duration';
export { nextPacificMidnight, pacificDay } from './pacific-day';
export type * as OpenAI from './openai';
export type * as Gemini from './gemini';
// Anthropic Messages (Claude Code): wire types and the error envelope both tiers render.
export type * as Anthropic from './anthropic';
export { anthropicErrorBody, anthropicErrorType } from './envelopes/anthropic';
