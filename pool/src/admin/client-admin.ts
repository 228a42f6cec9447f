// Client keys as the operator sees them: the main key from access_key.txt, the lines of
// client_keys.txt (a `# comment` after a key is its label) and CLIENT_KEYS. Listed by
// fingerprint; created keys are appended to client_keys.txt with their label; revoking removes
// the line. The main key and CLIENT_KEYS are not editable here (their files/variables are).
import { fingerprint } from '@opengemini/shared';
import { clientKeysOfFile } from '../http/access-key';
import { appendLines, removeLines } from './line-edit';

export type ClientKeySource = 'access_key_file' | 'client_keys_file' | 'env';

export interface ClientKeyInfo {
  key: string;
  source: ClientKeySource;
  label?: string;
}

export function listClientKeys(accessKey: string, fileText: string, envList: string): ClientKeyInfo[] {
  const seen = new Set<string>();
  const out: ClientKeyInfo[] = [];
  const push = (key: string, source: ClientKeySource, label?: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push(label ? { key: fingerprint(key), source, label } : { key: fingerprint(key), source });
  };
  push(accessKey, 'access_key_file', 'main key (access_key.txt)');
  for (const k of clientKeysOfFile(fileText)) push(k.key, 'client_keys_file', k.label);
  for (const k of envList.split(',')) if (k.trim()) push(k.trim(), 'env', 'CLIENT_KEYS');
  return out;
}

/** A label fit for a `# comment`: one line, printable, at most 80 characters. */
export function cleanLabel(label: string): string {
  // eslint-disable-next-line no-control-regex
  return label.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 80);
}

export function addClientKey(fileText: string, key: string, label: string): string {
  return appendLines(fileText, [label ? `${key}  # ${label}` : key]);
}

export function removeClientKey(fileText: string, fp: string): { text: string; removed: number } {
  const r = removeLines(fileText, (content) => fingerprint(content) === fp);
  return { text: r.text, removed: r.removed.length };
}
