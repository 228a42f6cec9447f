import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { BodyTimeout, boundedBody } from '../src/http/body';

/** Runs the parser on a stream standing in for the request; resolves with what it handed to `done`. */
function parse(parser: ReturnType<typeof boundedBody>, payload: PassThrough, headers: Record<string, string> = {}): Promise<{ err: Error | null; body?: Buffer | undefined }> {
  return new Promise((resolve) => parser({ headers } as unknown as FastifyRequest, payload as unknown as IncomingMessage, (err, body) => resolve({ err, body })));
}

describe('the data routes\' body parser bounds a body in size and in time, each body timed from its own start', () => {
  it('a body that arrives is handed over whole, whatever its chunks', async () => {
    const parser = boundedBody(1024, 60_000);
    const p = new PassThrough();
    const got = parse(parser, p, { 'content-length': '11' });
    p.write('hello ');
    p.end('world');
    expect((await got).body?.toString()).toBe('hello world');
  });

  it('bodies that stop arriving fail with BodyTimeout after the timeout, each on its own start, while others finish', async () => {
    const parser = boundedBody(1024, 200);
    const stuck = new PassThrough();
    const late = parse(parser, stuck);
    stuck.write('half');
    const started = performance.now();
    // Another body finishing meanwhile neither fails nor keeps the stuck one alive.
    const ok = new PassThrough();
    const fine = parse(parser, ok);
    ok.end('{}');
    expect((await fine).err).toBeNull();
    const r = await late;
    expect(r.err).toBeInstanceOf(BodyTimeout);
    expect((r.err as BodyTimeout).info).toMatchObject({ code: 'request_timeout', status: 408 });
    expect((r.err as BodyTimeout).message).toContain('4 bytes came');
    // Not before its time (the sweep may be up to a tenth of it late, or more on a busy machine).
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });

  it('past the limit: 413 before reading when Content-Length says so, and when a body without one grows past it', async () => {
    const parser = boundedBody(8, 60_000);
    expect((await parse(parser, new PassThrough(), { 'content-length': '9' })).err?.message).toMatch(/too large/i);
    const p = new PassThrough();
    const got = parse(parser, p);
    p.write('12345');
    p.write('6789');
    expect((await got).err?.message).toMatch(/too large/i);
  });
});
