import { fingerprint } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { addKeys, appendLines, removeKeys, removeLines } from '../src/admin/line-edit';
import { addClientKey, cleanLabel, listClientKeys, removeClientKey } from '../src/admin/client-admin';
import { clientKeysOfFile } from '../src/http/access-key';

const key = (n: number) => `AIzaLineEdit${String(n).padStart(27, '0')}`;

describe('appendLines', () => {
  it.each([
    ['', ['a'], 'a\n'],
    ['x\n', ['a', 'b'], 'x\na\nb\n'],
    ['x', ['a'], 'x\na\n'],
    ['x\r\ny\r\n', ['a'], 'x\r\ny\r\na\r\n'],
    ['x\n', [], 'x\n'],
  ])('%j + %j -> %j (ends the last line first, keeps CRLF)', (text, lines, want) => {
    expect(appendLines(text, lines)).toBe(want);
  });
});

describe('addKeys', () => {
  it('appends only new, well-formed keys; reports duplicates of the file and of the paste, and malformed lines, by fingerprint', () => {
    const file = `# header\n${key(1)}  # note\n`;
    const paste = `# a comment\n${key(2)}\n${key(1)}\n${key(2)}\nnot a key\n"${key(3)}"\n`;
    const { text, report } = addKeys(file, paste);
    expect(text).toBe(`# header\n${key(1)}  # note\n${key(2)}\n`);
    expect(report.added).toEqual([fingerprint(key(2))]);
    expect(report.duplicates).toEqual([
      { line: 3, key: fingerprint(key(1)), of: 'file' },
      { line: 4, key: fingerprint(key(2)), of: 'paste' },
    ]);
    expect(report.malformed).toEqual([
      { line: 5, key: fingerprint('not a key') },
      { line: 6, key: fingerprint(`"${key(3)}"`) },
    ]);
    expect(JSON.stringify(report)).not.toContain(key(3));
  });

  it('splits a line of comma- or space-separated keys, but not a line of prose', () => {
    expect(addKeys('', `${key(1)}, ${key(2)};${key(3)} ${key(4)}`).report.added).toHaveLength(4);
    expect(addKeys('', `${key(1)} is my key`).report).toMatchObject({ added: [], malformed: [{ line: 1 }] });
  });

  it('a paste with nothing new leaves the text exactly as it was', () => {
    const file = `${key(1)}`;
    expect(addKeys(file, key(1)).text).toBe(file);
  });
});

describe('removeKeys / removeLines', () => {
  it('removes the lines of the keys (inline comment and all) and keeps every other line and the CRLF endings', () => {
    const file = `# keys\r\n${key(1)} # first\r\n\r\n${key(2)}\r\n# tail\r\n`;
    const r = removeKeys(file, new Set([fingerprint(key(1))]));
    expect(r).toEqual({ text: `# keys\r\n\r\n${key(2)}\r\n# tail\r\n`, removed: [fingerprint(key(1))] });
  });

  it('removes a key listed twice, both times', () => {
    expect(removeKeys(`${key(1)}\n${key(1)}\n`, new Set([fingerprint(key(1))])).text).toBe('');
  });

  it('matching nothing returns the same text', () => {
    const file = `${key(1)}\n`;
    expect(removeLines(file, () => false)).toEqual({ text: file, removed: [] });
  });
});

describe('client keys file', () => {
  it('reads keys with their # labels, lists every source by fingerprint, adds and removes lines', () => {
    const file = '# team keys\nsk-aaaaaaaaaaaaaaaa  # alice\nsk-bbbbbbbbbbbbbbbb\n';
    expect(clientKeysOfFile(file)).toEqual([{ key: 'sk-aaaaaaaaaaaaaaaa', label: 'alice' }, { key: 'sk-bbbbbbbbbbbbbbbb' }]);
    const list = listClientKeys('sk-main000000000000', file, 'sk-envvvvvvvvvvvvvv, sk-aaaaaaaaaaaaaaaa');
    expect(list).toEqual([
      { key: fingerprint('sk-main000000000000'), source: 'access_key_file', label: 'main key (access_key.txt)' },
      { key: fingerprint('sk-aaaaaaaaaaaaaaaa'), source: 'client_keys_file', label: 'alice' },
      { key: fingerprint('sk-bbbbbbbbbbbbbbbb'), source: 'client_keys_file' },
      { key: fingerprint('sk-envvvvvvvvvvvvvv'), source: 'env', label: 'CLIENT_KEYS' },
    ]);
    const added = addClientKey(file, 'sk-cccccccccccccccc', 'carol');
    expect(added.endsWith('sk-cccccccccccccccc  # carol\n')).toBe(true);
    expect(removeClientKey(added, fingerprint('sk-aaaaaaaaaaaaaaaa'))).toEqual({ text: '# team keys\nsk-bbbbbbbbbbbbbbbb\nsk-cccccccccccccccc  # carol\n', removed: 1 });
  });

  it('labels are one printable line of at most 80 characters', () => {
    expect(cleanLabel(' bob\n\tlaptop\u0000 ')).toBe('bob laptop');
    expect(cleanLabel('x'.repeat(200))).toHaveLength(80);
  });
});
