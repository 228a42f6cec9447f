// A stand-in for Cloudflare's edge in front of the Worker: a loopback reverse proxy that passes
// every request to the real Worker (in workerd) and adds the headers Cloudflare adds to its
// answers, `cf-ray` ending in the data centre that took the request and, for a placed Worker,
// `cf-placement`. workerd serves the Worker alone, without them. `place` can change while it runs.
import { createServer, request, type Server } from 'node:http';
import { listenOnLoopback } from './loopback';

export interface EdgePlace {
  /** Data centre in cf-ray, e.g. HKG. */
  edge: string;
  /** cf-placement value, e.g. remote-ORD; none: the header is absent. */
  placement?: string;
}

export interface CloudflareEdge {
  url: string;
  place: EdgePlace;
  close(): Promise<void>;
}

export async function startCloudflareEdge(workerUrl: string, place: EdgePlace): Promise<CloudflareEdge> {
  const target = new URL(workerUrl);
  const state = { place };
  let ray = 0x8f1c2a3b00000000n;
  const server: Server = createServer((req, res) => {
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      const headers: Record<string, string | string[] | undefined> = { ...answer.headers, 'cf-ray': `${(ray++).toString(16)}-${state.place.edge}` };
      if (state.place.placement) headers['cf-placement'] = state.place.placement;
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    close,
    get place() {
      return state.place;
    },
    set place(p: EdgePlace) {
      state.place = p;
    },
  };
}
