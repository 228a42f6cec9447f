// generateContent and streamGenerateContent: semantic checks, then the scripted or default
// answer, whole or as a stream.
import { randomBytes } from 'node:crypto';
import type { Gemini } from '@opengemini/shared';
import { defaultBehaviour, streamChunks, wholeAnswer, type AnswerContext } from './answers';
import { behaviourError } from './errors';
import { camelKeys } from './fields';
import type { ModelInfo } from './models';
import { sendBody, sendError, sendHalfThenDrop, writeHead, type Exchange } from './respond';
import { isContentBehaviour, type RuleBook } from './rules';
import { prelude, sendNonContent } from './scripted';
import { checkGenerateRequest } from './semantic';
import { writeStream } from './stream-writer';

/** Gemini's response ids are 23 URL-safe base64 characters. */
const newResponseId = (): string => randomBytes(17).toString('base64url');

export async function handleGenerate(ex: Exchange, model: ModelInfo, body: unknown, rules: RuleBook): Promise<void> {
  const id = model.name.slice('models/'.length);
  const problem = checkGenerateRequest(id, body);
  if (problem) return sendError(ex, problem);

  const decision = rules.decide(ex.record) ?? rules.faults?.decide(ex.record, id);
  if (decision && !(await prelude(ex, decision.rule))) return;
  const scripted = decision?.behaviour;
  if (scripted && sendNonContent(ex, scripted, id)) return;

  const request = camelKeys<Gemini.GenerateContentRequest>(body);
  const behaviour = scripted && isContentBehaviour(scripted) ? scripted : defaultBehaviour(request, model.thinking === true);
  const ctx: AnswerContext = { model: id, request, responseId: newResponseId() };
  const shape = decision?.rule.stream ?? {};
  if (ex.record.action === 'generateContent') {
    const answer = wholeAnswer(behaviour, ctx);
    return shape.drop ? sendHalfThenDrop(ex, answer) : sendBody(ex, 200, answer);
  }

  await writeStream(ex.res, {
    events: streamChunks(behaviour, ctx),
    mode: ex.url.searchParams.get('alt') === 'sse' ? 'sse' : 'json',
    shape,
    ...(shape.errorAfter && { errorBody: behaviourError(shape.errorAfter.error, { key: ex.record.key, model: id }).body }),
    signal: ex.signal,
    head: (status, headers) => writeHead(ex, status, headers),
  });
}
