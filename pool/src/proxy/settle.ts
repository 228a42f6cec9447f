// The one place that applies what happened in an attempt to the pool's state: the key (cooldown,
// spent for the day, disabled), the Worker (its breaker and stats), the model (overload row),
// usage and metrics. The attempt loop and the key checks both settle through here.
import type { Fault } from '@opengemini/shared';
import { nextPacificMidnight, type Tokens } from '../accounting';
import type { KeyEntry } from '../keys';
import { type Decision, decide } from '../policy';
import type { Upstream } from '../upstreams';
import type { PoolContext } from './context';

/** Who took part in an attempt, and how long it took to its answer (ms). */
export interface Attempted {
  entry: KeyEntry;
  upstream: Upstream;
  model: string;
  latencyMs: number;
}

/** The failure table's decision for a fault met by attempt number `attempt` (1-based). */
export function decideFor(ctx: PoolContext, fault: Fault, model: string, attempt: number): Decision {
  const { QUOTA_COOLDOWN_MS: quotaCooldownMs, GEMINI_COOLDOWN_MS: geminiCooldownMs } = ctx.config;
  const modelStreak = fault.kind === 'gemini' && fault.reason === 'unavailable' ? ctx.keys.overloaded(model, ctx.now()) : 0;
  return decide(fault, { quotaCooldownMs, geminiCooldownMs }, { attempt, modelStreak, random: ctx.random });
}

/**
 * A failed attempt (or a stream that failed after it was committed: `committed`, when the
 * Worker's success and the attempt metric were counted already).
 */
export function settleFailure(ctx: PoolContext, a: Attempted, d: Decision, message: string, committed = false): void {
  const now = ctx.now();
  const { entry, upstream, model } = a;
  if (!committed) ctx.metrics?.attempt(entry.fp, upstream.id, model, d.code, a.latencyMs);
  if (d.key.action !== 'none') ctx.metrics?.keyEvent(entry.fp, d.key.action === 'disable' ? 'disabled' : 'cooldown', d.code);
  switch (d.key.action) {
    case 'cooldown':
      ctx.keys.cooldown(entry, model, now + d.key.ms, d.code, message);
      break;
    case 'spent_for_day':
      ctx.keys.cooldown(entry, model, nextPacificMidnight(now), d.code, message);
      void ctx.state.flushNow();
      break;
    case 'disable':
      // The operator's own disable (a reason not from a fault) is kept as the operator set it.
      if (!entry.disabled || entry.disabled.reason.startsWith('key_')) ctx.keys.disable(entry, d.code, message, now);
      void ctx.state.flushNow(); // a disabled flag is never lost to a crash
      break;
    case 'none':
      break;
  }
  if (d.blameWorker) ctx.upstreams.recordFailure(upstream, d.code, now);
  else if (!committed) ctx.upstreams.recordSuccess(upstream, a.latencyMs);
  // An attempt that never reached Gemini spent nothing of the key's quota or budget.
  if (d.usage === 'not_reached' && !committed) return;
  ctx.usage.recordKey(now, entry.fp, model, d.usage === 'rate_limited' ? 'rate_limited' : 'error');
}

/** A successful answer arrived (whole, or a stream's first event): the Worker and model are fine. */
export function settleAnswer(ctx: PoolContext, a: Attempted): void {
  ctx.upstreams.recordSuccess(a.upstream, a.latencyMs);
  ctx.metrics?.attempt(a.entry.fp, a.upstream.id, a.model, 'ok', a.latencyMs);
  ctx.keys.answered(a.model);
}

/** The answer was delivered in full: it counts in the key's usage, with its tokens. */
export function settleUsage(ctx: PoolContext, a: Attempted, tokens: Tokens | undefined): void {
  ctx.usage.recordKey(ctx.now(), a.entry.fp, a.model, 'ok', tokens);
}
