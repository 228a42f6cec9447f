// Every secret this process has held (Gemini keys from key.txt, client keys, ADMIN_KEY, the
// Worker secrets of upstreams.txt and WORKER_SECRET), scrubbed literally wherever text or bytes
// leave it: answers, streams, log lines, /status, /admin/keys, state.json.
// Google echoes a leaked key in full in its 403 whatever its shape, so matching `AIza...` alone
// lets a key of another shape through. Process-wide on purpose: the logger exists before any key
// is read, and one answer may be relayed while key.txt is edited; the set only grows (a key taken
// out of key.txt is still scrubbed from answers already on their way), bounded by what the
// operator ever lists. A second pool in the same process (tests) only adds to what is scrubbed.
import { KeyScrubber } from '@opengemini/shared';

const held = new Set<string>();
let scrubber = KeyScrubber.patternOnly;

/** Adds secrets to the scrubbed set; rebuilds the scrubber only when one is new. */
export function holdKeys(keys: Iterable<string>): void {
  const before = held.size;
  for (const k of keys) held.add(k);
  if (held.size !== before) scrubber = new KeyScrubber(held);
}

/** The scrubber for every secret held so far (take it per stream: it is replaced as keys come). */
export function heldKeyScrubber(): KeyScrubber {
  return scrubber;
}

/** `text` with every held secret, and anything shaped like a Google key, replaced by its fingerprint. */
export function scrubHeldKeys(text: string): string {
  return scrubber.scrub(text);
}
