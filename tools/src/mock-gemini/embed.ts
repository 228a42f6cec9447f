// embedContent and batchEmbedContents: Google's batch limits and model checks, then scripted
// errors or deterministic vectors.
import { contentText, embed } from './embeddings';
import { invalidArgument, type GeminiError } from './errors';
import { field, list } from './fields';
import { embeddingDimensions, type ModelInfo } from './models';
import { sendBody, sendError, type Exchange } from './respond';
import type { RuleBook } from './rules';
import { prelude, sendNonContent } from './scripted';

/** Google's batch limit for batchEmbedContents. */
export const MAX_BATCH = 100;

function vector(id: string, request: unknown): { values: number[] } {
  const wanted = Number(field(request, 'outputDimensionality') ?? 0);
  const max = embeddingDimensions(id);
  const size = wanted > 0 ? Math.min(wanted, max) : max;
  return { values: embed(contentText(field(request, 'content') as never), id, size) };
}

function checkContent(prefix: string, request: unknown): string | undefined {
  const content = field(request, 'content');
  if (content === undefined) return `* ${prefix}.content: content is not specified\n`;
  if (list(field(content, 'parts')).length === 0) return `* ${prefix}.content.parts: contents.parts must not be empty.\n`;
  return undefined;
}

function checkBatch(id: string, body: unknown): GeminiError | undefined {
  const requests = list(field(body, 'requests'));
  if (requests.length === 0) return invalidArgument('* BatchEmbedContentsRequest.requests: requests is not specified\n');
  if (requests.length > MAX_BATCH) return invalidArgument('* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n');
  const out: string[] = [];
  requests.forEach((r, i) => {
    const prefix = `BatchEmbedContentsRequest.requests[${i}]`;
    const model = field(r, 'model');
    if (typeof model !== 'string' || !model.startsWith('models/')) out.push(`* ${prefix}.model: unexpected model name format\n`);
    // Wording not on record; every request of a batch must name the URL's model.
    else if (model !== `models/${id}`) out.push(`* ${prefix}.model: the model in the request must match the model in the URL (models/${id})\n`);
    const problem = checkContent(prefix, r);
    if (problem) out.push(problem);
  });
  return out.length > 0 ? invalidArgument(out.join('')) : undefined;
}

export async function handleEmbed(ex: Exchange, model: ModelInfo, body: unknown, rules: RuleBook): Promise<void> {
  const id = model.name.slice('models/'.length);
  const batch = ex.record.action === 'batchEmbedContents';
  const problem = batch ? checkBatch(id, body) : checkContent('EmbedContentRequest', body);
  if (problem) return sendError(ex, typeof problem === 'string' ? invalidArgument(problem) : problem);

  const decision = rules.decide(ex.record);
  if (decision && !(await prelude(ex, decision.rule))) return;
  if (decision && sendNonContent(ex, decision.behaviour, id)) return;

  if (batch) sendBody(ex, 200, { embeddings: list(field(body, 'requests')).map((r) => vector(id, r)) });
  else sendBody(ex, 200, { embedding: vector(id, body) });
}
