// The dashboard's static files. `pnpm build` builds pool/web into pool/dist/web and also inlines
// the files into dist/main.js (esbuild `define`), so the bundle alone serves the page with no
// internet and no files beside it. Run from source (tests), they are read from pool/dist/web.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const __OG_WEB__: Record<string, string> | undefined;

export interface WebAsset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

function asset(name: string, body: Buffer): WebAsset {
  return { body, type: TYPES[extname(name)] ?? 'application/octet-stream', etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
}

/** name -> file, or undefined when the page was not built (`pnpm build`). */
export function loadWebAssets(dir?: string): Map<string, WebAsset> | undefined {
  const out = new Map<string, WebAsset>();
  if (!dir && typeof __OG_WEB__ !== 'undefined') {
    for (const [name, b64] of Object.entries(__OG_WEB__)) out.set(name, asset(name, Buffer.from(b64, 'base64')));
    return out;
  }
  const from = dir ?? fileURLToPath(new URL('../../dist/web/', import.meta.url));
  let names: string[];
  try {
    names = readdirSync(from);
  } catch {
    return undefined;
  }
  for (const name of names) out.set(name, asset(name, readFileSync(`${from}/${name}`)));
  return out.has('index.html') ? out : undefined;
}
