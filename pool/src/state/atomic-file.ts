// Writing a file so that a reader (the pool's own watcher, an editor, a crash) never sees half of
// it: write a temp file beside it, fsync, rename over. The file's mode is kept. When the rename
// cannot work because the file is a bind mount (Docker's `-v ./key.txt:/app/key.txt`: EBUSY) or
// on another device, or the directory is not writable while the file is, the content is written
// in place instead, which is the best that can be done.
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let seq = 0;

export async function writeFileAtomic(path: string, text: string, defaultMode = 0o600): Promise<void> {
  let mode = defaultMode;
  try {
    mode = (await stat(path)).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++seq}.tmp`);
  let fh;
  try {
    fh = await open(tmp, 'w', mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return writeInPlace(path, text);
    throw err;
  }
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EBUSY' && code !== 'EXDEV' && code !== 'EPERM') throw err;
    await writeInPlace(path, text);
  }
}

async function writeInPlace(path: string, text: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
