// Limits failed sign-ins (and failed admin keys on /admin/*): per client address, at most
// PER_ADDRESS failures in WINDOW_MS, and at most GLOBAL failures in WINDOW_MS from everyone
// (guessing spread over many addresses). Success clears the address. Time is passed in; the map
// of addresses is bounded.

export interface LimitOptions {
  perAddress: number;
  global: number;
  windowMs: number;
}

export const DEFAULT_LIMITS: LimitOptions = { perAddress: 10, global: 100, windowMs: 10 * 60_000 };
const MAX_ADDRESSES = 10_000;

export class SignInLimiter {
  private readonly byAddress = new Map<string, number[]>();
  private globalFails: number[] = [];

  constructor(private readonly opts: LimitOptions = DEFAULT_LIMITS) {}

  private recent(times: number[], now: number): number[] {
    const from = now - this.opts.windowMs;
    let i = 0;
    while (i < times.length && times[i]! <= from) i++;
    return i ? times.slice(i) : times;
  }

  /** Undefined when the address may try now; else the ms until it may. */
  blockedFor(address: string, now: number): number | undefined {
    this.globalFails = this.recent(this.globalFails, now);
    const mine = this.recent(this.byAddress.get(address) ?? [], now);
    if (mine.length >= this.opts.perAddress) return mine[0]! + this.opts.windowMs - now;
    if (this.globalFails.length >= this.opts.global) return this.globalFails[0]! + this.opts.windowMs - now;
    return undefined;
  }

  fail(address: string, now: number): void {
    const mine = this.recent(this.byAddress.get(address) ?? [], now);
    mine.push(now);
    if (!this.byAddress.has(address) && this.byAddress.size >= MAX_ADDRESSES) {
      for (const [a, t] of this.byAddress) if (!this.recent(t, now).length) this.byAddress.delete(a);
      if (this.byAddress.size >= MAX_ADDRESSES) this.byAddress.delete(this.byAddress.keys().next().value!);
    }
    this.byAddress.set(address, mine);
    this.globalFails.push(now);
  }

  succeed(address: string): void {
    this.byAddress.delete(address);
  }
}
