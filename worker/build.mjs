// Bundles the Worker into ONE self-contained ES module, worker/dist/worker.js: paste it into the
// Cloudflare dashboard editor as is, or `wrangler deploy` (wrangler.toml points at it).
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { version } = JSON.parse(readFileSync(resolve(here, '../package.json'), 'utf8'));
mkdirSync(resolve(here, 'dist'), { recursive: true });

await build({
  entryPoints: [resolve(here, 'src/index.ts')],
  outfile: resolve(here, 'dist/worker.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  minify: false, // readable in the dashboard editor; the size is small either way
  legalComments: 'none',
  banner: { js: `// OpenGemini Worker v${version}: OpenAI API -> Gemini. Built file; the source is worker/src.` },
  logLevel: 'warning',
});
console.log('built worker/dist/worker.js');
