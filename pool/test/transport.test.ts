import { util as undiciUtil } from 'undici';
import { describe, expect, it } from 'vitest';
import { Cancel, headerGetter, rawHeaderGetter } from '../src/upstreams/transport';

describe('Cancel (how forward() ends an attempt without an AbortController)', () => {
  it('runs the hook once with the first reason; later cancels change nothing', () => {
    const c = new Cancel();
    const seen: unknown[] = [];
    c.onCancel((r) => seen.push(r));
    expect(c.cancelled).toBe(false);
    c.cancel('budget');
    c.cancel('client');
    expect(seen).toEqual(['budget']);
    expect(c.reason).toBe('budget');
    expect(c.cancelled).toBe(true);
  });

  it('a hook set after the cancel runs at once; a cleared hook never runs', () => {
    const c = new Cancel();
    const seen: unknown[] = [];
    c.onCancel((r) => seen.push(`first ${String(r)}`));
    c.onCancel(undefined);
    c.cancel('gone');
    expect(seen).toEqual([]);
    c.onCancel((r) => seen.push(`late ${String(r)}`));
    expect(seen).toEqual(['late gone']);
  });

  it('signal() gives an AbortSignal that aborts with the same reason, even when made after the cancel', () => {
    const before = new Cancel();
    const s1 = before.signal();
    expect(s1.aborted).toBe(false);
    before.cancel('budget');
    expect(s1.aborted).toBe(true);
    expect(s1.reason).toBe('budget');
    const after = new Cancel();
    after.cancel('client');
    const s2 = after.signal();
    expect(s2.aborted).toBe(true);
    expect(s2.reason).toBe('client');
  });
});

describe('rawHeaderGetter (headers read from undici\'s raw list on demand)', () => {
  const raw = ['Content-Type', 'application/json', 'X-OpenGemini-Fault', 'quota; reason=per_minute', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'retry-after', '7'].map((x) => Buffer.from(x, 'latin1'));
  const parsed = headerGetter(undiciUtil.parseHeaders(raw) as Record<string, string | string[]>);

  it.each(['content-type', 'x-opengemini-fault', 'set-cookie', 'retry-after', 'x-absent'])('%s: the same answer as the parsed headers', (name) => {
    expect(rawHeaderGetter(raw).get(name)).toBe(parsed.get(name));
  });

  it('joins repeated names and answers null for absent ones', () => {
    expect(rawHeaderGetter(raw).get('set-cookie')).toBe('a=1, b=2');
    expect(rawHeaderGetter(raw).get('x-absent')).toBeNull();
    expect(rawHeaderGetter(['content-type', 'text/plain']).get('content-type')).toBe('text/plain');
  });
});
