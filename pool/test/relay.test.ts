import { PassThrough, Readable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { firstChunk, pump, readFirstEvent } from '../src/relay';

const tick = () => new Promise((r) => setImmediate(r));

function sink(): { res: ServerResponse; text: () => string } {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  return { res: out as unknown as ServerResponse, text: () => Buffer.concat(parts).toString() };
}

describe('pump after a peek', () => {
  // Regression: the Gemini CLI's one-event answers hung for 60 s. The whole body arrived in one
  // read, so after firstChunk paused the stream, 'end' fired with no listener and pump waited
  // for an 'end' that had already happened.
  it('finishes a body that ended while paused between the peek and the pump', async () => {
    const body = Readable.from([Buffer.from('data: {"candidates":[]}\r\n\r\n')], { objectMode: false });
    const first = await readFirstEvent(body);
    expect(first?.toString()).toContain('candidates');
    await tick();
    await tick();
    expect(body.readableEnded).toBe(true);
    const { res } = sink();
    await expect(pump(body, res, { onChunk: () => undefined })).resolves.toBe('end');
  });

  it('still pumps the rest of a body that was paused with data left', async () => {
    const body = new PassThrough();
    body.write('data: one\n\n');
    const first = await firstChunk(body);
    expect(first?.toString()).toBe('data: one\n\n');
    body.end('data: two\n\n');
    await tick();
    const { res, text } = sink();
    const seen: string[] = [];
    await expect(pump(body, res, { onChunk: (c) => seen.push(c.toString()) })).resolves.toBe('end');
    expect(seen.join('')).toBe('data: two\n\n');
    expect(text()).toBe('data: two\n\n');
  });

  it('rejects a body destroyed while paused, so the caller can send an error event', async () => {
    const body = new PassThrough();
    body.write('data: one\n\n');
    await firstChunk(body);
    body.destroy();
    await tick();
    const { res } = sink();
    await expect(pump(body, res, { onChunk: () => undefined })).rejects.toThrow(/closed/);
  });
});
