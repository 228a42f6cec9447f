// A deterministic stand-in for Gemini's tokenizer: about four characters per token, which is
// Google's own rule of thumb for English text. Good enough for usage numbers that tests assert.
import type { Gemini } from '@opengemini/shared';

/** Tokens in a piece of text: ceil(length / 4), at least 1 for non-empty text. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

function partChars(part: Gemini.Part): number {
  let n = part.text?.length ?? 0;
  if (part.functionCall) n += (part.functionCall.name?.length ?? 0) + JSON.stringify(part.functionCall.args ?? {}).length;
  if (part.functionResponse) n += (part.functionResponse.name?.length ?? 0) + JSON.stringify(part.functionResponse.response ?? {}).length;
  // An image or file costs a flat 258 tokens in Gemini; count it as that many characters x4.
  if (part.inlineData || part.fileData) n += 258 * 4;
  return n;
}

function contentChars(content: Gemini.Content | undefined): number {
  let n = 0;
  for (const part of content?.parts ?? []) n += partChars(part);
  return n;
}

/** The prompt tokens of a generate request: contents, system instruction and tool declarations. */
export function promptTokens(request: Gemini.GenerateContentRequest): number {
  let chars = contentChars(request.systemInstruction);
  for (const c of request.contents ?? []) chars += contentChars(c);
  if (request.tools) chars += JSON.stringify(request.tools).length;
  return Math.max(1, Math.ceil(chars / 4));
}

/** The tokens countTokens reports for `{contents}` or `{generateContentRequest}`. */
export function countRequestTokens(request: Gemini.CountTokensRequest): number {
  if (request.generateContentRequest) return promptTokens(request.generateContentRequest);
  return promptTokens({ contents: request.contents ?? [] });
}
