import { describe, expect, it } from 'vitest';
import { Breaker } from '../src/upstreams/breaker';

const opts = { threshold: 2, backoffMs: 1_000, maxBackoffMs: 4_000 };

describe('circuit breaker', () => {
  it('stays closed below the threshold and resets the count on success', () => {
    const b = new Breaker(opts);
    b.failure(0);
    expect(b.acquire(0)).toBe('use');
    b.success();
    b.failure(0);
    expect(b.state).toBe('closed');
  });

  it('opens at the threshold, refuses until the backoff ends, then admits exactly one probe', () => {
    const b = new Breaker(opts);
    b.failure(0);
    b.failure(10);
    expect(b.state).toBe('open');
    expect(b.acquire(500)).toBe(false);
    expect(b.available(500)).toBe(false);
    expect(b.acquire(1_010)).toBe('probe');
    expect(b.acquire(1_011)).toBe(false); // a second request while the probe is out
  });

  it('a successful probe closes it and resets the backoff', () => {
    const b = new Breaker(opts);
    b.failure(0);
    b.failure(0);
    b.acquire(1_000);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.backoffMs).toBe(1_000);
  });

  it('a failed probe reopens it with the backoff doubled, capped', () => {
    const b = new Breaker(opts);
    b.failure(0);
    b.failure(0); // open until 1000, next backoff 2000
    expect(b.acquire(1_000)).toBe('probe');
    b.failure(1_000); // open until 3000
    expect(b.openUntil).toBe(3_000);
    expect(b.acquire(2_999)).toBe(false);
    expect(b.acquire(3_000)).toBe('probe');
    b.failure(3_000); // until 7000 (4000 backoff), next capped at 4000
    expect(b.openUntil).toBe(7_000);
    b.acquire(7_000);
    b.failure(7_000);
    expect(b.openUntil).toBe(11_000);
  });

  it('an abandoned probe lets the next request probe', () => {
    const b = new Breaker(opts);
    b.failure(0);
    b.failure(0);
    expect(b.acquire(1_000)).toBe('probe');
    b.abandon();
    expect(b.acquire(1_001)).toBe('probe');
  });

  it('restores an open state from a snapshot', () => {
    const b = new Breaker(opts);
    b.failure(0);
    b.failure(0);
    const c = new Breaker(opts);
    c.restore(b.snapshot());
    expect(c.acquire(500)).toBe(false);
    expect(c.acquire(1_000)).toBe('probe');
  });
});
