// A tiny upstream that fails on purpose, in one of the ways a Worker or the path to it fails:
// an HTML 502 from a proxy, a dropped connection, a hang, or a contract-labelled fault. `mode`
// can be changed while it runs; `hits` counts requests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FailMode = 'html502' | 'drop' | 'hang' | 'region' | 'ok-models';

export interface FailingUpstream {
  url: string;
  mode: FailMode;
  hits: number;
  close(): Promise<void>;
}

export async function startFailingUpstream(mode: FailMode = 'html502'): Promise<FailingUpstream> {
  const state = { mode, hits: 0 };
  const server: Server = createServer((req, res) => {
    state.hits++;
    req.resume();
    switch (state.mode) {
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
    },
    get hits() {
      return state.hits;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
