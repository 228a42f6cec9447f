// A circuit breaker per upstream. Closed: used freely. After `threshold` consecutive failures it
// opens for a backoff; when the backoff ends, ONE real request is let through as a probe
// (half-open): success closes the breaker, failure reopens it with the backoff doubled (capped).
// Time is passed in, so the whole machine is testable without timers.

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  threshold: number;
  backoffMs: number;
  maxBackoffMs: number;
}

export interface BreakerSnapshot {
  state: BreakerState;
  failures: number;
  openUntil: number;
  backoffMs: number;
}

export class Breaker {
  state: BreakerState = 'closed';
  /** Consecutive failures while closed. */
  failures = 0;
  /** While open: when the next probe may go (epoch ms). */
  openUntil = 0;
  /** The backoff the next opening will use. */
  backoffMs: number;
  /** A probe request is on the wire (half-open admits exactly one). */
  private probing = false;

  constructor(private readonly opts: BreakerOptions) {
    this.backoffMs = opts.backoffMs;
  }

  /**
   * Asks to send a request at `now`: 'use' (closed), 'probe' (this request is the half-open
   * probe; report its outcome with success/failure, or `abandon` if it never got one), or false.
   */
  acquire(now: number): 'use' | 'probe' | false {
    if (this.state === 'closed') return 'use';
    if (this.state === 'open' && now < this.openUntil) return false;
    if (this.probing) return false;
    this.state = 'half_open';
    this.probing = true;
    return 'probe';
  }

  /** Whether a request could be sent at `now` (no side effect). */
  available(now: number): boolean {
    if (this.state === 'closed') return true;
    if (this.probing) return false;
    return this.state === 'half_open' || now >= this.openUntil;
  }

  success(): void {
    this.state = 'closed';
    this.failures = 0;
    this.probing = false;
    this.backoffMs = this.opts.backoffMs;
  }

  failure(now: number): void {
    if (this.state === 'closed') {
      this.failures++;
      if (this.failures < this.opts.threshold) return;
    } else if (this.state === 'open') {
      return; // a straggler that started before the breaker opened: already counted
    }
    this.state = 'open';
    this.probing = false;
    this.openUntil = now + this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs);
  }

  /** The probe ended without a verdict (the client hung up): let the next request probe. */
  abandon(): void {
    this.probing = false;
  }

  snapshot(): BreakerSnapshot {
    return { state: this.state === 'half_open' ? 'open' : this.state, failures: this.failures, openUntil: this.openUntil, backoffMs: this.backoffMs };
  }

  restore(s: BreakerSnapshot): void {
    this.state = s.state === 'open' ? 'open' : 'closed';
    this.failures = s.failures;
    this.openUntil = s.openUntil;
    this.backoffMs = Math.min(Math.max(s.backoffMs, this.opts.backoffMs), this.opts.maxBackoffMs);
  }
}
