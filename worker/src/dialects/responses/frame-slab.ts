// Small output frames written one after another into a shared buffer, each handed out as its own
// view: one ArrayBuffer per SLAB_SIZE bytes of output instead of one per frame. Allocating an
// ArrayBuffer costs more than writing a ~300-byte delta frame into it (about 0.4 us in Node, most
// of what a delta frame cost), and a stream is thousands of them.
//
// Safe because a byte is never written again once its frame is handed out (the slab only moves
// forward; a full slab is left to the frames still pointing into it), and because what carries
// the frames passes them on without detaching them: the client's body is a value-oriented
// ReadableStream, which the Streams spec lets queue one buffer several times, so neither Node's
// web streams nor workerd's pump (which detaches only byte-oriented streams' chunks) detaches
// them. A consumer may keep a frame as long as it likes: the slab lives as long as its frames.
const encoder = new TextEncoder();

/** The size of each shared buffer. */
export const SLAB_SIZE = 64 * 1024;
/** A frame whose worst case exceeds this gets a buffer of its own (no slab is wasted on it). */
const MAX_SHARED_FRAME = SLAB_SIZE / 4;

export class FrameSlab {
  private slab = new Uint8Array(0);
  private at = 0;

  /** `head` then `text` as UTF-8, as one frame (a view no later frame overlaps). */
  write(head: Uint8Array, text: string): Uint8Array {
    // A UTF-16 unit never takes more than 3 UTF-8 bytes.
    const worst = head.byteLength + text.length * 3;
    let buf = this.slab;
    let at = this.at;
    if (worst > MAX_SHARED_FRAME) {
      buf = new Uint8Array(worst);
      at = 0;
    } else if (at + worst > buf.byteLength) {
      buf = this.slab = new Uint8Array(SLAB_SIZE);
      at = this.at = 0;
    }
    buf.set(head, at);
    const end = at + head.byteLength + encoder.encodeInto(text, buf.subarray(at + head.byteLength)).written;
    if (buf === this.slab) this.at = end;
    return buf.subarray(at, end);
  }
}
