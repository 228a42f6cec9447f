// Errors particular to the Responses dialect. They use OpenAI's error envelope (http.ts renders
// it, with the contract header); the stream's error event is built in stream.ts from the same
// envelope. What is here: the stored-response endpoints a stateless Worker cannot serve, and
// error params put back into the client's terms.
import { ApiError, logprobsRefused } from '../../errors';
import { wantsLogprobs } from './request';
import type { ResponsesRequest } from './types';

const STATELESS = 'This server keeps no state: responses are never stored, so there is nothing to retrieve, cancel or delete. Send the whole conversation in `input` of POST /v1/responses (with store: false, as Codex does).';

/** GET / DELETE /v1/responses/{id}, its input_items and cancel: 404 naming the id. */
export function storedResponseNotFound(id: string): ApiError {
  const shown = id.length > 80 ? `${id.slice(0, 77)}...` : id;
  return new ApiError({ kind: 'client', reason: 'not_found' }, `No response with id '${shown}' is stored here. ${STATELESS}`, { param: 'response_id' });
}

/** POST /v1/responses/compact: OpenAI's server-side compaction returns an encrypted item only it can read. */
export function compactionUnsupported(): ApiError {
  return new ApiError(
    { kind: 'client', reason: 'not_found' },
    'Server-side compaction (/v1/responses/compact) is not offered: its result is an item only OpenAI can read. Compact on the client (Codex does when its provider is not OpenAI) and send the whole `input`.',
  );
}

/**
 * Gemini answers 400 when a model does not return logprobs: the same 400, saying so in this
 * dialect's terms and naming the field that asked for them (include, or top_logprobs).
 */
export function responsesLogprobsRefused(err: unknown, req: ResponsesRequest): unknown {
  if (!wantsLogprobs(req)) return err;
  const byInclude = req.include?.includes('message.output_text.logprobs') === true;
  return logprobsRefused(err, req.model, byInclude ? 'include' : 'top_logprobs', byInclude ? '"message.output_text.logprobs" in `include`' : '`top_logprobs`');
}
