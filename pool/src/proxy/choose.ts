// Which key and which Worker the next attempt uses, and how long to wait first: a key that frees
// up soon is waited for (MAX_KEY_WAIT_MS), a path fault on the only Worker left is retried on it
// after a short backoff. When nothing can take the attempt, the final answer (give-up.ts).
import type { GiveUp } from '@opengemini/shared';
import type { KeyEntry } from '../keys';
import { sameWorkerBackoff } from '../policy/failure-table';
import type { Cancel, Upstream } from '../upstreams';
import type { PoolContext } from './context';
import { type Final, noKeyLeft, noWorkerLeft, outOfTime } from './give-up';
import type { ProxyRequest } from './request';
import type { Run } from './run';

/** What to do next: attempt with this key and Worker, wait first (then choose again), or give up. */
export type Choice = { kind: 'go'; entry: KeyEntry; upstream: Upstream; probe: boolean } | { kind: 'wait'; ms: number } | { kind: 'gone' } | { kind: 'end'; final: Final; why: GiveUp };

/** The next step (synchronous: the loop does the waiting, so most requests make no promise here). */
export function choose(ctx: PoolContext, pr: ProxyRequest, run: Run, client: Cancel): Choice {
  for (;;) {
    if (client.cancelled) return { kind: 'gone' };
    const lastCode = run.faults.at(-1);
    if (!run.attemptsLeft) return { kind: 'end', final: noKeyLeft(ctx, pr, run.last, lastCode), why: 'max_attempts' };
    const now = ctx.now();
    if (now >= run.deadline) return { kind: 'end', final: outOfTime(ctx, run.sent), why: 'out_of_time' };

    // 1. A key: the pinned one (its Worker failed, it did not), else the next healthy one.
    let entry = run.pinned && run.pinned.active && !run.pinned.disabled ? run.pinned : undefined;
    run.pinned = undefined;
    if (!entry) {
      const p = ctx.keys.pick(pr.model, run.triedKeys, now, pr.keyFp);
      if (p.kind !== 'ok' && run.triedKeys.size > 0) {
        // Keys are skipped after a failure only to spread the attempts: the ones still usable met
        // Gemini's faults (a bad answer, an overload), not their own (those cool down or are
        // disabled, and pick skips them). With no other key usable, they are tried again rather
        // than giving up with attempts left while they are healthy (the soak's commonest failure).
        run.forgetTriedKeys();
        continue;
      }
      if (p.kind !== 'ok') {
        const wait = keyWait(ctx, pr, run, now);
        if (wait === undefined) return { kind: 'end', final: noKeyLeft(ctx, pr, run.last, lastCode), why: 'no_key' };
        return { kind: 'wait', ms: wait };
      }
      entry = p.entry;
    }

    // 2. Its Worker: the sticky one unless down or already failed for this request.
    const up = ctx.upstreams.pick(entry.fp, run.failedUpstreams, now);
    if (up.kind === 'ok') return { kind: 'go', entry, upstream: up.upstream, probe: up.probe };
    if (run.failedUpstreams.size && ctx.upstreams.all().some((u) => run.failedUpstreams.has(u.id) && u.breaker.available(now))) {
      // Only Workers that failed this request are left, and their breakers still admit: one
      // path fault is not a dead Worker, so try it again after a short backoff.
      run.forgetFailedUpstreams();
      run.pinned = entry;
      return { kind: 'wait', ms: Math.min(sameWorkerBackoff(++run.sameWorkerRetries), run.left()) };
    }
    // A Worker's own labelled answer (a refused secret, Gemini out of reach) says more than
    // "every upstream is down"; a dropped connection or a proxy's page does not.
    const told = run.last && (run.last.fault.kind !== 'upstream' || run.last.contentType?.includes('json'));
    if (told) return { kind: 'end', final: noKeyLeft(ctx, pr, run.last, lastCode), why: 'no_worker' };
    return { kind: 'end', final: noWorkerLeft(ctx, up.retryAt, lastCode), why: 'no_worker' };
  }
}

/**
 * When no key is usable now: how long until the first frees up, if that is within
 * MAX_KEY_WAIT_MS and the request's budget (and the client is worth waiting for); else undefined.
 */
function keyWait(ctx: PoolContext, pr: ProxyRequest, run: Run, now: number): number | undefined {
  const firstFree = ctx.keys.firstFree(pr.model, now, true, pr.keyFp);
  if (firstFree === undefined) return undefined;
  const wait = firstFree - now;
  return wait <= ctx.config.MAX_KEY_WAIT_MS && firstFree < run.deadline ? wait + 1 : undefined;
}

/** Waits `ms`, or less if the client leaves meanwhile. */
export function sleep(ms: number, client: Cancel): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || client.cancelled) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      client.onCancel(undefined);
      resolve();
    }
    client.onCancel(done);
  });
}
