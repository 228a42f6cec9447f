/** The test process's heap in MiB, after a full collection (the integration project runs with
 * --expose-gc, see vitest.config.ts; without it the figure would include garbage, so refuse). */
export function heapMb(): number {
  if (typeof globalThis.gc !== 'function') throw new Error('heap figures need node --expose-gc (vitest.config.ts sets it for the integration project)');
  globalThis.gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
