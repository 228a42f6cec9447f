// A Responses context with pinned ids and clock, for the dialect's unit tests.
import type { ResponseContext } from '../../src/dialects/responses/response';
import type { ResponsesRequest } from '../../src/dialects/responses/types';
import { toConversation } from '../../src/dialects/responses/request';
import { parseResponsesRequest } from '../../src/dialects/responses/validate';

/** Call ids name the signature they carry (`call_<sig>` / `call_plain`); items count from 1. */
export function pinnedContext(body: Record<string, unknown> = {}, includeEncrypted = false): ResponseContext {
  const req: ResponsesRequest = parseResponsesRequest({ model: 'gemini-3-flash-preview', input: 'hi', ...body });
  let n = 0;
  return {
    id: 'resp_1',
    createdAt: 1_700_000_000,
    req,
    toolNames: toConversation(req).toolNames,
    includeEncrypted,
    mintId: (carried) => `call_${carried.signature ?? 'plain'}`,
    itemId: (prefix) => `${prefix}_${++n}`,
  };
}
