// Writes a streamed answer the way Gemini does, and misbehaves on request: SSE events
// (`data: <one-line JSON>` + "\r\n\r\n") with ?alt=sse, otherwise a JSON array written element
// by element. Every timing trick (delays, stalls, drops, errors mid-stream, awkward splits)
// lives here, so the route code only says what to send.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamShape } from './types';

export interface StreamJob {
  events: readonly unknown[];
  /** 'sse' for ?alt=sse; 'json' for the JSON-array stream. */
  mode: 'sse' | 'json';
  shape: StreamShape;
  /** The body of `shape.errorAfter`, already built. */
  errorBody?: unknown;
  /** Aborted when the mock closes. */
  signal: AbortSignal;
  /** Writes (and records) the status line and headers. */
  head: (status: number, headers: Record<string, string>) => void;
}

/** Waits ms; false when aborted first (client gone or mock closing). */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

const forever = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

/** Resolves once the bytes are handed to the socket, so a later destroy cannot lose them. */
const write = (res: ServerResponse, bytes: Buffer): Promise<void> =>
  new Promise((resolve) => {
    if (res.destroyed) resolve();
    else res.write(bytes, () => resolve());
  });

/** Byte offsets at which 'awkward' splitting cuts one event. */
export function awkwardCuts(bytes: Buffer, framing: string): number[] {
  const cuts = new Set<number>([1, 3]);
  const lead = bytes.findIndex((b) => b >= 0xc0); // the first byte of a multi-byte UTF-8 character
  if (lead >= 0) cuts.add(lead + 1);
  cuts.add(bytes.length - framing.length + 1); // e.g. between the "\r" and "\n" of "\r\n\r\n"
  cuts.add(bytes.length - 1);
  return [...cuts].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
}

/** Byte offsets at which one event is cut into separately written pieces ([] for whole events). */
export function pieceCuts(bytes: Buffer, split: StreamShape['split'], framing: string): number[] {
  if (split === undefined || split === 'merged') return [];
  if (split === 'awkward') return awkwardCuts(bytes, framing);
  const cuts: number[] = [];
  for (let c = split.every; c < bytes.length; c += split.every) cuts.push(c);
  return cuts;
}

async function writeEvent(res: ServerResponse, bytes: Buffer, shape: StreamShape, framing: string, signal: AbortSignal): Promise<boolean> {
  const cuts = pieceCuts(bytes, shape.split, framing);
  if (cuts.length === 0) {
    await write(res, bytes);
    return !res.destroyed;
  }
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    await write(res, bytes.subarray(from, cut));
    from = cut;
    // A short pause so each piece leaves in its own TCP segment and, on a quiet machine, reaches
    // the client alone (a busy reader may still get several in one read: TCP keeps no boundaries).
    if (cut < bytes.length && !(await pause(5, signal))) return false;
  }
  return !res.destroyed;
}

function encoder(mode: 'sse' | 'json', framing: string, prefix: string): (event: unknown, index: number) => Buffer {
  if (mode === 'sse') return (event) => Buffer.from(`${prefix}${JSON.stringify(event)}${framing}`);
  return (event, index) => Buffer.from(`${index === 0 ? '[' : '\n,\r\n'}${JSON.stringify(event, null, 2)}`);
}

/** Sends the head, then the events per the shape; resolves when done or cut short. */
export async function writeStream(res: ServerResponse, job: StreamJob): Promise<void> {
  const { shape, mode } = job;
  const gone = new AbortController();
  res.on('close', () => gone.abort());
  const signal = AbortSignal.any([job.signal, gone.signal]);
  const framing = shape.framing ?? '\r\n\r\n';
  const encode = encoder(mode, framing, shape.prefix ?? 'data: ');

  res.socket?.setNoDelay(true);
  job.head(200, { 'content-type': mode === 'sse' ? 'text/event-stream' : 'application/json; charset=UTF-8', 'cache-control': 'no-cache' });
  res.flushHeaders();

  const merged: Buffer[] = [];
  for (let i = 0; i <= job.events.length; i++) {
    if (signal.aborted) return;
    if (shape.drop?.afterChunks === i) {
      if (merged.length > 0) await write(res, Buffer.concat(merged.splice(0)));
      res.socket?.destroy();
      return;
    }
    if (shape.stall?.afterChunks === i) {
      if (merged.length > 0) await write(res, Buffer.concat(merged.splice(0)));
      if (shape.stall.ms === undefined) return forever(signal);
      if (!(await pause(shape.stall.ms, signal))) return;
    }
    if (shape.errorAfter?.chunks === i) {
      merged.push(encode(job.errorBody, i));
      break;
    }
    const event = job.events[i];
    if (i === job.events.length) break;
    if (i > 0 && shape.chunkDelayMs && shape.split !== 'merged' && !(await pause(shape.chunkDelayMs, signal))) return;
    const bytes = encode(event, i);
    if (shape.split === 'merged') merged.push(bytes);
    else if (!(await writeEvent(res, bytes, shape, framing, signal))) return;
  }
  if (mode === 'json') merged.push(Buffer.from(job.events.length === 0 && !shape.errorAfter ? '[]' : '\n]'));
  if (merged.length > 0) await write(res, Buffer.concat(merged));
  res.end();
}
