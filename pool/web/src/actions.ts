// What every section does after an operator action: report a failure in a toast and refresh the
// whole page's data. The page (app.ts) says how to refresh once, with onChange.
import { ApiError } from './api';
import { toast } from './dom';

let refresh: () => void = () => {};

export function onChange(fn: () => void): void {
  refresh = fn;
}

export function refreshAll(): void {
  refresh();
}

/** Runs an action; a failure becomes a toast; the page refreshes either way. */
export async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    toast(e instanceof ApiError ? e.message : `Failed: ${(e as Error).message}`, true);
  }
  refresh();
}
