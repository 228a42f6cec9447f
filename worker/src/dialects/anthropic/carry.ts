// Gemini 3 thought signatures through Claude Code's history. Claude Code sends back, untouched,
// the tool_use ids and the thinking blocks (with their `signature`) it was given, so both carry
// what Gemini needs on the next turn:
//   tool_use.id          toolu_<nonce>[_<base64url(Gemini call id \n signature)>] (gemini/signatures.ts):
//                        the signature of that call, which Gemini 3 requires back
//   thinking.signature   the signature Gemini gave beside the turn's text or thoughts, marked
//                        (gemini/signatures.ts carrySignature); an unmarked one is Anthropic's own
//                        (history from Claude) and is not sent to Gemini
import { type CarriedCall, encodeToolCallId } from '../../gemini/signatures';

/** Mints a tool_use id carrying Gemini's call id and signature (tests pin the nonce). */
export type ToolUseIdMinter = (carried: CarriedCall) => string;

export const toolUseId: ToolUseIdMinter = (carried) => {
  const c: CarriedCall = {};
  if (carried.geminiId) c.geminiId = carried.geminiId;
  if (carried.signature) c.signature = carried.signature;
  return encodeToolCallId(c, undefined, 'toolu_');
};
