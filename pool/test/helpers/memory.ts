/** The test process's heap in MiB, after a collection when the process runs with --expose-gc. */
export function heapMb(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
