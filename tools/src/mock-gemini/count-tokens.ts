// countTokens: for `{contents}` or `{generateContentRequest}` (which must name its model).
import type { Gemini } from '@opengemini/shared';
import { invalidArgument } from './errors';
import { camelKeys, field, list } from './fields';
import type { ModelInfo } from './models';
import { sendBody, sendError, type Exchange } from './respond';
import type { RuleBook } from './rules';
import { prelude, sendNonContent } from './scripted';
import { checkContents } from './semantic';
import { countRequestTokens } from './tokens';

export async function handleCountTokens(ex: Exchange, model: ModelInfo, body: unknown, rules: RuleBook): Promise<void> {
  const inner = field(body, 'generateContentRequest');
  if (inner !== undefined) {
    const name = field(inner, 'model');
    if (typeof name !== 'string' || !name.startsWith('models/')) {
      return sendError(ex, invalidArgument('* CountTokensRequest.generate_content_request.model: unexpected model name format\n'));
    }
  }
  const problem = checkContents('CountTokensRequest', list(field(inner ?? body, 'contents')), inner ? 'generate_content_request.contents' : 'contents');
  if (problem) return sendError(ex, problem);

  const decision = rules.decide(ex.record);
  if (decision && !(await prelude(ex, decision.rule))) return;
  if (decision && sendNonContent(ex, decision.behaviour, model.name.slice('models/'.length))) return;

  const totalTokens = countRequestTokens(camelKeys<Gemini.CountTokensRequest>(body));
  sendBody(ex, 200, { totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] });
}
