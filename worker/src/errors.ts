// The Worker's one error class. Everything that goes wrong becomes an ApiError carrying a fault
// from the tier contract (@opengemini/shared contract.ts); http.ts renders it as OpenAI's error
// envelope. Messages are scrubbed of keys when rendered, not here.
import { type Fault, faultStatus, faultType } from '@opengemini/shared';

export class ApiError extends Error {
  readonly status: number;
  readonly fault: Fault;
  /** The offending request field, OpenAI style: `messages[2].content[0].image_url.url`. */
  readonly param: string | null;
  readonly type: string;

  constructor(fault: Fault, message: string, options: { param?: string | null; status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.fault = fault;
    this.status = options.status ?? faultStatus(fault);
    this.param = options.param ?? null;
    this.type = faultType(fault);
  }
}

/** The client's request is wrong: 400, never retried by the pool. `param` names the field. */
export function badRequest(message: string, param: string | null = null): ApiError {
  return new ApiError({ kind: 'client', reason: 'bad_request' }, message, { param });
}

/** A feature the request asks for that Gemini (or this converter) cannot do: 400. */
export function unsupported(message: string, param: string | null = null): ApiError {
  return new ApiError({ kind: 'client', reason: 'unsupported' }, message, { param });
}

/**
 * Gemini's 400 for token logprobs a model does not return ("Logprobs is not enabled for
 * models/..."), told in the client's terms: the model, the field that asked for them (`param`,
 * and `ask` as the client wrote it), and Gemini's own words. Any other error passes unchanged.
 */
export function logprobsRefused(err: unknown, model: string, param: string, ask: string): unknown {
  if (!(err instanceof ApiError) || err.fault.kind !== 'client' || !/logprob/i.test(err.message)) return err;
  return new ApiError(err.fault, `${model} does not return token logprobs: send the request without ${ask}. Gemini said: ${err.message}`, { param, status: err.status });
}
