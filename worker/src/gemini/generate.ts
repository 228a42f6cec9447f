// One generation, the same for every dialect: call Gemini (streamed or not), make sure what came
// back is an answer before the client's status is sent (answer.ts), then hand it to the
// dialect's converter: its stream converter for a stream, its answer mapper otherwise.
import type { Gemini } from '@opengemini/shared';
import { SSE_HEADERS, json } from '../http';
import { type StreamConverter, type StreamTiming, convertSse } from '../sse-stream';
import { confirmStream, readAnswer } from './answer';
import { keptBodyJson } from './body-json';
import { callGemini, type GeminiTarget, modelPath } from './client';
import type { GeminiRequest } from './request';

/** What the dialect makes of Gemini's answer. */
type AnswerShape =
  /** A stream: Gemini's events through the dialect's converter, with keep-alives per `timing`. */
  | { stream: StreamConverter; timing?: StreamTiming | undefined }
  /** One answer: generateContent's body mapped to the dialect's JSON (a JsonText when the dialect
   * writes the text itself). */
  | { answer: (res: Gemini.GenerateContentResponse) => unknown };

/**
 * Calls Gemini and answers the client in its dialect. `explain` rewrites Gemini's refusal of the
 * call (an error status, before any answer) in the dialect's terms, e.g. a model that has no
 * logprobs; errors after that (a 200 that is not an answer) are left as they are.
 */
export async function generate(target: GeminiTarget, { model, body }: GeminiRequest, shape: AnswerShape, explain?: (err: unknown) => unknown): Promise<Response> {
  const streamed = 'stream' in shape;
  const path = `${modelPath(model)}:${streamed ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
  let res: Response;
  try {
    // A kept tool list's JSON is written once, not with every request (body-json.ts).
    res = await callGemini(target, path, { body: keptBodyJson(body) ?? body });
  } catch (err) {
    throw explain ? explain(err) : err;
  }
  if (!streamed) return json(shape.answer(await readAnswer(res)));
  const answer = await confirmStream(res.body ?? new ReadableStream());
  return new Response(convertSse(answer, shape.stream, shape.timing), { status: 200, headers: SSE_HEADERS });
}
