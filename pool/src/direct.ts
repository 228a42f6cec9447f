// Direct mode: with no upstreams.txt (or an empty one) the pool runs the Worker's converter
// in-process and calls Gemini itself. The in-process handler is wrapped as a Transport so that
// forward.ts treats it as one more upstream (with a circuit breaker, stats and all).
import { createWorkerHandler } from '@opengemini/worker/handler';
import { fromFetchResponse, type Transport, type UpstreamReply, type UpstreamRequest } from './transport';

/** The id of the direct upstream in logs, /status and the state file. */
export const DIRECT_ID = 'direct';

export class DirectTransport implements Transport {
  private readonly handle: (request: Request) => Promise<Response>;
  private inFlight = 0;
  private idle: (() => void) | undefined;

  constructor(geminiBaseUrl: string, deps: { fetch?: typeof fetch } = {}) {
    this.handle = createWorkerHandler({ GEMINI_BASE_URL: geminiBaseUrl }, deps);
  }

  async send(req: UpstreamRequest): Promise<UpstreamReply> {
    const init: RequestInit = { method: req.method, headers: req.headers, signal: req.signal };
    if (req.body && req.method !== 'GET' && req.method !== 'HEAD') init.body = req.body;
    // The host is a placeholder: the handler routes on the path alone.
    const res = await this.handle(new Request(`http://direct.invalid${req.path}`, init));
    const reply = fromFetchResponse(res);
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
