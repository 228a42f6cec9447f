// Watching key.txt and upstreams.txt so edits apply without a restart. fs.watch on the parent
// directory (editors often replace a file by renaming a new one over it, which a watch on the
// file itself would miss) plus stat polling as a fallback for filesystems where fs.watch is
// silent (network mounts, some containers). Events are debounced; the callback only runs when
// the file's content actually changed.
import { type FSWatcher, readFileSync, unwatchFile, watch, watchFile } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface Watcher {
  close(): void;
}

function contentOf(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function watchContent(path: string, onChange: () => void, opts: { debounceMs?: number; pollMs: number }): Watcher {
  const file = resolve(path);
  const name = basename(file);
  const debounceMs = opts.debounceMs ?? 200;
  let last = contentOf(file);
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    timer = undefined;
    const now = contentOf(file);
    if (now === last) return;
    last = now;
    onChange();
  };
  const poke = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, debounceMs);
    timer.unref();
  };

  let dirWatcher: FSWatcher | undefined;
  try {
    dirWatcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
      if (!changed || changed.toString() === name) poke();
    });
    dirWatcher.on('error', () => dirWatcher?.close());
  } catch {
    // no fs.watch here: polling alone
  }
  watchFile(file, { interval: opts.pollMs, persistent: false }, poke);

  return {
    close() {
      if (timer) clearTimeout(timer);
      dirWatcher?.close();
      unwatchFile(file, poke);
    },
  };
}
