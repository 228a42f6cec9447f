// The floor for any Node proxy, written for the benchmark: node:http in, one undici Pool out,
// bodies piped both ways, nothing else (no auth, no parsing, no retries, no logging).
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new Pool(process.argv[2], { connections: 4096, keepAliveTimeout: 60_000 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

const server = createServer(async (req, res) => {
  try {
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
    const r = await upstream.request({ method: req.method, path: req.url, headers, body: req.method === 'GET' ? null : req });
    const out = {};
    for (const [k, v] of Object.entries(r.headers)) if (!HOP.has(k)) out[k] = v;
    res.writeHead(r.statusCode, out);
    res.on('close', () => r.body.destroy());
    for await (const c of r.body) res.write(c);
    res.end();
  } catch {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
// A clean exit on SIGTERM, so that `node --cpu-prof` writes its profile (pool-profile.ts).
process.on('SIGTERM', () => process.exit(0));
