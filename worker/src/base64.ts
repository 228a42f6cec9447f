// Base64 for the Worker, in one place: standard (inline media, embeddings) and URL-safe (tool
// call ids). Web-standard only (atob, TextEncoder/Decoder), the same in workerd and Node.

/** Native Uint8Array#toBase64 where the runtime has it (recent V8). */
const nativeToBase64 = (Uint8Array.prototype as { toBase64?: (this: Uint8Array) => string }).toBase64;
const B64_CODES = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const ascii = new TextDecoder();

/**
 * Standard base64. Without a native encoder: a table loop into a byte buffer, decoded once as
 * ASCII. Measured on Node 20 for 20 MiB: ~100 ms, against ~400 ms for chunked
 * String.fromCharCode + btoa, and no megabyte-long intermediate "binary string".
 */
export function bytesToBase64(bytes: Uint8Array): string {
  if (nativeToBase64) return nativeToBase64.call(bytes);
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  const end = n - (n % 3);
  let o = 0;
  let i = 0;
  for (; i < end; i += 3) {
    const x = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = B64_CODES[x >> 18]!;
    out[o++] = B64_CODES[(x >> 12) & 63]!;
    out[o++] = B64_CODES[(x >> 6) & 63]!;
    out[o++] = B64_CODES[x & 63]!;
  }
  if (n - end > 0) {
    const x = (bytes[i]! << 16) | (n - end === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = B64_CODES[x >> 18]!;
    out[o++] = B64_CODES[(x >> 12) & 63]!;
    out[o++] = n - end === 2 ? B64_CODES[(x >> 6) & 63]! : 61; // '='
    out[o++] = 61;
  }
  return ascii.decode(out);
}

/** The first bytes of a base64 string (standard or URL-safe), for sniffing; never throws. */
export function base64Head(data: string): Uint8Array {
  try {
    const bin = atob(data.slice(0, 24).replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return new Uint8Array(0);
  }
}

/** Text whose UTF-8 bytes are its char codes, which btoa then takes as they are. */
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * URL-safe base64 without padding (RFC 4648 §5) of a text's UTF-8 bytes. An ASCII text (a call
 * id's payload nearly always is: Gemini's ids and base64 signatures) goes through the runtime's
 * btoa, whose input chars are then the very bytes: no encoding step and no table loop, which in
 * a Worker serving a few requests runs unoptimised (a 240-character signature, calls 60 to 360 of
 * a fresh Node process: 2.4-10.9 us that way, 1.3-2.3 us this way).
 */
export function textToBase64Url(text: string): string {
  const standard = ASCII_ONLY.test(text) ? btoa(text) : bytesToBase64(new TextEncoder().encode(text));
  return standard.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes standard or URL-safe base64, padded or not; throws on invalid input (atob does). */
export function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
