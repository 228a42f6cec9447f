// Builds the pool: first the dashboard (pool/web -> dist/web: one minified script, one
// stylesheet, the page and its icon; no CDN, it must work offline), then the server into one
// file, dist/main.js, that runs with plain `node` from a copy with no node_modules:
// @opengemini/shared, the Worker's converter (direct mode), every npm dependency (fastify, pino,
// undici) and the dashboard's files are inlined. pino's worker-thread transports are never used,
// so nothing has to be loaded from disk at run time.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const web = `${here}dist/web`;

await rm(web, { recursive: true, force: true });
await mkdir(web, { recursive: true });
await build({
  entryPoints: [`${here}web/src/app.ts`],
  outfile: `${web}/app.js`,
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
await build({ entryPoints: [`${here}web/style.css`], outfile: `${web}/style.css`, minify: true, logLevel: 'warning' });
await copyFile(`${here}web/index.html`, `${web}/index.html`);
await copyFile(`${here}web/icon.svg`, `${web}/icon.svg`);

const inlined = {};
for (const name of await readdir(web)) inlined[name] = (await readFile(`${web}/${name}`)).toString('base64');

await build({
  entryPoints: [`${here}src/main.ts`],
  outfile: `${here}dist/main.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  define: { __OG_WEB__: JSON.stringify(inlined) },
  // CommonJS dependencies call require() for Node built-ins; ESM output has no require of its own.
  banner: {
    js: "import { createRequire as __ogCreateRequire } from 'node:module'; const require = __ogCreateRequire(import.meta.url);",
  },
});
