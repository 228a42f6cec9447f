// When no further attempt can be made, what the client is told: the last real error (Gemini's
// status and message) when there is one worth telling, else why no key or Worker could take the
// request, with Retry-After when waiting helps.
import { apiError, type FaultCode } from '@opengemini/shared';
import type { PoolError } from '../http';
import type { Failure } from './attempt';
import type { PoolContext } from './context';
import type { ProxyRequest } from './request';
import { messageOf } from './attempt';

/** The last answer of a request: the pool's own error, or an upstream's failure passed on. */
export type Final = { error: PoolError } | { failure: Failure; code: FaultCode };

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The last failure when there is one, else `otherwise`. */
function lastOr(last: Failure | undefined, lastCode: FaultCode | undefined, otherwise: () => Final): Final {
  return last && lastCode ? { failure: last, code: lastCode } : otherwise();
}

/**
 * No key can take another attempt. Every key cooling down: 429 with Retry-After for the first to
 * free up. Otherwise the last real error if there was one, else a 503 saying no key is usable.
 */
export function noKeyLeft(ctx: PoolContext, pr: ProxyRequest, last: Failure | undefined, lastCode: FaultCode | undefined): Final {
  if (last && lastCode && last.fault.kind !== 'quota') return { failure: last, code: lastCode };
  const now = ctx.now();
  const firstFree = ctx.keys.firstFree(pr.model, now, true, pr.keyFp);
  if (firstFree !== undefined) {
    // Keys held back by their daily budget rather than by a cooldown: say so, they are not broken.
    if (ctx.keys.firstFree(pr.model, now, false, pr.keyFp) === undefined) {
      return { error: apiError('daily_budget_spent', `Every usable key has spent its daily budget for model ${pr.model} or is cooling down; budgets reset at midnight Pacific time, in ${Math.max(1, Math.ceil((firstFree - now) / 60_000))} min.`, { retryAfterMs: firstFree - now }) };
    }
    const usable = ctx.keys.all().filter((e) => !e.disabled).length;
    return {
      error: apiError('all_keys_cooling', `All ${usable} usable key(s) are cooling down for model ${pr.model}; the first frees up in ${seconds(firstFree - now)} s.${last ? ` Last error: ${messageOf(last.body)}` : ''}`, { retryAfterMs: firstFree - now }),
    };
  }
  return lastOr(last, lastCode, () => {
    const { total, disabled } = ctx.keys.counts(now);
    return { error: apiError('no_usable_key', total === 0 ? 'No keys are loaded: add Gemini API keys to key.txt.' : `No usable key: ${disabled} of ${total} key(s) are disabled (see /status; POST /admin/reset re-enables them).`) };
  });
}

/** Every Worker is down (breakers open): 503 saying when the next probe is. */
export function noWorkerLeft(ctx: PoolContext, retryAt: number, lastCode: FaultCode | undefined): Final {
  const wait = retryAt - ctx.now();
  return {
    error: apiError('all_upstreams_down', `Every upstream is down (${ctx.upstreams.size} configured${lastCode ? `; last error: ${lastCode}` : ''}); the next probe is in ${seconds(wait)} s.`, { retryAfterMs: wait }),
  };
}

/** The request's time budget ran out between attempts. */
export function outOfTime(ctx: PoolContext, attempts: number): Final {
  return { error: apiError('upstream_timeout', `No answer within REQUEST_TIMEOUT_MS (${ctx.config.REQUEST_TIMEOUT_MS} ms) after ${attempts} attempt(s).`) };
}
