import { describe, expect, it } from 'vitest';
import { concatBytes, fingerprint, fnv1a32, isGoogleApiKey, parseDuration, scrubKeys } from '../src/index';

// Test keys: shaped like Google API keys, never real.
const KEY_A = `AIza${'A'.repeat(35)}`;
const KEY_B = `AIzaSy${'b1_-'.repeat(8)}x`;

describe('fingerprint', () => {
  it('is stable, short, and shows only the last four characters of the key', () => {
    expect(fingerprint(KEY_A)).toBe(fingerprint(KEY_A));
    expect(fingerprint(KEY_A)).toMatch(/^…AAAA#[0-9a-f]{6}$/);
    expect(fingerprint(KEY_A)).not.toContain(KEY_A.slice(0, 8));
  });
  it('tells keys apart that share their last four characters', () => {
    const other = `AIzb${'A'.repeat(35)}`;
    expect(fingerprint(other)).not.toBe(fingerprint(KEY_A));
  });
});

describe('scrubKeys', () => {
  it.each([
    [`Consumer 'api_key:${KEY_A}' has been suspended.`, `Consumer 'api_key:[key ${fingerprint(KEY_A)}]' has been suspended.`],
    [`two: ${KEY_A} and ${KEY_B}.`, `two: [key ${fingerprint(KEY_A)}] and [key ${fingerprint(KEY_B)}].`],
    ['nothing here', 'nothing here'],
    ['AIza too short', 'AIza too short'],
    [`{"key":"${KEY_B}"}`, `{"key":"[key ${fingerprint(KEY_B)}]"}`],
  ])('%s', (input, output) => {
    expect(scrubKeys(input)).toBe(output);
  });
  it('leaves no key-shaped string behind', () => {
    expect(scrubKeys(`${KEY_A}${KEY_B}`)).not.toMatch(/AIza[0-9A-Za-z_-]{35}/);
  });
});

describe('isGoogleApiKey', () => {
  it.each([
    [KEY_A, true],
    [KEY_B, true],
    [`${KEY_A}x`, false],
    [KEY_A.slice(1), false],
    ['sk-abc', false],
  ])('%s -> %s', (key, ok) => {
    expect(isGoogleApiKey(key)).toBe(ok);
  });
});

describe('parseDuration (google.protobuf.Duration JSON)', () => {
  it.each([
    ['47s', 47_000],
    ['0s', 0],
    ['0.5s', 500],
    ['1.000340s', 1000],
    ['47', undefined],
    ['1m', undefined],
    [47, undefined],
  ] as const)('%j -> %j', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });
});

describe('fnv1a32 (the fingerprint hash, and the start of the pool\'s rendezvous score)', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('%j hashes to the published FNV-1a vector', (text, hash) => {
    expect(fnv1a32(text)).toBe(hash);
  });

  it('gives the fingerprint its six hex digits', () => {
    expect(fingerprint(KEY_A)).toBe(`…AAAA#${(fnv1a32(KEY_A) & 0xffffff).toString(16).padStart(6, '0')}`);
  });
});

describe('concatBytes', () => {
  it('puts the parts one after the other, empty parts included', () => {
    expect([...concatBytes([Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)])]).toEqual([1, 2, 3]);
    expect(concatBytes([]).byteLength).toBe(0);
  });
});
