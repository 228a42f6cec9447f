// A tiny upstream that fails on purpose, in one of the ways a Worker or the path to it fails:
// an HTML 502 from a proxy, a dropped connection, a hang, a contract-labelled fault, a 200 that
// is not an answer (an HTML page, an empty body), bytes trickled one at a time; or a Worker that
// relays Gemini's bad answer (`gemini; reason=bad_answer`) for one key and answers for others.
// `mode` can be changed while it runs; `hits` counts requests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FailMode = 'html502' | 'drop' | 'hang' | 'region' | 'ok-models' | 'html200' | 'empty200' | 'trickle' | 'drop-once' | 'bad-answer';

export interface FailingUpstream {
  url: string;
  mode: FailMode;
  hits: number;
  /** `bad-answer`: the Gemini key whose answers are bad (others are answered). */
  badKey: string | undefined;
  close(): Promise<void>;
}

/** A minimal OpenAI chat completion, as a Worker answers one. */
function chatAnswer(content: string) {
  return {
    id: 'chatcmpl-failing',
    object: 'chat.completion',
    created: 0,
    model: 'gemini-2.5-flash',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

export async function startFailingUpstream(mode: FailMode = 'html502'): Promise<FailingUpstream> {
  const state: { mode: FailMode; hits: number; badKey: string | undefined; dropped: boolean } = { mode, hits: 0, badKey: undefined, dropped: false };
  const server: Server = createServer((req, res) => {
    state.hits++;
    req.resume();
    switch (state.mode) {
      case 'html200':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to nginx!</body></html>');
        return;
      case 'empty200':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' }).end();
        return;
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const t = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(t));
        return;
      }
      case 'drop-once':
        if (!state.dropped) {
          state.dropped = true;
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(chatAnswer('after a dropped connection')));
        return;
      case 'bad-answer':
        if (req.headers.authorization === `Bearer ${state.badKey}`) {
          res
            .writeHead(502, { 'content-type': 'application/json', 'x-opengemini-fault': 'gemini; reason=bad_answer' })
            .end(JSON.stringify({ error: { message: 'Gemini answered 200 with a stream of no events.', type: 'server_error', param: null, code: 'gemini_bad_answer' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(chatAnswer('a good answer')));
        return;
      case 'html502':
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>');
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case 'hang':
        return; // never answers; the pool's budget or timeout must cut it
      case 'region':
        res
          .writeHead(400, { 'content-type': 'application/json', 'x-opengemini-fault': 'upstream; reason=region_blocked' })
          .end(JSON.stringify({ error: { message: 'User location is not supported for the API use.', type: 'server_error', param: null, code: 'upstream_region_blocked' } }));
        return;
      case 'ok-models':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [] }));
        return;
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(m: FailMode) {
      state.mode = m;
      state.dropped = false;
    },
    get hits() {
      return state.hits;
    },
    get badKey() {
      return state.badKey;
    },
    set badKey(k: string | undefined) {
      state.badKey = k;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
