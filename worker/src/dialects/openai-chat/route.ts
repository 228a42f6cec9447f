// POST /v1/chat/completions: OpenAI request -> Gemini -> OpenAI response or SSE stream.
import type { Gemini } from '@opengemini/shared';
import { readJsonBody } from '../../body';
import { logprobsRefused } from '../../errors';
import type { GeminiTarget } from '../../gemini/client';
import { generate } from '../../gemini/generate';
import { fetchRequestMedia } from '../../media';
import { collectRemoteMedia } from './media';
import { toGeminiRequest } from './request';
import { toChatCompletion } from './response';
import { nonce } from '../../gemini/signatures';
import type { StreamTiming } from '../../sse-stream';
import { ChatStreamConverter } from './stream';
import { parseChatRequest } from './validate';

export async function handleChat(request: Request, target: GeminiTarget, timing: StreamTiming = {}): Promise<Response> {
  const req = parseChatRequest(await readJsonBody(request));
  const gemini = toGeminiRequest(req, await fetchRequestMedia(collectRemoteMedia(req), target));
  const ctx = { id: `chatcmpl-${nonce(24)}`, created: Math.floor(Date.now() / 1000), model: req.model, oneCallPerTurn: req.parallel_tool_calls === false };

  // A model that does not return logprobs: Gemini's 400 told in this dialect's terms.
  const refused = (err: unknown) => (req.logprobs === true ? logprobsRefused(err, req.model, 'logprobs', '`logprobs`') : err);
  const shape = req.stream
    ? { stream: new ChatStreamConverter({ ...ctx, includeUsage: req.stream_options?.include_usage === true }), timing }
    : { answer: (res: Gemini.GenerateContentResponse) => toChatCompletion(res, ctx) };
  return generate(target, gemini, shape, refused);
}
