import { describe, expect, it } from 'vitest';
import { isFetchableHost, isPublicAddress, parseIPv4, parseIPv6 } from '../src/media/address';

describe('parseIPv4', () => {
  it.each([
    ['127.0.0.1', 0x7f000001],
    ['127.1', 0x7f000001],
    ['2130706433', 0x7f000001],
    ['0x7f.1', 0x7f000001],
    ['0177.0.0.1', 0x7f000001],
    ['0x7f000001', 0x7f000001],
    ['10.1.256', 0x0a010100],
    ['1.2.3.4', 0x01020304],
  ])('reads %s in any of its spellings', (text, value) => {
    expect(parseIPv4(text)).toBe(value);
  });

  it.each(['1.2.3.4.5', '256.1.1.1', '1..2', '4294967296', '09.1.1.1', 'a.b.c.d', ''])('refuses %s', (text) => {
    expect(parseIPv4(text)).toBeUndefined();
  });
});

describe('parseIPv6', () => {
  it.each([
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['[::1]', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['::ffff:127.0.0.1', [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]],
    ['fe80::1%eth0', [0xfe80, 0, 0, 0, 0, 0, 0, 1]],
    ['2001:4860:4860::8888', [0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888]],
  ])('reads %s', (text, groups) => {
    expect(parseIPv6(text)).toEqual(groups);
  });

  it.each(['1:2:3:4:5:6:7:8:9', '::1::', 'g::1', '1.2.3.4', '::ffff:999.0.0.1'])('refuses %s', (text) => {
    expect(parseIPv6(text)).toBeUndefined();
  });
});

describe('isPublicAddress (what a resolver returns)', () => {
  it.each(['8.8.8.8', '142.250.74.110', '1.1.1.1', '2001:4860:4860::8888', '2606:4700:4700::1111', '64:ff9b::808:808'])('lets %s through', (a) => {
    expect(isPublicAddress(a)).toBe(true);
  });

  it.each([
    '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '224.0.0.1', '255.255.255.255', '192.0.2.1', '198.18.0.1',
    '::', '::1', '::ffff:8.8.8.8', '::ffff:127.0.0.1', '::ffff:0:7f00:1', '::ffff:0:8.8.8.8', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '2001:db8::1', '64:ff9b::7f00:1', '2002:7f00:1::1',
    'not an address',
  ])('refuses %s', (a) => {
    expect(isPublicAddress(a)).toBe(false);
  });
});

describe('isFetchableHost (a URL hostname, before any lookup)', () => {
  it.each(['img.example.com', 'cdn.example', '8.8.8.8', '[2001:4860:4860::8888]', 'example.com.'])('lets %s through', (host) => {
    expect(isFetchableHost(host)).toBe(true);
  });

  it.each([
    'localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'printer.local', 'metadata.google.internal', 'router.home.arpa',
    '127.0.0.1', '127.1', '2130706433', '0x7f.1', '0x7f000001', '017700000001', '10.0.0.1', '169.254.169.254', '0.0.0.0',
    '[::1]', '[::ffff:7f00:1]', '[fd00::1]', '[fe80::1]', '1.2.3.999', '',
  ])('refuses %s', (host) => {
    expect(isFetchableHost(host)).toBe(false);
  });

  it('agrees with the URL parser, which rewrites numeric spellings before we see them', () => {
    for (const url of ['http://127.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://[::ffff:127.0.0.1]/', 'http://LocalHost./']) {
      expect(isFetchableHost(new URL(url).hostname)).toBe(false);
    }
  });
});
