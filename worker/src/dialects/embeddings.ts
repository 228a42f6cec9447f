// POST /v1/embeddings -> batchEmbedContents, 100 inputs per upstream call, joined in order.
import type { Gemini, OpenAI } from '@opengemini/shared';
import { readJsonBody } from '../body';
import { badRequest, unsupported } from '../errors';
import { callGemini, type GeminiTarget, modelPath, readJson } from '../gemini/client';
import { json } from '../http';
import { bytesToBase64 } from '../base64';

/** Gemini's limit per batchEmbedContents call. */
export const EMBED_BATCH = 100;
/** OpenAI embedding model names mapped onto Gemini's current embedding model. */
const OPENAI_EMBEDDING_MODELS = new Set(['text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002']);
export const DEFAULT_EMBEDDING_MODEL = 'gemini-embedding-001';

export interface EmbeddingCall {
  model: string;
  inputs: string[];
  dimensions?: number;
  base64: boolean;
}

/** Validates an OpenAI embeddings body (pure). */
export function parseEmbeddingRequest(body: unknown): EmbeddingCall {
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || !b.model) throw badRequest('`model` is required and must be a string.', 'model');
  const rawModel = b.model.replace(/^models\//, '');
  const model = OPENAI_EMBEDDING_MODELS.has(rawModel) ? DEFAULT_EMBEDDING_MODEL : rawModel;
  const input = b.input;
  let inputs: string[];
  if (typeof input === 'string') inputs = [input];
  else if (Array.isArray(input) && input.every((s) => typeof s === 'string')) inputs = input as string[];
  else if (Array.isArray(input) && input.length > 0 && input.every((s) => typeof s === 'number' || Array.isArray(s))) {
    throw unsupported('Token-array input is not supported by Gemini embeddings; send text.', 'input');
  } else throw badRequest('`input` must be a string or an array of strings.', 'input');
  if (inputs.length === 0) throw badRequest('`input` must not be empty.', 'input');
  const empty = inputs.findIndex((s) => s.length === 0);
  if (empty >= 0) throw badRequest(`input[${empty}] is an empty string.`, `input[${empty}]`);
  const call: EmbeddingCall = { model, inputs, base64: false };
  if (b.dimensions !== undefined && b.dimensions !== null) {
    if (!Number.isInteger(b.dimensions) || (b.dimensions as number) < 1) throw badRequest('`dimensions` must be a positive integer.', 'dimensions');
    call.dimensions = b.dimensions as number;
  }
  if (b.encoding_format !== undefined && b.encoding_format !== null) {
    if (b.encoding_format !== 'float' && b.encoding_format !== 'base64') {
      throw badRequest("`encoding_format` must be 'float' or 'base64'.", 'encoding_format');
    }
    call.base64 = b.encoding_format === 'base64';
  }
  return call;
}

export function toBatchRequests(call: EmbeddingCall): Gemini.BatchEmbedContentsRequest[] {
  const batches: Gemini.BatchEmbedContentsRequest[] = [];
  for (let i = 0; i < call.inputs.length; i += EMBED_BATCH) {
    batches.push({
      requests: call.inputs.slice(i, i + EMBED_BATCH).map((text) => ({
        model: modelPath(call.model),
        content: { parts: [{ text }] },
        ...(call.dimensions ? { outputDimensionality: call.dimensions } : {}),
      })),
    });
  }
  return batches;
}

/** OpenAI's base64 embeddings are little-endian float32 arrays, standard base64. */
export function floatsToBase64(values: number[]): string {
  const f32 = new Float32Array(values);
  return bytesToBase64(new Uint8Array(f32.buffer));
}

/** Gemini's batch API reports no token counts; OpenAI's shape requires them: ~4 chars a token. */
export function estimateTokens(inputs: string[]): number {
  let chars = 0;
  for (const s of inputs) chars += s.length;
  return Math.ceil(chars / 4);
}

export function toEmbeddingResponse(call: EmbeddingCall, results: Gemini.BatchEmbedContentsResponse[]): OpenAI.EmbeddingResponse {
  const data: OpenAI.Embedding[] = [];
  for (const r of results) {
    for (const e of r.embeddings ?? []) {
      const values = e.values ?? [];
      data.push({ object: 'embedding', index: data.length, embedding: call.base64 ? floatsToBase64(values) : values });
    }
  }
  const tokens = estimateTokens(call.inputs);
  return { object: 'list', data, model: call.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

export async function handleEmbeddings(request: Request, target: GeminiTarget): Promise<Response> {
  const call = parseEmbeddingRequest(await readJsonBody(request));
  const results = await Promise.all(
    toBatchRequests(call).map(async (batch) =>
      readJson<Gemini.BatchEmbedContentsResponse>(await callGemini(target, `${modelPath(call.model)}:batchEmbedContents`, { body: batch })),
    ),
  );
  return json(toEmbeddingResponse(call, results));
}
