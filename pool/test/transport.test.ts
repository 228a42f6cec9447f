import { describe, expect, it } from 'vitest';
import { Cancel } from '../src/upstreams/transport';

describe('Cancel (how the attempt loop ends an attempt, or a wait, when the client leaves)', () => {
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
