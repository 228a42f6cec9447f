// POST /v1/chat/completions: OpenAI request -> Gemini -> OpenAI response or SSE stream.
import { readJsonBody } from '../../body';
import { logprobsRefused } from '../../errors';
import { confirmStream, readAnswer } from '../../gemini/answer';
import { callGemini, type GeminiTarget, modelPath } from '../../gemini/client';
import { SSE_HEADERS, json } from '../../http';
import { fetchRemoteMedia } from '../../media';
import { collectRemoteMedia } from './media';
import { toGeminiRequest } from './request';
import { toChatCompletion } from './response';
import { nonce } from '../../gemini/signatures';
import { convertSse } from '../../sse-stream';
import { ChatStreamConverter } from './stream';
import { parseChatRequest } from './validate';

export interface ChatOptions {
  /** Passed to the stream converter; undefined keeps its default. */
  keepAliveMs?: number | undefined;
}

export async function handleChat(request: Request, target: GeminiTarget, options: ChatOptions = {}): Promise<Response> {
  const req = parseChatRequest(await readJsonBody(request));
  const remote = collectRemoteMedia(req);
  const media = remote.length > 0 ? await fetchRemoteMedia(remote, target.mediaFetch ?? target.fetch) : undefined;
  const { model, body } = toGeminiRequest(req, media);
  const ctx = { id: `chatcmpl-${nonce(24)}`, created: Math.floor(Date.now() / 1000), model: req.model, oneCallPerTurn: req.parallel_tool_calls === false };

  // A model that does not return logprobs: Gemini's 400 told in this dialect's terms.
  const refused = (err: unknown) => Promise.reject(req.logprobs === true ? logprobsRefused(err, req.model, 'logprobs', '`logprobs`') : err);
  if (req.stream) {
    const res = await callGemini(target, `${modelPath(model)}:streamGenerateContent?alt=sse`, { body }).catch(refused);
    const answer = await confirmStream(res.body ?? new ReadableStream());
    const converter = new ChatStreamConverter({ ...ctx, includeUsage: req.stream_options?.include_usage === true });
    return new Response(convertSse(answer, converter, options), { status: 200, headers: SSE_HEADERS });
  }
  const res = await callGemini(target, `${modelPath(model)}:generateContent`, { body }).catch(refused);
  return json(toChatCompletion(await readAnswer(res), ctx));
}
