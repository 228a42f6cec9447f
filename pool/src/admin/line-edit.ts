// Editing the line files (key.txt, upstreams.txt, client_keys.txt) the way a person would: new
// entries are appended, removed entries lose their line, and everything else (comments, blank
// lines, the order, the line endings) stays as it was. Pure: text in, text out, with a report
// that names keys by fingerprint only.
import { fingerprint } from '@opengemini/shared';
import { KEY_SHAPE, meaningfulLines, parseKeyFile } from '../keys';

export interface AddKeysReport {
  /** Fingerprints of the keys appended, in order. */
  added: string[];
  /** Keys already in the file, or repeated in the paste: line of the paste and fingerprint. */
  duplicates: { line: number; key: string; of: 'file' | 'paste' }[];
  /** Pasted words that are not keys: line and fingerprint (a malformed word may still be a key). */
  malformed: { line: number; key: string }[];
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Appends lines, making sure the file's last line was ended first. */
export function appendLines(text: string, lines: readonly string[]): string {
  if (!lines.length) return text;
  const eol = eolOf(text);
  const base = text === '' || text.endsWith('\n') || text.endsWith('\r') ? text : text + eol;
  return base + lines.join(eol) + eol;
}

/** Removes the lines whose meaningful content matches; returns the new text and what matched. */
export function removeLines(text: string, matches: (content: string) => boolean): { text: string; removed: string[] } {
  const drop = new Set<number>();
  const removed: string[] = [];
  for (const [line, content] of meaningfulLines(text)) {
    if (matches(content)) {
      drop.add(line - 1);
      removed.push(content);
    }
  }
  if (!drop.size) return { text, removed };
  const lines = text.split(/\r\n|\r|\n/);
  return { text: lines.filter((_, i) => !drop.has(i)).join(eolOf(text)), removed };
}

/**
 * Adds pasted keys to key.txt's text. The paste is one key per line; commas, semicolons and
 * spaces also separate keys (pasting a comma-separated list is common), `#` comments are ignored.
 * Nothing but the keys is written: the paste's comments stay out of key.txt.
 */
export function addKeys(fileText: string, paste: string): { text: string; report: AddKeysReport } {
  const present = new Set(parseKeyFile(fileText).keys);
  const inPaste = new Set<string>();
  const report: AddKeysReport = { added: [], duplicates: [], malformed: [] };
  const fresh: string[] = [];
  for (const [line, content] of meaningfulLines(paste)) {
    // Several keys on a line are split only if every word is key-shaped: a line of prose (or a
    // quoted key, or a URL) is one malformed line, not one per word.
    const words = content.split(/[\s,;]+/).filter(Boolean);
    for (const word of words.every((w) => KEY_SHAPE.test(w)) ? words : [content]) {
      const fp = fingerprint(word);
      if (!KEY_SHAPE.test(word)) report.malformed.push({ line, key: fp });
      else if (present.has(word)) report.duplicates.push({ line, key: fp, of: 'file' });
      else if (inPaste.has(word)) report.duplicates.push({ line, key: fp, of: 'paste' });
      else {
        inPaste.add(word);
        fresh.push(word);
        report.added.push(fp);
      }
    }
  }
  return { text: appendLines(fileText, fresh), report };
}

/** Removes the keys with these fingerprints from key.txt's text. */
export function removeKeys(fileText: string, fps: ReadonlySet<string>): { text: string; removed: string[] } {
  const r = removeLines(fileText, (content) => fps.has(fingerprint(content)));
  return { text: r.text, removed: r.removed.map(fingerprint) };
}
