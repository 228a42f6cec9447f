// The proxy variables as the pool reads them at start: curl's and undici's names and precedence,
// a clear refusal of a value that is not a proxy URL, and no proxy password in the log line.
import { describe, expect, it } from 'vitest';
import { describeProxy, proxyProblem, proxySettings } from '../src/upstreams';

describe('proxySettings', () => {
  it('reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY, the lower-case spelling winning as in curl and undici', () => {
    expect(proxySettings({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2', HTTP_PROXY: 'http://h:3', NO_PROXY: 'localhost' })).toEqual({
      httpsProxy: 'http://lower:2',
      httpProxy: 'http://h:3',
      noProxy: 'localhost',
    });
  });

  it('treats empty values as unset', () => {
    expect(proxySettings({ HTTPS_PROXY: ' ', http_proxy: '' })).toEqual({});
    expect(describeProxy(proxySettings({}))).toBeUndefined();
  });
});

describe('proxyProblem', () => {
  it('accepts http and https proxy URLs', () => {
    expect(proxyProblem({ httpsProxy: 'http://127.0.0.1:7890', httpProxy: 'https://user:pw@proxy.example:443' })).toBeUndefined();
  });

  it.each([
    ['a bare host:port', { httpsProxy: '127.0.0.1:7890' }, /^HTTPS_PROXY must be a proxy URL such as http:\/\/127\.0\.0\.1:7890 \(got "127\.0\.0\.1:7890"\)$/],
    ['a socks URL', { httpProxy: 'socks5://127.0.0.1:7891' }, /^HTTP_PROXY must be a proxy URL/],
    ['no URL at all, with a password kept out of the message', { httpsProxy: 'http://user:secret@' }, /^HTTPS_PROXY must be a proxy URL .*\(got "http:\/\/"\)$/],
  ])('refuses %s', (_name, settings, message) => {
    expect(proxyProblem(settings)).toMatch(message);
  });
});

describe('describeProxy', () => {
  it('names the proxies and NO_PROXY, never the proxy password', () => {
    const line = describeProxy({ httpsProxy: 'http://me:hunter2@10.0.0.2:3128', noProxy: 'localhost,.internal' });
    expect(line).toBe('outbound proxy: https via http://10.0.0.2:3128, not for localhost,.internal');
    expect(line).not.toContain('hunter2');
  });
});
