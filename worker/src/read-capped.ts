// Reading a body with a size cap: the one place the Worker buffers a stream (client JSON bodies,
// fetched media). It stops at the first byte past the cap and cancels the rest unread. The cap
// can be shared by several bodies read at once (a ByteBudget): remote media of one request.
import { concatBytes } from '@opengemini/shared';

/** Bytes that several reads draw on together. */
export class ByteBudget {
  constructor(private left: number) {}

  /** Takes `bytes`; false (and nothing kept back) once the budget is overdrawn. */
  take(bytes: number): boolean {
    this.left -= bytes;
    return this.left >= 0;
  }

  get remaining(): number {
    return Math.max(0, this.left);
  }
}

/** The whole body, or undefined as soon as it grows past `max` bytes (or overdraws the budget). */
export async function readCapped(body: ReadableStream<Uint8Array> | null, max: number | ByteBudget): Promise<Uint8Array | undefined> {
  if (!body) return new Uint8Array(0);
  const budget = typeof max === 'number' ? new ByteBudget(max) : max;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!budget.take(value.byteLength)) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : concatBytes(chunks);
}
