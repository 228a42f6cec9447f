// POST /v1/chat/completions: OpenAI request -> Gemini -> OpenAI response or SSE stream.
import { readJsonBody } from '../../body';
import { callGemini, type GeminiTarget, modelPath, readJson } from '../../gemini/client';
import { SSE_HEADERS, json } from '../../http';
import type { Gemini } from '@opengemini/shared';
import { collectRemoteMedia, fetchRemoteMedia } from '../../chat/media';
import { toGeminiRequest } from './request';
import { toChatCompletion } from './response';
import { nonce } from '../../gemini/signatures';
import { createChatStream } from './stream';
import { parseChatRequest } from './validate';

export interface ChatOptions {
  /** Passed to the stream converter; undefined keeps its default. */
  keepAliveMs?: number | undefined;
}

export async function handleChat(request: Request, target: GeminiTarget, options: ChatOptions = {}): Promise<Response> {
  const req = parseChatRequest(await readJsonBody(request));
  const urls = collectRemoteMedia(req);
  const media = urls.length > 0 ? await fetchRemoteMedia(urls, target.fetch) : undefined;
  const { model, body } = toGeminiRequest(req, media);
  const ctx = { id: `chatcmpl-${nonce(24)}`, created: Math.floor(Date.now() / 1000), model: req.model };

  if (req.stream) {
    const res = await callGemini(target, `${modelPath(model)}:streamGenerateContent?alt=sse`, { body });
    const stream = createChatStream({
      ...ctx,
      includeUsage: req.stream_options?.include_usage === true,
      ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
    });
    return new Response(res.body!.pipeThrough(stream), { status: 200, headers: SSE_HEADERS });
  }
  const res = await callGemini(target, `${modelPath(model)}:generateContent`, { body });
  return json(toChatCompletion(await readJson<Gemini.GenerateContentResponse>(res), ctx));
}
