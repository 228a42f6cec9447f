// Read-modify-write of the line files, one edit at a time per file: two bulk adds sent at once
// both land (the second reads the file the first wrote). Each edit reads the file as it is now
// (a hand edit made a moment ago is kept), applies a pure edit (line-edit.ts), writes the result
// atomically and then lets the caller apply it (reload the keys) before the next edit starts.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../state';

export class FileEditError extends Error {
  override readonly name = 'FileEditError';
}

export class FileEditor {
  private readonly queues = new Map<string, Promise<unknown>>();

  /**
   * Runs `edit` on the current text of `path` (missing: empty). If the text changed it is written
   * and `apply` runs, all before the next edit of the same file starts.
   */
  edit<T>(path: string, edit: (text: string) => { text: string; result: T }, apply: () => Promise<unknown>): Promise<T> {
    const run = async (): Promise<T> => {
      let text = '';
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new FileEditError(`could not read ${path}: ${(err as Error).message}`);
      }
      const out = edit(text);
      if (out.text !== text) {
        try {
          await writeFileAtomic(path, out.text);
        } catch (err) {
          throw new FileEditError(`could not write ${path}: ${(err as Error).message}`);
        }
        await apply();
      }
      return out.result;
    };
    const prev = this.queues.get(path) ?? Promise.resolve();
    const next = prev.then(run, run);
    const settled = next.catch(() => {});
    this.queues.set(path, settled);
    void settled.then(() => {
      if (this.queues.get(path) === settled) this.queues.delete(path);
    });
    return next;
  }
}
