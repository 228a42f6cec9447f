// Errors in Anthropic's envelope: `{"type":"error","error":{"type","message"}}` with the
// contract's status, the contract header (and Retry-After) for the pool, and the fault code in
// `error.code` (ours, for SSE error events, which have no headers). The mapping of faults to
// Anthropic's error types is shared with the pool (@opengemini/shared, envelopes/anthropic.ts).
import { anthropicErrorBody } from '@opengemini/shared';
import type { ApiError } from '../../errors';
import { faultHeaders, json } from '../../http';

export function anthropicErrorResponse(err: ApiError): Response {
  return json(anthropicErrorBody(err.fault, err.message), err.status, faultHeaders(err));
}

/** The `event: error` frame that ends a stream that failed after its first byte. */
export function anthropicErrorEvent(err: ApiError): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(err.fault, err.message))}\n\n`;
}
