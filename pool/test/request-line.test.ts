import { describe, expect, it } from 'vitest';
import { type RequestLine, createLogger, writeRequestLine } from '../src/log';

/** A request logger as Fastify makes one (a child with the request id), writing into `lines`. */
function requestLogger(level: string, lines: string[]) {
  return createLogger(level, { write: (l: string) => lines.push(l) }).child({ reqId: 'req-7' });
}

const sameBut = (time: string) => time.replace(/"time":\d+/, '"time":0');

describe('the request line is the bytes pino writes for log.info(fields, "request")', () => {
  const cases: [string, RequestLine][] = [
    ['an answered request', { method: 'POST', route: '/v1/chat/completions', model: 'gemini-2.5-flash', status: 200, attempts: 1, key: '…AAAA#a0b83a', upstream: 'https://w.example', tokensIn: 20, tokensOut: 18, ms: 12.3 }],
    ['a failed one with faults and a code, no tokens', { method: 'POST', route: '/v1/messages', model: 'gemini-3-flash-preview', status: 429, attempts: 3, key: '…BBBB#00ff00', upstream: 'direct', code: 'quota_per_minute', faults: ['quota_per_minute', 'gemini_bad_answer'], ms: 840 }],
    ['no key or Worker (refused before an attempt)', { method: 'GET', route: '/v1beta/models/*', model: '*', status: 503, attempts: 0, code: 'no_key', ms: 0.4 }],
    ['a model list served from the cache', { method: 'GET', route: '/v1/models', model: '*', status: 200, attempts: 0, cached: true, ms: 0 }],
    ['strings that need escaping', { method: 'POST', route: '/v1/"odd"\\route', model: 'm\u0001x', status: 200, attempts: 1, ms: 1 }],
  ];
  it.each(cases)('%s', (_name, fields) => {
    const ours: string[] = [];
    const pinos: string[] = [];
    writeRequestLine(requestLogger('info', ours), fields);
    requestLogger('info', pinos).info({ ...fields }, 'request');
    expect(ours).toHaveLength(1);
    expect(sameBut(ours[0]!)).toBe(sameBut(pinos[0]!));
    expect(Math.abs((JSON.parse(ours[0]!) as { time: number }).time - Date.now())).toBeLessThan(5_000);
  });
  it('writes nothing when info is off, as pino would not', () => {
    const lines: string[] = [];
    writeRequestLine(requestLogger('warn', lines), cases[0]![1]);
    expect(lines).toEqual([]);
  });
  it('is scrubbed on its way out like every line: a key-shaped model name becomes a fingerprint', () => {
    const lines: string[] = [];
    const leaked = `AIza${'Q'.repeat(35)}`;
    writeRequestLine(requestLogger('info', lines), { ...cases[0]![1], model: leaked });
    expect(lines[0]).not.toContain(leaked);
    expect(lines[0]).toMatch(/"model":"\[key [^\]]+\]"/);
  });
  it('a logger that is not pino (Fastify with another logger) gets the same fields through its info()', () => {
    const seen: unknown[][] = [];
    writeRequestLine({ level: 'info', info: (...args: unknown[]) => seen.push(args) } as unknown as { level: string }, cases[0]![1]);
    expect(seen).toEqual([[cases[0]![1], 'request']]);
  });
});
