// The Node media fetch of the pool's direct mode, on real sockets: names that resolve to private
// addresses are refused at connect time, before any connection is made.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors';
import { DEFAULT_MEDIA_LIMITS, fetchRemoteMedia } from '../src/media';
import { createNodeMediaFetch, publicOnlyLookup, type Resolver } from '../src/node/media-fetch';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
let server: Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A resolver that answers every name with these addresses, and counts the questions. */
function resolverOf(...addresses: string[]) {
  const asked: string[] = [];
  const resolve: Resolver = (hostname, _options, callback) => {
    asked.push(hostname);
    const answers: LookupAddress[] = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    queueMicrotask(() => callback(null, answers));
  };
  return { resolve, asked };
}

async function fetchThrough(url: string, resolve: Resolver): Promise<ApiError | undefined> {
  try {
    await fetchRemoteMedia([{ url, param: 'messages[0].content[1].image_url.url', name: 'image_url at messages[0].content[1]' }], createNodeMediaFetch({ resolve }), DEFAULT_MEDIA_LIMITS);
    return undefined;
  } catch (err) {
    return err as ApiError;
  }
}

describe('createNodeMediaFetch', () => {
  it.each([
    ['loopback', ['127.0.0.1']],
    ['a public and a private address (a rebinding set-up)', ['8.8.8.8', '127.0.0.1']],
    ['an IPv4-mapped IPv6 loopback', ['::ffff:127.0.0.1']],
    ['cloud metadata', ['169.254.169.254']],
  ])('refuses a name that resolves to %s, without connecting, in the neutral message', async (_name, addresses) => {
    const { resolve, asked } = resolverOf(...addresses);
    const before = connections;
    const err = await fetchThrough(`http://images.attacker.example:${port}/cat.png`, resolve);
    expect(err).toBeInstanceOf(ApiError);
    expect(err?.message).toBe('Could not fetch image_url at messages[0].content[1].');
    expect(asked).toEqual(['images.attacker.example']);
    expect(connections).toBe(before);
  });

  it('hands the checked public addresses to the socket as they are, in the shape it asked for', async () => {
    const { resolve } = resolverOf('8.8.8.8', '2001:4860:4860::8888');
    const lookup = publicOnlyLookup(resolve);
    const one = await new Promise<unknown[]>((done) => lookup('dns.example', { family: 0 }, (...args) => done(args)));
    expect(one).toEqual([null, '8.8.8.8', 4]);
    const all = await new Promise<unknown[]>((done) => lookup('dns.example', { all: true }, (...args) => done(args)));
    expect(all).toEqual([null, [{ address: '8.8.8.8', family: 4 }, { address: '2001:4860:4860::8888', family: 6 }]]);
  });

  it('passes resolver errors on as a failure to fetch', async () => {
    const resolve: Resolver = (_h, _o, callback) => callback(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), []);
    const err = await fetchThrough('https://nowhere.example/cat.png', resolve);
    expect(err?.message).toBe('Could not fetch image_url at messages[0].content[1].');
  });
});
