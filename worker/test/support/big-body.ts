// A request body far over the size limit, for the 413 tests of every dialect: `head` (the start
// of a JSON body, ending inside a string) then 60 MiB of "x" in 1 MiB pieces, counting the bytes
// the Worker pulled, so a test can show it stopped reading early.
export const MB = 1024 * 1024;

export function bigBody(head: string, pulled: { bytes: number }): ReadableStream<Uint8Array> {
  const first = new TextEncoder().encode(head);
  const piece = new Uint8Array(MB).fill(0x78);
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      const chunk = sent === 0 ? first : piece;
      sent++;
      pulled.bytes += chunk.byteLength;
      if (sent > 61) c.close();
      else c.enqueue(chunk);
    },
  });
}

/** A handler-level fetch that records calls and refuses them: Gemini must not be reached. */
export function refusingFetch(calls: string[]): typeof fetch {
  return async (input) => {
    calls.push(String(input));
    throw new Error('Gemini must not be called');
  };
}
