// Client keys: the fixed `sk-` key in access_key.txt (generated on first start from a CSPRNG and
// saved with mode 0600), plus optional extra keys from CLIENT_KEYS_FILE and CLIENT_KEYS. Each
// client key has its own usage accounting under its fingerprint. Comparison is constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fingerprint } from '@opengemini/shared';
import { holdKeys } from '../keys';

/** `sk-` + 48 hex characters: 24 random bytes, the shape OpenAI clients expect. */
export function generateAccessKey(): string {
  return `sk-${randomBytes(24).toString('hex')}`;
}

const ACCESS_KEY_SHAPE = /^\S{8,256}$/;

/** Reads the access key, or creates it. `created` tells main.ts to announce it loudly. */
export async function loadOrCreateAccessKey(path: string): Promise<{ key: string; created: boolean }> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (ACCESS_KEY_SHAPE.test(text)) return { key: text, created: false };
    throw new Error(`${path} does not hold a key (one line, no spaces, 8 to 256 characters); delete it to generate a new one`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = generateAccessKey();
  await mkdir(dirname(path), { recursive: true });
  // 'wx': never overwrite a key another process wrote in the meantime; 0600: only its owner reads it.
  await writeFile(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}

/** The permission tag of client_keys.txt: `sk-...  # Alice [operator]` may use every native method. */
export const OPERATOR_TAG = '[operator]';

/** The keys of client_keys.txt with their `# labels`, in file order (blank and comment lines skipped). */
export function clientKeysOfFile(text: string): { key: string; label?: string }[] {
  const out: { key: string; label?: string }[] = [];
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    const hash = line.search(/(^|\s)#/);
    const key = (hash >= 0 ? line.slice(0, hash) : line).trim();
    if (!key) continue;
    const label = hash >= 0 ? line.slice(hash).replace(/^\s*#\s*/, '').trim() : '';
    out.push(label ? { key, label } : { key });
  }
  return out;
}

/**
 * The client keys the pool accepts, from one read of the file: the main key, the keys of
 * CLIENT_KEYS_FILE (optional) and of CLIENT_KEYS (comma-separated); and those with operator rights
 * on native routes: the main key, and the file's keys whose label carries OPERATOR_TAG.
 */
export async function loadClientKeys(mainKey: string, file: string, list: string): Promise<{ keys: string[]; operators: string[] }> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const listed = clientKeysOfFile(text);
  const keys = [mainKey, ...listed.map((k) => k.key)];
  for (const k of list.split(',')) if (k.trim()) keys.push(k.trim());
  const operators = [mainKey, ...listed.filter((k) => k.label?.includes(OPERATOR_TAG)).map((k) => k.key)];
  return { keys, operators };
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * The set of accepted client keys. Candidates are hashed first so every comparison is between
 * two 32-byte digests: timingSafeEqual needs equal lengths, and hashing hides the key's length.
 * Every stored key is compared (no early exit), so timing does not reveal which one matched.
 *
 * A key that matched once is remembered, so a client's later requests skip the hash (it cost
 * about 2% of the CPU of a proxied request). Only keys that matched are remembered: a guess
 * always takes the constant-time path, and the memo holds at most one string per stored key.
 */
export class ClientKeys {
  private entries: { digest: Buffer; fp: string }[] = [];
  private verified = new Map<string, string>();
  private operators = new Set<string>();

  /** `operators`: the keys with operator rights on native routes (the main key, `[operator]` keys). */
  constructor(keys: readonly string[], operators: readonly string[] = []) {
    this.replace(keys, operators);
  }

  replace(keys: readonly string[], operators: readonly string[] = []): void {
    const unique = [...new Set(keys)];
    holdKeys(unique);
    this.operators = new Set(operators.filter((k) => unique.includes(k)).map(fingerprint));
    this.entries = unique.map((k) => ({ digest: digest(k), fp: fingerprint(k) }));
    // A key no longer listed must stop working at once.
    this.verified = new Map();
  }

  get size(): number {
    return this.entries.length;
  }

  /** Whether a client key with this fingerprint is accepted (a dashboard session signed in with it). */
  hasFp(fp: string): boolean {
    return this.entries.some((e) => e.fp === fp);
  }

  /** Whether the client key with this fingerprint has operator rights on native routes. */
  isOperator(fp: string): boolean {
    return this.operators.has(fp);
  }

  /** The fingerprint of the matching client key, or undefined. */
  match(candidate: string | undefined): string | undefined {
    if (!candidate) return undefined;
    const known = this.verified.get(candidate);
    if (known !== undefined) return known;
    const d = digest(candidate);
    let found: string | undefined;
    for (const e of this.entries) if (timingSafeEqual(d, e.digest) && found === undefined) found = e.fp;
    if (found !== undefined) this.verified.set(candidate, found);
    return found;
  }
}
