// Where the dashboard's files are on disk, for @fastify/static (which serves files, with ETag,
// Last-Modified and ranges, from a directory).
//
// Run from the source tree (tests, `tsx`), `pnpm build` has written them to pool/dist/web. The
// production bundle, pool/dist/main.js, must stay one file that runs alone (the Docker image and
// deploy/install.sh copy nothing else), so `pnpm build` also inlines them into it (esbuild
// `define`), and at start-up they are written to a private directory (mode 0700) under the
// system's temp directory, removed again on shutdown. Not beside main.js: the install directory
// is often read-only for the user that runs the pool (/app in the image belongs to root).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const __OG_WEB__: Record<string, string> | undefined;

export interface WebRoot {
  /** The directory holding index.html and its files; undefined when there is none. */
  dir: string | undefined;
  /** Why there is none (shown on the page's 503). */
  problem?: string;
  /** Removes a directory this process made. */
  dispose(): Promise<void>;
}

const built = () => fileURLToPath(new URL('../../dist/web/', import.meta.url));

export async function webRoot(): Promise<WebRoot> {
  if (typeof __OG_WEB__ === 'undefined') {
    const dir = built();
    return existsSync(join(dir, 'index.html'))
      ? { dir, dispose: async () => {} }
      : { dir: undefined, problem: 'The dashboard is not built: run `pnpm build` (it builds pool/web into pool/dist/web).', dispose: async () => {} };
  }
  let dir: string | undefined;
  try {
    dir = await mkdtemp(join(tmpdir(), 'opengemini-web-'));
    for (const [name, b64] of Object.entries(__OG_WEB__)) await writeFile(join(dir, name), Buffer.from(b64, 'base64'), { mode: 0o600 });
  } catch (err) {
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => {});
    return { dir: undefined, problem: `The dashboard's files could not be written to ${tmpdir()} (${(err as Error).message}): set TMPDIR to a writable directory.`, dispose: async () => {} };
  }
  const made = dir;
  return { dir: made, dispose: () => rm(made, { recursive: true, force: true }) };
}
