// Gemini thought signatures in a Responses reasoning item's `encrypted_content`.
//
// Codex sends `store: false` and `include: ["reasoning.encrypted_content"]`, keeps the reasoning
// items of each answer and sends them back, in order, with the next request: exactly what Gemini 3
// needs for its thought signatures. The signature also rides in the call id (gemini/signatures.ts),
// so clients that drop reasoning items keep working; the reasoning item is the documented carrier.
//
// Our encrypted_content is marked, so a blob from OpenAI itself (a conversation begun on a GPT
// model) is recognised as foreign and never sent to Gemini as a signature (a certain 400).

const PREFIX = 'gemini-thought-signature:';

export function encryptedContent(signature: string): string {
  return PREFIX + signature;
}

/** The signature inside our own encrypted_content; undefined for anything else. */
export function signatureFrom(encrypted: string | null | undefined): string | undefined {
  if (typeof encrypted !== 'string' || !encrypted.startsWith(PREFIX) || encrypted.length === PREFIX.length) return undefined;
  return encrypted.slice(PREFIX.length);
}
