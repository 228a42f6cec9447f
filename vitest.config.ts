import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure code, no sockets, runs in seconds) and `integration` (real sockets:
// the built Worker in workerd via wrangler, the pool, the strict mock Gemini, official SDKs).
export default defineConfig({
  test: {
    // In CI, also write a JSON report: .ci/run prints a one-line summary from it.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    ...(process.env.CI ? { outputFile: { json: '.ci/vitest-report.json' } } : {}),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{shared,worker,pool,tools}/{src,test}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{shared,worker,pool,tools}/test/**/*.int.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // workerd instances and servers are heavy on a 2-core machine: one file at a time.
          fileParallelism: false,
          // Heap assertions (pool/test/helpers/memory.ts) collect garbage first, so they measure
          // what is held, not what is merely not yet collected.
          execArgv: ['--expose-gc'],
        },
      },
    ],
  },
});
