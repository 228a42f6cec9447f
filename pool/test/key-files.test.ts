import { describe, expect, it } from 'vitest';
import { fingerprint } from '@opengemini/shared';
import { parseKeyFile } from '../src/keys/key-file';
import { normaliseUpstreamUrl, parseUpstreamFile } from '../src/upstreams/list-file';

const k1 = 'AIzaSyA1111111111111111111111111111111';
const k2 = 'AIzaSyB2222222222222222222222222222222';

describe('key.txt parsing', () => {
  it('keeps keys, skips blank lines and comments (whole-line and trailing), handles CRLF and a BOM', () => {
    const text = `\uFEFF# my keys\r\n\r\n${k1}\r\n   ${k2}   # the second one\n\n`;
    expect(parseKeyFile(text)).toEqual({ keys: [k1, k2], problems: [] });
  });

  it('reports duplicates and malformed lines by line number and fingerprint, never the key', () => {
    const quoted = `"${k2}"`;
    const { keys, problems } = parseKeyFile(`${k1}\n${k1}\n${quoted}\nshort\n`);
    expect(keys).toEqual([k1]);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(problems[0]!.message).toContain('duplicate of line 1');
    expect(problems[0]!.message).toContain(fingerprint(k1));
    expect(problems[1]!.message).toContain(fingerprint(quoted));
    for (const p of problems) {
      expect(p.message).not.toContain(k1);
      expect(p.message).not.toContain(k2);
    }
  });
});

describe('upstreams.txt parsing', () => {
  it.each([
    ['https://a.workers.dev', 'https://a.workers.dev'],
    ['https://a.workers.dev/', 'https://a.workers.dev'],
    ['https://a.workers.dev/v1', 'https://a.workers.dev'],
    ['https://a.workers.dev/v1/', 'https://a.workers.dev'],
    ['https://a.workers.dev/v1beta', 'https://a.workers.dev'],
    ['https://proxy.example/gemini/v1', 'https://proxy.example/gemini'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['ftp://a.dev', undefined],
    ['https://user:pw@a.dev', undefined],
    ['https://a.dev/?key=x', undefined],
    ['not a url', undefined],
  ])('normalises %s', (raw, expected) => {
    expect(normaliseUpstreamUrl(raw)).toBe(expected);
  });

  it('reads optional per-line secrets and reports duplicates (same URL with or without /v1)', () => {
    const text = '# workers\nhttps://a.dev/v1 secret=s3cret\nhttps://b.dev\nhttps://a.dev\n';
    const { upstreams, problems } = parseUpstreamFile(text);
    expect(upstreams).toEqual([{ url: 'https://a.dev', secret: 's3cret' }, { url: 'https://b.dev' }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^line 4: duplicate of line 2/);
  });

  it('never echoes a secret or a key from a malformed line', () => {
    const { problems } = parseUpstreamFile(`https://a.dev secret=hunter2 extra\nhttps://b.dev/?key=${k1}\n`);
    expect(problems.map((p) => p.line)).toEqual([1, 2]);
    const all = problems.map((p) => p.message).join('\n');
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain(k1);
  });

  it('an empty or comment-only file means no upstreams (direct mode)', () => {
    expect(parseUpstreamFile('# none yet\n\n').upstreams).toEqual([]);
  });
});
