// Gemini 3 thought signatures through clients that know nothing of them.
//
// Gemini 3 returns a `thoughtSignature` beside the first functionCall of each step and answers
// 400 ("Function call is missing a thought_signature") when the next request does not send it
// back. Clients keep only the tool call's `id`, so the signature (and Gemini's own
// functionCall.id, when it issued one) rides inside the id we hand out, whatever the dialect's
// prefix (`call_` for OpenAI, `toolu_` for Anthropic):
//
//   call_<nonce>                         nothing to carry
//   call_<nonce>_<base64url(id \n sig)>  Gemini's call id (may be empty) and the signature
//
// The id stays within [A-Za-z0-9_-], which every client we know accepts. History the model did
// not produce (another model, a client-written example) gets Google's documented placeholder.

import { fromBase64Url, textToBase64Url } from '../base64';

export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

const NONCE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function nonce(length = 24): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += NONCE_CHARS[b % NONCE_CHARS.length];
  return out;
}

export interface CarriedCall {
  /** Gemini's functionCall.id, sent back only when Gemini issued one. */
  geminiId?: string;
  /** Gemini's thoughtSignature (standard base64, as on the wire). */
  signature?: string;
}

/** The prefixes of the ids we mint: OpenAI's `call_`, Anthropic's `toolu_`. */
export type CallIdPrefix = 'call_' | 'toolu_';

export function encodeToolCallId(carried: CarriedCall, makeNonce: () => string = () => nonce(16), prefix: CallIdPrefix = 'call_'): string {
  const base = `${prefix}${makeNonce()}`;
  if (!carried.geminiId && !carried.signature) return base;
  const payload = `${carried.geminiId ?? ''}\n${carried.signature ?? ''}`;
  return `${base}_${textToBase64Url(payload)}`;
}

/** Reads back what encodeToolCallId carried; ids from elsewhere carry nothing. Never throws. */
export function decodeToolCallId(id: string | undefined): CarriedCall {
  const prefix = id?.startsWith('call_') ? 5 : id?.startsWith('toolu_') ? 6 : 0;
  if (!id || prefix === 0) return {};
  const sep = id.indexOf('_', prefix);
  if (sep < 0) return {};
  try {
    const payload = new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(id.slice(sep + 1)));
    const nl = payload.indexOf('\n');
    if (nl < 0) return {};
    const out: CarriedCall = {};
    const geminiId = payload.slice(0, nl);
    const signature = payload.slice(nl + 1);
    if (geminiId) out.geminiId = geminiId;
    if (signature) out.signature = signature;
    return out;
  } catch {
    return {};
  }
}

/**
 * A signature carried in a field the client echoes back verbatim (Anthropic's thinking
 * `signature`, a Responses reasoning item's `encrypted_content`). Marked, so a value the client's
 * own provider wrote there (history begun on Claude or a GPT model) is recognised as foreign and
 * never sent to Gemini, where it would be a certain 400. One mark for every dialect.
 */
const CARRIED_SIGNATURE_MARK = 'gemini-thought-signature:';

/** The carrier value for a Gemini signature (the bare mark when Gemini gave none). */
export function carrySignature(signature: string | undefined): string {
  return CARRIED_SIGNATURE_MARK + (signature ?? '');
}

/** The Gemini signature inside a carrier value of ours; undefined for anything else or an empty one. */
export function carriedSignature(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith(CARRIED_SIGNATURE_MARK)) return undefined;
  return value.slice(CARRIED_SIGNATURE_MARK.length) || undefined;
}
