// Bundles the pool into one file, dist/main.js, that runs with plain `node` from a copy with no
// node_modules: @opengemini/shared, the Worker's converter (direct mode) and every npm dependency
// (fastify, pino, undici) are inlined. pino's worker-thread transports are never used, so nothing
// has to be loaded from disk at run time.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

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
  // CommonJS dependencies call require() for Node built-ins; ESM output has no require of its own.
  banner: {
    js: "import { createRequire as __ogCreateRequire } from 'node:module'; const require = __ogCreateRequire(import.meta.url);",
  },
});
