// Stopping a child process a tool started (the pool, a proxy under a benchmark): one way for all.
import type { ChildProcess } from 'node:child_process';

/** Sends SIGTERM and waits for the exit (SIGKILL after `ms`); at once if it has exited already. */
export function stopChild(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      ok();
    });
    child.kill('SIGTERM');
  });
}
