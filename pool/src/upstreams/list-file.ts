// Parsing upstreams.txt: one Worker base URL per line, with or without `/v1`, optionally followed
// by `secret=<value>` (sent as x-opengemini-secret to that upstream only). Same rules as key.txt:
// blank lines and `#` comments allowed, duplicates and malformed lines reported and skipped.
import { fingerprint } from '@opengemini/shared';
import { type LineProblem, meaningfulLines } from '../keys';

export interface UpstreamSpec {
  /** Normalised base URL: origin plus any path prefix, no trailing slash, no `/v1`. */
  url: string;
  secret?: string;
}

export interface ParsedUpstreams {
  upstreams: UpstreamSpec[];
  problems: LineProblem[];
}

/**
 * Normalises a Worker URL so `https://x.dev`, `https://x.dev/`, `https://x.dev/v1` and
 * `https://x.dev/v1/` name the same upstream. The pool appends `/v1/...` or `/v1beta/...` itself.
 * Returns undefined for anything that is not an http(s) URL without credentials, query or fragment.
 */
export function normaliseUpstreamUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1(beta)?$/, '');
  return `${url.origin}${path}`;
}

/** Secrets in URLs would be logged; the line format keeps them in a separate word. */
function redactedLine(content: string): string {
  return content.replace(/secret=\S+/g, 'secret=***').slice(0, 120);
}

export function parseUpstreamFile(text: string): ParsedUpstreams {
  const upstreams: UpstreamSpec[] = [];
  const problems: LineProblem[] = [];
  const seen = new Map<string, number>();
  for (const [line, content] of meaningfulLines(text)) {
    const [rawUrl = '', ...words] = content.split(/\s+/);
    const url = normaliseUpstreamUrl(rawUrl);
    let secret: string | undefined;
    let bad = url === undefined;
    for (const word of words) {
      if (word.startsWith('secret=') && word.length > 7 && secret === undefined) secret = word.slice(7);
      else bad = true;
    }
    if (bad || url === undefined) {
      // The URL itself may embed a key (`?key=AIza...`): never echo it, only a fingerprint.
      const shown = /AIza|key=/i.test(content) ? fingerprint(content) : JSON.stringify(redactedLine(content));
      problems.push({ line, message: `line ${line}: not a Worker URL [secret=...] (${shown}), skipped` });
      continue;
    }
    const first = seen.get(url);
    if (first !== undefined) {
      problems.push({ line, message: `line ${line}: duplicate of line ${first} (${url}), skipped` });
      continue;
    }
    seen.set(url, line);
    upstreams.push(secret === undefined ? { url } : { url, secret });
  }
  return { upstreams, problems };
}
