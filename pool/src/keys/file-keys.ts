// Gemini files stay with the key that uploaded them: Google lets a file (and the resumable upload
// session that creates it) be used only with the API key, i.e. the project, that made it. So the
// pool remembers, for each upload session and each `files/...` it creates, the key that served it
// and the client key that asked, and a later request naming that file goes out with that key, and
// only from its uploader (or an operator). Bounded in count and in time (Google deletes a file
// after 48 h), persisted in state.json by fingerprints only.

/** How long Google keeps an uploaded file; a pin is useless after it. */
export const FILE_TTL_MS = 48 * 3600_000;
/** At most this many pins; the oldest go first (a few hundred bytes each). */
export const MAX_FILE_PINS = 10_000;

export interface FilePin {
  /** Fingerprint of the Gemini key the file (or upload session) belongs to. */
  key: string;
  /** Fingerprint of the client key that uploaded it. */
  client: string;
  /** Epoch ms after which Google has deleted it. */
  until: number;
}

export type FilePinSnapshot = Record<string, FilePin>;

/** What binding a request to its files decided. */
export type FileBinding =
  | { kind: 'free' }
  | { kind: 'pinned'; keyFp: string; names: string[] }
  | { kind: 'refused'; status: 403 | 400; message: string };

/** `files/abc-123` wherever it stands in a body: a fileUri, a file_id, a path. */
const FILE_NAME = /(?<![A-Za-z0-9_-])files\/([a-z0-9][a-z0-9-]{0,63})/g;
const FILES_MARK = Buffer.from('files/');

/** The distinct `files/...` names a request body mentions (the common case: one native indexOf). */
export function fileNamesIn(body: Buffer | undefined): string[] {
  if (!body || body.indexOf(FILES_MARK) < 0) return [];
  const names = new Set<string>();
  for (const m of body.toString('latin1').matchAll(FILE_NAME)) names.add(`files/${m[1]}`);
  return [...names];
}

/** The upload session id of an upload URL or path (`...?upload_id=XYZ`), if any. */
export function uploadIdOf(pathOrUrl: string): string | undefined {
  const q = pathOrUrl.indexOf('?');
  if (q < 0) return undefined;
  const id = new URLSearchParams(pathOrUrl.slice(q + 1)).get('upload_id');
  return id && id.length <= 512 ? id : undefined;
}

export class FileKeys {
  /** Insertion-ordered: the first entries are the oldest pins. */
  private readonly pins = new Map<string, FilePin>();

  /** `isOperator`: whether a client key may use every client's files (the main key, `[operator]` keys). */
  constructor(
    private readonly isOperator: (clientFp: string) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.pins.size;
  }

  /** Remembers that `name` (`files/x`, or `upload:<session>`) belongs to this key and client. */
  pin(name: string, keyFp: string, clientFp: string): void {
    this.pins.delete(name);
    this.pins.set(name, { key: keyFp, client: clientFp, until: this.now() + FILE_TTL_MS });
    for (const oldest of this.pins.keys()) {
      if (this.pins.size <= MAX_FILE_PINS) break;
      this.pins.delete(oldest);
    }
  }

  get(name: string): FilePin | undefined {
    const p = this.pins.get(name);
    if (p && p.until <= this.now()) {
      this.pins.delete(name);
      return undefined;
    }
    return p;
  }

  /** Forgets a deleted file. */
  forget(name: string): void {
    this.pins.delete(name);
  }

  /**
   * The key a request must go out with, given the files and upload session it names, or why it
   * may not: the one rule of file ownership (the native routes' files.get and files.delete come
   * here too). A file the pool knows is its uploader's (or an operator's) and goes out with its
   * key; files of two keys cannot meet in one request.
   *
   * A file the pool does not know (uploaded elsewhere, expired, or its pin dropped):
   * - mentioned in a body (`mentioned`): the request is left free, for the key the pool picks.
   *   The scan (fileNamesIn) cannot tell a file reference from text that looks like one, and
   *   Gemini itself refuses a file of another project.
   * - named by the path (`pathFile`: reading or deleting that one file): refused with a 403 unless
   *   `operator`. Here Gemini's refusal is no guard: the pool's keys are the operator's own
   *   projects, so a file the operator uploaded with one of them outside the pool (or whose pin
   *   was dropped) would be read or deleted by any client key whenever the rotation picked it.
   */
  bind(mentioned: readonly string[], clientFp: string, keyExists: (fp: string) => boolean, pathFile?: string): FileBinding {
    const operator = this.isOperator(clientFp);
    if (pathFile !== undefined && !operator && !this.get(pathFile)) {
      return { kind: 'refused', status: 403, message: `You do not have permission to access ${pathFile}: the pool did not upload it for this client key, and only a file's uploader may read or delete it.` };
    }
    const names = pathFile === undefined ? mentioned : [pathFile, ...mentioned];
    let keyFp: string | undefined;
    const pinned: string[] = [];
    for (const name of names) {
      const p = this.get(name);
      if (!p) continue;
      const shown = name.startsWith('upload:') ? 'this upload session' : name;
      if (!operator && p.client !== clientFp) return { kind: 'refused', status: 403, message: `You do not have permission to access ${shown}: it was uploaded with another client key.` };
      if (keyFp !== undefined && p.key !== keyFp) {
        return { kind: 'refused', status: 400, message: `${pinned[0]} and ${name} were uploaded with different Gemini keys; Google lets a file be used only with the key that uploaded it, so they cannot be used in one request.` };
      }
      if (!keyExists(p.key)) return { kind: 'refused', status: 400, message: `The Gemini key that uploaded ${shown} is no longer in the pool; upload the file again.` };
      keyFp = p.key;
      pinned.push(name);
    }
    return keyFp === undefined ? { kind: 'free' } : { kind: 'pinned', keyFp, names: pinned };
  }

  snapshot(): FilePinSnapshot {
    const out: FilePinSnapshot = {};
    const now = this.now();
    for (const [name, p] of this.pins) if (p.until > now) out[name] = p;
    return out;
  }

  restore(saved: unknown): void {
    if (typeof saved !== 'object' || saved === null) return;
    const now = this.now();
    for (const [name, p] of Object.entries(saved as Record<string, Partial<FilePin>>)) {
      if (typeof p?.key === 'string' && typeof p.client === 'string' && typeof p.until === 'number' && p.until > now && p.until <= now + FILE_TTL_MS) {
        this.pins.set(name, { key: p.key, client: p.client, until: p.until });
      }
    }
    for (const oldest of this.pins.keys()) {
      if (this.pins.size <= MAX_FILE_PINS) break;
      this.pins.delete(oldest);
    }
  }
}
