import { PassThrough, Readable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '@opengemini/shared';
import { messageOf } from '../src/proxy/attempt';
import { StreamScrubber, firstChunk, pump, readFirstEvent, scrubChunk } from '../src/proxy/relay';

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

describe('StreamScrubber: keys cut across chunks', () => {
  const KEY = 'AIzaSyA1b2C3d4E5f6G7h8I9j0K_L-mnopqrstu';
  const text = Buffer.from(`data: {"msg":"你好 ${KEY} 世界"}\n\n`);
  const scrubbed = Buffer.from(`data: {"msg":"你好 [key ${fingerprint(KEY)}] 世界"}\n\n`);

  const run = (chunks: Buffer[]): Buffer => {
    const s = new StreamScrubber();
    return Buffer.concat([...chunks.map((c) => s.push(c)), s.end()]);
  };

  it('a key split at every byte offset across two chunks never comes out, and the bytes around it survive exactly', () => {
    expect(KEY).toHaveLength(39);
    for (let cut = 0; cut <= text.length; cut++) {
      const out = run([text.subarray(0, cut), text.subarray(cut)]);
      expect(out.includes(KEY), `cut at ${cut}`).toBe(false);
      expect(out.equals(scrubbed), `cut at ${cut}`).toBe(true);
    }
  });

  it('a key fed one byte at a time never comes out', () => {
    const out = run([...text].map((b) => Buffer.from([b])));
    expect(out.equals(scrubbed)).toBe(true);
  });

  it('a chunk holding "AIza" and ending mid UTF-8 character is not corrupted', () => {
    const raw = Buffer.from(`AIza short 你好`);
    const cut = raw.length - 2; // inside the last character
    expect(run([raw.subarray(0, cut), raw.subarray(cut)]).equals(raw)).toBe(true);
    expect(scrubChunk(raw.subarray(0, cut)).equals(raw.subarray(0, cut))).toBe(true);
  });

  it('a chunk not ending in a possible key start goes out whole at once, the same buffer', () => {
    const s = new StreamScrubber();
    const chunk = Buffer.from('data: {"text":"A quick answer, AIza mention"}\n\n');
    expect(s.push(chunk)).toBe(chunk);
    expect(s.end()).toHaveLength(0);
  });

  it('only a possible key start is held back, and it is sent at the end', () => {
    const s = new StreamScrubber();
    expect(s.push(Buffer.from('hello AIzaSy')).toString()).toBe('hello ');
    expect(s.end().toString()).toBe('AIzaSy');
  });

  it('pump sends the held-back tail when the upstream ends', async () => {
    const body = new PassThrough();
    const { res, text: got } = sink();
    const done = pump(body, res, { onChunk: () => {} });
    body.write(Buffer.from(`x ${KEY.slice(0, 20)}`));
    body.end(Buffer.from(`${KEY.slice(20)} y`));
    await expect(done).resolves.toBe('end');
    await tick();
    expect(got()).toBe(`x [key ${fingerprint(KEY)}] y`);
  });
});

describe('messageOf', () => {
  it('scrubs a non-JSON body before cutting it, so a key across the cut leaves no piece', () => {
    const key = 'AIzaSyA1b2C3d4E5f6G7h8I9j0K_L-mnopqrstu';
    // Words before it: a key glued to a long run of letters is what base64 data looks like.
    const msg = messageOf(Buffer.from(`${'xy '.repeat(93)}x ${key} tail`));
    expect(msg).not.toContain('AIza');
    expect(msg).toHaveLength(300);
  });
});
