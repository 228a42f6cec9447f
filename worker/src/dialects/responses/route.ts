// POST /v1/responses: OpenAI Responses request -> Gemini -> Response object or event stream.
// POST /v1/responses/input_tokens: the same request -> Gemini countTokens.
// Stateless: nothing is stored, so the retrieval endpoints answer 404 (errors.ts).
import type { Gemini } from '@opengemini/shared';
import { readJsonBody } from '../../body';
import { fetchRequestMedia } from '../../media';
import { callGemini, type GeminiTarget, modelPath, readJson } from '../../gemini/client';
import { generate } from '../../gemini/generate';
import { json } from '../../http';
import { JsonText } from '../../json-text';
import type { StreamTiming } from '../../sse-stream';
import { responsesLogprobsRefused } from './errors';
import { remoteMediaRefs, toGeminiBody } from './request';
import { type ResponseContext, responseIds, toResponseJson } from './response';
import { ResponsesStreamConverter } from './stream';
import type { ResponsesRequest } from './types';
import { parseResponsesRequest } from './validate';

export async function handleResponses(request: Request, target: GeminiTarget, timing: StreamTiming = {}): Promise<Response> {
  const req = parseResponsesRequest(await readJsonBody(request));
  const gemini = await geminiRequest(req, target);
  const ids = responseIds();
  // Written out rather than spread from `ids`: in V8 a spread into a literal costs more than the
  // rest of the context together.
  const ctx: ResponseContext = {
    id: ids.id,
    itemId: ids.itemId,
    mintId: ids.mintId,
    createdAt: Math.floor(Date.now() / 1000),
    req,
    toolNames: gemini.toolNames,
    knownTools: gemini.knownTools,
    includeEncrypted: req.include?.includes('reasoning.encrypted_content') === true,
  };
  const shape = req.stream ? { stream: new ResponsesStreamConverter(ctx), timing } : { answer: (res: Gemini.GenerateContentResponse) => new JsonText(toResponseJson(res, ctx)) };
  return generate(target, gemini, shape, (err) => responsesLogprobsRefused(err, req));
}

/** Counts what the same request would send: contents, system instruction and tools. */
export async function handleInputTokens(request: Request, target: GeminiTarget): Promise<Response> {
  const req = parseResponsesRequest(await readJsonBody(request));
  const { model, body } = await geminiRequest(req, target);
  const inner: Gemini.GenerateContentRequest & { model: string } = { model: modelPath(model), contents: body.contents ?? [] };
  if (body.systemInstruction) inner.systemInstruction = body.systemInstruction;
  if (body.tools) inner.tools = body.tools;
  const res = await callGemini(target, `${modelPath(model)}:countTokens`, { body: { generateContentRequest: inner } });
  const counted = await readJson<{ totalTokens?: number }>(res);
  return json({ object: 'response.input_tokens', input_tokens: typeof counted.totalTokens === 'number' ? counted.totalTokens : 0 });
}

/** The Gemini request, remote media fetched first (its errors name the input, not a chat field). */
async function geminiRequest(req: ResponsesRequest, target: GeminiTarget) {
  return toGeminiBody(req, await fetchRequestMedia(remoteMediaRefs(req), target));
}
