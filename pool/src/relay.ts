// Moving bytes between an upstream reply and the client: reading a body whole (bounded),
// peeking at the first chunk of a stream, finding SSE error events, and pumping a committed
// stream chunk by chunk with backpressure and no buffering. No policy here.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { scrubKeys } from '@opengemini/shared';

/** Reads a whole body into one Buffer; destroys the stream and throws past `limit` bytes. */
export async function readAll(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw new Error(`upstream body larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/**
 * Waits for the first chunk of a stream without consuming the rest: resolves with the chunk
 * (the stream is left paused) or null if the body ended empty; rejects if it broke.
 */
export function firstChunk(body: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const done = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      done();
      body.pause();
      resolve(chunk);
    };
    const onEnd = () => {
      done();
      resolve(null);
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    const onClose = () => {
      done();
      reject(new Error('upstream closed the stream before its first byte'));
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    body.once('close', onClose);
  });
}

const ERROR_EVENT = [Buffer.from('data: {"error"'), Buffer.from('data:{"error"')];

/**
 * The JSON of the first SSE error event in `chunk`, or undefined. A raw `{"error"` right after
 * `data:` can only open an event: inside an event's JSON, quotes in text are escaped.
 */
export function findErrorEvent(chunk: Buffer): unknown {
  let at = -1;
  let skip = 0;
  for (const marker of ERROR_EVENT) {
    const i = chunk.indexOf(marker);
    if (i >= 0 && (at < 0 || i < at)) {
      at = i;
      skip = marker.length - '{"error"'.length;
    }
  }
  if (at < 0) return undefined;
  let end = chunk.indexOf(0x0a, at); // events are one line of JSON
  if (end < 0) end = chunk.length;
  const text = chunk.subarray(at + skip, end).toString('utf8').replace(/\r$/, '');
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: 'unreadable error event from the upstream' } };
  }
}

/** Scrubs a chunk only when it may hold a key: the common case costs one native indexOf. */
export function scrubChunk(chunk: Buffer): Buffer {
  return chunk.indexOf('AIza') < 0 ? chunk : Buffer.from(scrubKeys(chunk.toString('utf8')));
}

export interface PumpHooks {
  /** Sees every chunk before it is written (usage scan, error events). */
  onChunk(chunk: Buffer): void;
}

/**
 * Pumps a committed stream into the response: each chunk is written as it arrives (no
 * buffering), reading pauses while the socket is full. Resolves 'end' when the upstream ended,
 * 'client' when the client went away (the upstream is destroyed at once), or rejects with the
 * upstream's error (the response is left open so the caller can add an error event).
 */
export function pump(body: Readable, res: ServerResponse, hooks: PumpHooks): Promise<'end' | 'client'> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      res.off('drain', onDrain);
      res.off('close', onClientClose);
      fn();
    };
    const onData = (chunk: Buffer) => {
      hooks.onChunk(chunk);
      if (!res.write(scrubChunk(chunk))) body.pause();
    };
    const onDrain = () => body.resume();
    const onClientClose = () =>
      finish(() => {
        body.destroy();
        resolve('client');
      });
    body.on('data', onData);
    body.once('end', () => finish(() => resolve('end')));
    body.once('error', (err) => finish(() => reject(err)));
    body.once('close', () => finish(() => reject(new Error('upstream closed the stream early'))));
    res.on('drain', onDrain);
    res.once('close', onClientClose);
    if (res.destroyed) onClientClose();
    else body.resume();
  });
}
