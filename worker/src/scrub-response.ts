// The last thing every answer of the Worker passes through: the key it was handed, scrubbed
// literally from the body, whatever the key's shape. Google echoes a leaked key in its 403 in full,
// and the pattern scrub of error messages only knows Google's `AIza` shape; this covers the
// literal key everywhere (error bodies, native passthrough, streams cut anywhere) in one place.
import { KeyScrubber } from '@opengemini/shared';

export function scrubHandedKey(res: Response, key: string): Response {
  // The handed key only: error messages got the pattern scrub where they were made, and answers
  // (images in base64 among them) are not searched for other key shapes.
  const scrubber = new KeyScrubber([key], { googlePattern: false });
  // A "key" too short to be a real one is not matched literally (KeyScrubber); nothing to do.
  if (scrubber.size === 0 || res.body === null) return res;
  const stream = scrubber.stream();
  const body = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const out = stream.push(chunk);
        if (out.length) controller.enqueue(out);
      },
      flush(controller) {
        const rest = stream.end();
        if (rest.length) controller.enqueue(rest);
      },
    }),
  );
  const headers = new Headers(res.headers);
  headers.delete('content-length'); // a scrubbed key changes the length
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
}
