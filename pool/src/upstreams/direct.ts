// Direct mode: with no upstreams.txt (or an empty one) the pool runs the Worker's converter
// in-process and calls Gemini itself. The in-process handler is wrapped as a Transport so that
// forward.ts treats it as one more upstream (with a circuit breaker, stats and all).
import type { Readable } from 'node:stream';
import { createWorkerHandler } from '@opengemini/worker/handler';
import { errors as undiciErrors } from 'undici';
import { fromFetchResponse, type Transport, type UpstreamReply, type UpstreamRequest } from './transport';

/** The id of the direct upstream in logs, /status and the state file. */
export const DIRECT_ID = 'direct';

export class DirectTransport implements Transport {
  private readonly handle: (request: Request) => Promise<Response>;
  private inFlight = 0;
  private idle: (() => void) | undefined;

  private readonly idleTimeoutMs: number;

  /** `idleTimeoutMs`: STREAM_IDLE_TIMEOUT_MS, the longest silence allowed inside a body (0: none). */
  constructor(geminiBaseUrl: string, deps: { fetch?: typeof fetch; idleTimeoutMs?: number } = {}) {
    const { idleTimeoutMs = 0, ...handlerDeps } = deps;
    this.handle = createWorkerHandler({ GEMINI_BASE_URL: geminiBaseUrl }, handlerDeps);
    this.idleTimeoutMs = idleTimeoutMs;
  }

  async send(req: UpstreamRequest): Promise<UpstreamReply> {
    const init: RequestInit = { method: req.method, headers: req.headers, signal: req.signal };
    if (req.body && req.method !== 'GET' && req.method !== 'HEAD') init.body = req.body;
    // The host is a placeholder: the handler routes on the path alone.
    const res = await this.handle(new Request(`http://direct.invalid${req.path}`, init));
    const reply = fromFetchResponse(res);
    if (this.idleTimeoutMs > 0) watchIdle(reply.body, this.idleTimeoutMs);
    this.inFlight++;
    reply.body.once('close', () => {
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    });
    return reply;
  }

  /** Waits for bodies still streaming: there are no connections to release. */
  close(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idle = resolve;
    });
  }
}

/**
 * The direct-mode twin of undici's bodyTimeout (what HttpTransport uses): a body that is being
 * read (flowing) and stays silent for `ms` is destroyed with a BodyTimeoutError, which forward.ts
 * reports as an upstream timeout. A body paused by backpressure or not read yet is the reader's
 * doing, not silence: the clock only runs while it flows.
 */
function watchIdle(body: Readable, ms: number): void {
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    if (body.readableFlowing !== true) timer = setTimeout(fire, ms).unref();
    else body.destroy(new undiciErrors.BodyTimeoutError(`no data for ${ms} ms (STREAM_IDLE_TIMEOUT_MS)`));
  };
  timer = setTimeout(fire, ms);
  timer.unref();
  body.on('data', () => timer?.refresh());
  body.once('close', () => clearTimeout(timer));
}
