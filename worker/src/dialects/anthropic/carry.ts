// Gemini 3 thought signatures through Claude Code's history. Claude Code sends back, untouched,
// the tool_use ids and the thinking blocks (with their `signature`) it was given, so both carry
// what Gemini needs on the next turn:
//   tool_use.id          toolu_<nonce>[_<base64url(Gemini call id \n signature)>] (gemini/signatures.ts):
//                        the signature of that call, which Gemini 3 requires back
//   thinking.signature   `gemini:` + the signature Gemini gave beside the turn's text or thoughts
//                        (optional for Gemini, kept when it comes); a signature without the
//                        prefix is Anthropic's own (history from Claude) and is not sent to Gemini
import { type CarriedCall, encodeToolCallId } from '../../gemini/signatures';

const THINKING_PREFIX = 'gemini:';

/** Mints a tool_use id carrying Gemini's call id and signature (tests pin the nonce). */
export type ToolUseIdMinter = (carried: CarriedCall) => string;

export const toolUseId: ToolUseIdMinter = (carried) => {
  const c: CarriedCall = {};
  if (carried.geminiId) c.geminiId = carried.geminiId;
  if (carried.signature) c.signature = carried.signature;
  return encodeToolCallId(c, undefined, 'toolu_');
};

export function thinkingSignature(geminiSignature: string | undefined): string {
  return THINKING_PREFIX + (geminiSignature ?? '');
}

/** The Gemini signature a thinking block carries, if it is one of ours and holds one. */
export function readThinkingSignature(signature: unknown): string | undefined {
  if (typeof signature !== 'string' || !signature.startsWith(THINKING_PREFIX)) return undefined;
  return signature.slice(THINKING_PREFIX.length) || undefined;
}
