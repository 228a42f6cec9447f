// GET /v1beta/models (paginated: pageSize default 50, at most 1000; pageToken/nextPageToken)
// and GET /v1beta/models/{model}.
import { invalidArgument, notFound } from './errors';
import { MODELS, findModel } from './models';
import { sendBody, sendError, type Exchange } from './respond';
import type { RuleBook } from './rules';
import { prelude, sendNonContent } from './scripted';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** Page tokens are opaque to clients; here, the base64 of the next offset. */
const encodeToken = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64url');
function decodeToken(token: string): number | undefined {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

async function scripted(ex: Exchange, rules: RuleBook): Promise<boolean> {
  const decision = rules.decide(ex.record);
  if (!decision) return false;
  if (!(await prelude(ex, decision.rule))) return true;
  return sendNonContent(ex, decision.behaviour, ex.record.model ?? '');
}

export async function handleListModels(ex: Exchange, rules: RuleBook): Promise<void> {
  const params = ex.url.searchParams;
  const size = Number(params.get('pageSize') ?? params.get('page_size') ?? 0);
  const token = params.get('pageToken') ?? params.get('page_token') ?? '';
  if (!Number.isInteger(size) || size < 0) return sendError(ex, invalidArgument('Invalid page size.'));
  const offset = token ? decodeToken(token) : 0;
  if (offset === undefined) return sendError(ex, invalidArgument('Invalid page token.'));
  if (await scripted(ex, rules)) return;

  const pageSize = size === 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
  const models = MODELS.slice(offset, offset + pageSize);
  const next = offset + pageSize;
  sendBody(ex, 200, { models, ...(next < MODELS.length && { nextPageToken: encodeToken(next) }) });
}

export async function handleGetModel(ex: Exchange, rules: RuleBook): Promise<void> {
  const id = ex.record.model ?? '';
  const model = findModel(id);
  // Wording not on record for this method; modelled on the generate 404.
  if (!model) return sendError(ex, notFound(`models/${id} is not found for API version v1beta, or is not supported for getModel.`));
  if (await scripted(ex, rules)) return;
  sendBody(ex, 200, model);
}
