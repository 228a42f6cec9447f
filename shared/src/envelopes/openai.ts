// OpenAI's error envelope, for both tiers: {"error":{"message","type","param","code"}}. The
// OpenAI SDKs pick their exception class by the HTTP status and show `error.message`.
import type { ErrorType } from '../errors';
import { scrubKeys } from '../key-scrubber';

export interface OpenAIErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** OpenAI's error envelope; the message is scrubbed of keys here, at the last moment. */
export function openaiErrorEnvelope(e: { message: string; type: ErrorType | string; param?: string | null | undefined; code: string | null }): OpenAIErrorEnvelope {
  return { error: { message: scrubKeys(e.message), type: e.type, param: e.param ?? null, code: e.code } };
}
