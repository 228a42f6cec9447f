// Cloudflare Workers entry point. `export default { fetch }` and nothing else: the handler is
// built once per distinct env object (Workers reuse isolates across requests).
import { createWorkerHandler, type Handler, type WorkerEnv } from './handler';

const handlers = new WeakMap<object, Handler>();

export default {
  fetch(request: Request, env: WorkerEnv = {}): Promise<Response> {
    let handler = handlers.get(env);
    if (!handler) {
      handler = createWorkerHandler(env);
      handlers.set(env, handler);
    }
    return handler(request);
  },
};
