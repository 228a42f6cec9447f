// Raw HTTP/1.1 exchanges with the pool over a plain socket, for what fetch and the SDKs would
// normalise or refuse to send: bodies announced larger than sent, bodies trickled byte by byte,
// headers dripped, paths with dot segments.
import net from 'node:net';

export interface RawExchange {
  /** The status line the pool answered, '' if none. */
  status: string;
  /** Everything the pool answered: head and body (latin1). */
  reply: string;
  /** Whether the pool closed the connection (false: `waitMs` passed first). */
  closed: boolean;
  /** Body bytes handed to the socket before the pool closed it (sendBytes only, else 0). */
  sent: number;
  /** From connecting to the end of the exchange. */
  ms: number;
}

/**
 * Opens a connection, lets `talk` write to it, and resolves with what came back once the pool
 * closes it, or after `waitMs` (a hang guard). `talk` may return a cleanup to run at the end.
 */
export function rawExchange(port: number, talk: (s: net.Socket, closed: () => boolean) => (() => void) | void, waitMs = 10_000): Promise<RawExchange> {
  const started = Date.now();
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let reply = '';
    let closed = false;
    let cleanup: (() => void) | void;
    const done = () => {
      clearTimeout(timer);
      cleanup?.();
      s.destroy();
      resolve({ status: reply.split('\r\n')[0] ?? '', reply, closed, sent: 0, ms: Date.now() - started });
    };
    const timer = setTimeout(done, waitMs);
    s.on('data', (d: Buffer) => (reply += d.toString('latin1')));
    s.on('error', () => {});
    s.on('close', () => {
      closed = true;
      done();
    });
    cleanup = talk(s, () => closed);
  });
}

/** `head`, then `pieces` one by one `pauseMs` apart. */
export function sendPieces(port: number, head: string, pieces: readonly string[] = [], opts: { pauseMs?: number; waitMs?: number } = {}): Promise<RawExchange> {
  return rawExchange(
    port,
    (s, closed) => {
      s.write(head);
      let i = 0;
      const pump = () => {
        if (closed() || i >= pieces.length) return;
        s.write(pieces[i++] ?? '');
        setTimeout(pump, opts.pauseMs ?? 0);
      };
      pump();
    },
    opts.waitMs,
  );
}

/** `head`, then up to `bodyBytes` of body in 64 KiB writes (`pauseMs` apart, or as fast as the socket drains). */
export async function sendBytes(port: number, head: string, bodyBytes: number, opts: { pauseMs?: number; waitMs?: number } = {}): Promise<RawExchange> {
  let sent = 0;
  const r = await rawExchange(
    port,
    (s, closed) => {
      s.write(head);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (sent < bodyBytes && !closed()) {
          const piece = chunk.subarray(0, Math.min(chunk.length, bodyBytes - sent));
          sent += piece.length;
          const more = s.write(piece);
          if (opts.pauseMs) return void setTimeout(pump, opts.pauseMs);
          if (!more) return void s.once('drain', pump);
        }
      };
      pump();
    },
    opts.waitMs,
  );
  return { ...r, sent };
}
