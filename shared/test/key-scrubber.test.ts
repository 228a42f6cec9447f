import { describe, expect, it } from 'vitest';
import { KeyScrubber, fingerprint } from '../src/index';
import { random as seededRandom } from '../../worker/test/support/random';

// Test keys, never real: one Google-shaped, the rest of other shapes (a newer format, a proxy's).
const GOOGLE = `AIza${'G'.repeat(35)}`;
const OTHER = 'gk_live_0123456789abcdefABCDEF';
const DOTTED = 'proxy.key-9f8e7d6c5b4a39281706';
const label = (k: string) => `[key ${fingerprint(k)}]`;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('KeyScrubber.scrub replaces every held key literally, whatever its shape', () => {
  const scrubber = new KeyScrubber([OTHER, DOTTED, GOOGLE]);
  it.each([
    [`API key not valid: api_key:${OTHER}.`, `API key not valid: api_key:${label(OTHER)}.`],
    [`${OTHER}${DOTTED}`, `${label(OTHER)}${label(DOTTED)}`],
    [`"${DOTTED}" and again ${DOTTED}`, `"${label(DOTTED)}" and again ${label(DOTTED)}`],
    [`a Google one ${GOOGLE}!`, `a Google one ${label(GOOGLE)}!`],
    ['nothing here, not even gk_live_0123', 'nothing here, not even gk_live_0123'],
    ['', ''],
  ])('%s', (input, output) => {
    expect(scrubber.scrub(input)).toBe(output);
  });
  it('still removes Google-shaped keys it does not hold', () => {
    const stranger = `AIza${'s'.repeat(35)}`;
    expect(scrubber.scrub(`x ${stranger} y`)).toBe(`x ${label(stranger)} y`);
    expect(KeyScrubber.patternOnly.scrub(`x ${stranger} y`)).toBe(`x ${label(stranger)} y`);
  });
  it('returns the same string when there is nothing to scrub (no copy)', () => {
    const text = 'plain text '.repeat(100);
    expect(scrubber.scrub(text)).toBe(text);
  });
  it('a key inside a longer held key: the longer one is scrubbed whole', () => {
    const long = `${OTHER}_extension`;
    const s = new KeyScrubber([OTHER, long]);
    expect(s.scrub(`<${long}>`)).toBe(`<${label(long)}>`);
    expect(s.scrub(`<${OTHER}>`)).toBe(`<${label(OTHER)}>`);
  });
  it('ignores a held "key" too short to be one (it would garble ordinary text)', () => {
    expect(new KeyScrubber(['abc']).scrub('abc abc')).toBe('abc abc');
  });
  it('scales to many keys: 2,000 keys, each found in text', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `k${String(i).padStart(5, '0')}_${'z'.repeat(20)}`);
    const s = new KeyScrubber(keys);
    expect(s.size).toBe(2000);
    for (const k of [keys[0]!, keys[999]!, keys[1999]!]) expect(s.scrub(`[${k}]`)).toBe(`[${label(k)}]`);
  });
});

describe('KeyScrubber.scrubBytes works on bytes without decoding what surrounds a key', () => {
  const scrubber = new KeyScrubber([OTHER]);
  it('replaces the key and keeps multi-byte text intact', () => {
    const input = enc(`日本語 ${OTHER} ✓`);
    expect(dec(scrubber.scrubBytes(input))).toBe(`日本語 ${label(OTHER)} ✓`);
  });
  it('returns the input itself when there is nothing to scrub', () => {
    const input = enc('data: {"text":"hi"}\n\n');
    expect(scrubber.scrubBytes(input)).toBe(input);
  });
});

describe('KeyScrubber.stream finds keys cut anywhere across chunks', () => {
  const keys = [OTHER, DOTTED];
  const scrubber = new KeyScrubber(keys);
  const text = `data: {"error":{"message":"leaked: ${OTHER}, ${GOOGLE} and ${DOTTED}","x":"日本"}}\r\n\r\n`;
  const expected = scrubber.scrub(text);

  it('every single cut point gives the same output as scrubbing the whole', () => {
    const bytes = enc(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const st = scrubber.stream();
      const out = [st.push(bytes.subarray(0, cut)), st.push(bytes.subarray(cut)), st.end()];
      expect(dec(concat(out)), `cut at ${cut}`).toBe(expected);
    }
  });
  it('random chunkings of a long stream (seeded) give the same output', () => {
    const rand = seededRandom(7);
    const long = enc(text.repeat(20));
    const want = scrubber.scrub(text.repeat(20));
    for (let run = 0; run < 200; run++) {
      const st = scrubber.stream();
      const out: Uint8Array[] = [];
      for (let at = 0; at < long.length; ) {
        const size = 1 + Math.floor(rand() * 60);
        out.push(st.push(long.subarray(at, at + size)));
        at += size;
      }
      out.push(st.end());
      expect(dec(concat(out))).toBe(want);
    }
  });
  it('holds back only what could start a key: a chunk ending in an SSE frame goes out whole', () => {
    const st = scrubber.stream();
    const chunk = enc('data: {"text":"hello"}\r\n\r\n');
    expect(st.push(chunk)).toBe(chunk);
    const partial = st.push(enc('data: {"text":"gk_li'));
    expect(dec(partial)).toBe('data: {"text":"');
    expect(dec(st.push(enc('ve_no"}\r\n\r\n')))).toBe('gk_live_no"}\r\n\r\n');
  });
  it('a stream that ends on a key prefix gives the prefix back', () => {
    const st = scrubber.stream();
    expect(dec(st.push(enc('tail gk_live_0123')))).toBe('tail ');
    expect(dec(st.end())).toBe('gk_live_0123');
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('one held key (the Worker\'s case) takes its own search path and agrees with the general one', () => {
  const one = new KeyScrubber([OTHER]);
  const text = `x${OTHER}y ${OTHER}${OTHER} gk_live_ gk_live_0123456789abcdefABCDE gk_live_0123456789abcdefABCDEF`;
  it('text and bytes alike', () => {
    const want = `x${label(OTHER)}y ${label(OTHER)}${label(OTHER)} gk_live_ gk_live_0123456789abcdefABCDE ${label(OTHER)}`;
    expect(one.scrub(text)).toBe(want);
    expect(dec(one.scrubBytes(enc(text)))).toBe(want);
  });
  it('every cut point of a stream', () => {
    const bytes = enc(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const st = one.stream();
      const out = [st.push(bytes.subarray(0, cut)), st.push(bytes.subarray(cut)), st.end()];
      expect(dec(concat(out)), `cut at ${cut}`).toBe(one.scrub(text));
    }
  });
});

describe('the Google-key pattern leaves base64 data alone', () => {
  // "AIza" + 35 key characters turns up by chance in base64 (an inline image, a thought
  // signature) about once in 50 million characters: a 2 MB image would be corrupted 4% of the time.
  const inImage = `data:image/png;base64,iVBORw0KGgo${'AIza'}${'Qk9'.repeat(12)}x+/AAAA==`;
  it('a key-shaped run inside base64 is kept, in text and in a stream cut anywhere', () => {
    expect(KeyScrubber.patternOnly.scrub(inImage)).toBe(inImage);
    const bytes = enc(inImage);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const st = KeyScrubber.patternOnly.stream();
      expect(dec(concat([st.push(bytes.subarray(0, cut)), st.push(bytes.subarray(cut)), st.end()])), `cut at ${cut}`).toBe(inImage);
    }
  });
  it('a key where a key is written (after a quote, a colon, a space, or another key) is still scrubbed', () => {
    const k = `AIza${'K'.repeat(35)}`;
    for (const text of [`"${k}"`, `api_key:${k}`, `key=${k}&x`, `${k}${k}`, k]) expect(KeyScrubber.patternOnly.scrub(text)).not.toContain(k);
  });
  it('a held key is scrubbed literally even inside base64', () => {
    const held = `AIza${'H'.repeat(35)}`;
    expect(new KeyScrubber([held]).scrub(`iVBOR${held}AAAA`)).toBe(`iVBOR[key ${fingerprint(held)}]AAAA`);
  });
});

/** The reference: every occurrence of every key by indexOf, overlaps merged as KeyScrubber documents. */
function naiveScrub(text: string, keys: readonly string[]): string {
  const spans: { start: number; end: number; key: string }[] = [];
  for (const k of keys) for (let at = text.indexOf(k); at >= 0; at = text.indexOf(k, at + 1)) spans.push({ start: at, end: at + k.length, key: k });
  spans.sort((x, y) => x.start - y.start || y.end - x.end);
  const merged: { start: number; end: number; key: string }[] = [];
  let longest = 0;
  for (const sp of spans) {
    const prev = merged[merged.length - 1];
    if (prev && sp.start < prev.end) {
      if (sp.end - sp.start > longest) [prev.key, longest] = [sp.key, sp.end - sp.start];
      prev.end = Math.max(prev.end, sp.end);
    } else {
      merged.push({ ...sp });
      longest = sp.end - sp.start;
    }
  }
  let out = '';
  let last = 0;
  for (const sp of merged) {
    out += text.slice(last, sp.start) + label(sp.key);
    last = sp.end;
  }
  return out + text.slice(last);
}

describe('the sampled filter in front of the automaton misses no key (many held keys)', () => {
  // Keys of every length from the shortest allowed up, sharing prefixes, suffixes and middles, so
  // that the filter's grams pass often and windows overlap; texts made of their pieces.
  const rand = seededRandom(11);
  const pick = <T,>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.';
  const randomText = (n: number) => Array.from({ length: n }, () => pick([...alphabet])).join('');
  const base = randomText(80);
  const keys = [
    ...Array.from({ length: 30 }, () => randomText(16 + Math.floor(rand() * 50))),
    ...Array.from({ length: 10 }, (_, i) => base.slice(i, i + 16 + i * 3)), // overlapping windows of one string
    `${base.slice(0, 20)}${randomText(10)}`, // shares a prefix with the above
    `${randomText(10)}${base.slice(30, 50)}`, // shares a suffix
  ];
  const scrubber = new KeyScrubber(keys, { googlePattern: false });
  const texts = Array.from({ length: 300 }, () => {
    let t = '';
    while (t.length < 400) {
      const r = rand();
      const k = pick(keys);
      if (r < 0.15) t += k; // a whole key
      else if (r < 0.5) t += k.slice(Math.floor(rand() * k.length)).slice(0, 1 + Math.floor(rand() * 15)); // a piece of one
      else t += randomText(1 + Math.floor(rand() * 20));
    }
    return t;
  });

  it('text: the same output as indexOf over every key, at every offset', () => {
    for (const t of texts) expect(scrubber.scrub(t)).toBe(naiveScrub(t, keys));
    // Each key planted at every offset of a short text.
    for (const k of keys) for (let at = 0; at < 20; at++) {
      const t = `${randomText(at)}${k}${randomText(3)}`;
      expect(scrubber.scrub(t)).toBe(naiveScrub(t, keys));
    }
  });
  it('bytes and streams cut at random give the same output as text', () => {
    for (const t of texts.slice(0, 60)) {
      const want = naiveScrub(t, keys);
      expect(dec(scrubber.scrubBytes(enc(t)))).toBe(want);
      const st = scrubber.stream();
      const out: Uint8Array[] = [];
      const bytes = enc(t);
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(rand() * 90);
        out.push(st.push(bytes.subarray(at, at + size)));
        at += size;
      }
      out.push(st.end());
      expect(dec(concat(out))).toBe(want);
    }
  });
});
