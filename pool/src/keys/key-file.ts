// Parsing key.txt: one Gemini key per line; blank lines and `#` comments (whole-line or after the
// key) allowed. Duplicates and malformed lines are reported by line number and fingerprint, never
// by the key itself, and skipped. Pure: reading the file is the caller's job.
import { fingerprint } from '@opengemini/shared';

export interface LineProblem {
  line: number;
  /** What is wrong, safe to log: it names the line and a fingerprint, never a secret. */
  message: string;
}

export interface ParsedKeys {
  keys: string[];
  problems: LineProblem[];
}

/** Yields [lineNumber, content] for each line that is not blank or a comment, inline comments cut. */
export function* meaningfulLines(text: string): Generator<[number, string]> {
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    if (i === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1); // a BOM from Windows editors
    const hash = line.search(/(^|\s)#/);
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    if (line) yield [i + 1, line];
  }
}

/**
 * What a key may look like: URL-safe characters, 20 to 200 long. Google's keys are `AIza` + 35;
 * other shapes (newer formats, test keys) are accepted so the pool does not need an update when
 * Google changes the format, while quotes, spaces and pasted URLs are caught.
 */
export const KEY_SHAPE = /^[A-Za-z0-9_.\-]{20,200}$/;

export function parseKeyFile(text: string): ParsedKeys {
  const keys: string[] = [];
  const problems: LineProblem[] = [];
  const seen = new Map<string, number>();
  for (const [line, content] of meaningfulLines(text)) {
    if (!KEY_SHAPE.test(content)) {
      // A malformed line may still hold a key (e.g. quoted): show only its fingerprint.
      problems.push({ line, message: `line ${line}: not a key (${fingerprint(content)}), skipped` });
      continue;
    }
    const first = seen.get(content);
    if (first !== undefined) {
      problems.push({ line, message: `line ${line}: duplicate of line ${first} (${fingerprint(content)}), skipped` });
      continue;
    }
    seen.set(content, line);
    keys.push(content);
  }
  return { keys, problems };
}
