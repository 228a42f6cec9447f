// The Worker's base64 (base64.ts): the URL-safe form of a text's UTF-8 bytes is the same whether the
// text is ASCII (the runtime's btoa) or not (TextEncoder and the table loop), and reads back whole.
import { describe, expect, it } from 'vitest';
import { bytesToBase64, fromBase64Url, textToBase64Url } from '../src/base64';

/** The reference: RFC 4648 §5 of the UTF-8 bytes, from Node's own encoder. */
const reference = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('textToBase64Url', () => {
  it.each([
    ['empty', ''],
    ['one byte (two pad characters dropped)', 'a'],
    ['two bytes (one dropped)', 'ab'],
    ['three bytes (none)', 'abc'],
    ['a call payload: Gemini id, newline, standard base64 signature with + / =', 'fc-1\nc2ln+/YXR1cmU='.repeat(12)],
    ['bytes whose base64 has + and /, written - and _ (ÿ~þ> is w79-w74-, ÿÿÿ is w7_Dv8O_)', '\u00ff~\u00fe>\u00ff\u00ff\u00ff'],
    ['Latin-1 past ASCII (UTF-8 is two bytes each, not btoa\'s one)', 'café ünïcödé'],
    ['CJK and an emoji (three and four bytes)', '工具调用 🔧'],
    ['control characters', '\u0000\u0001\u007f'],
  ])('%s: the URL-safe base64 of its UTF-8 bytes, and back', (_name, text) => {
    const encoded = textToBase64Url(text);
    expect(encoded).toBe(reference(text));
    if (text.startsWith('\u00ff~')) expect(encoded).toMatch(/-.*_|_.*-/);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
    expect(new TextDecoder().decode(fromBase64Url(encoded))).toBe(text);
  });
});

describe('bytesToBase64', () => {
  it.each([0, 1, 2, 3, 4, 255, 256, 1000])('%i bytes: standard base64 with padding', (n) => {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });
});

it('a lone surrogate is encoded as U+FFFD, as TextEncoder writes it (so it does not come back as it was)', () => {
  const text = 'a\ud800b';
  expect(textToBase64Url(text)).toBe(reference(text));
  expect(new TextDecoder().decode(fromBase64Url(textToBase64Url(text)))).toBe('a\ufffdb');
});
