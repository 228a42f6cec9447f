// Key hygiene shared by both tiers: no key is ever logged or returned in full.

/**
 * 32-bit FNV-1a over the UTF-16 code units of `text`, unsigned: the fingerprint's hash, and the
 * pool's rendezvous score starts from it (upstreams.ts). Fast, stable across runtimes; no secret.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A stable short fingerprint of a key, safe to log and show: the last 4 characters plus 6 hex
 * digits of a 32-bit FNV-1a hash of the whole key. Synchronous and dependency-free so it runs
 * the same in workerd and Node; it identifies a key among a user's keys, it is not a secret
 * derivation (the hash is 24 bits and the tail is 4 characters, far too little to recover it).
 */
export function fingerprint(key: string): string {
  const hex = (fnv1a32(key) & 0xffffff).toString(16).padStart(6, '0');
  return `…${key.slice(-4)}#${hex}`;
}

/** True for a string that looks like a Google API key (whole string). */
export function isGoogleApiKey(text: string): boolean {
  return /^AIza[0-9A-Za-z_-]{35}$/.test(text);
}
