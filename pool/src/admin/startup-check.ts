// The start-up check (STARTUP_CHECK): right after the pool starts listening, one cheap probe per
// Worker (probeKey's models list, settled like any answer), so the operator learns at start, not
// at the first client request, where each Worker runs and whether Google refuses its location.
// When every Worker is refused, UpstreamSet's allRegionBlocked event logs the one warning.
// Direct mode has no Worker to ask: nothing is probed.
import type { Logger } from 'pino';
import type { KeyEntry } from '../keys';
import type { PoolContext } from '../proxy';
import { DIRECT_ID, placeView, type Upstream } from '../upstreams';
import { type CheckResult, probeKey } from './key-check';

/** The key to ask `upstream` with: a usable key that sticks to it if there is one (Google keeps seeing each key from its own Worker), else any usable key. */
function keyFor(ctx: PoolContext, upstream: Upstream, usable: readonly KeyEntry[], turn: number): KeyEntry {
  return usable.find((e) => ctx.upstreams.rank(e.fp)[0] === upstream) ?? usable[turn % usable.length]!;
}

/** Probes every Worker once, all at once; resolves when every probe has settled. */
export async function checkWorkersAtStart(ctx: PoolContext, log: Logger): Promise<void> {
  const workers = ctx.upstreams.all().filter((u) => u.id !== DIRECT_ID);
  const usable = ctx.keys.all().filter((e) => e.active && !e.disabled);
  if (workers.length === 0 || usable.length === 0) return;
  await Promise.all(
    workers.map(async (upstream, i) => {
      const result: CheckResult = await probeKey(ctx, keyFor(ctx, upstream, usable, i), upstream).catch((err: Error) => ({ key: '', outcome: 'error' as const, message: err.message, ms: 0 }));
      const view = placeView(upstream, DIRECT_ID);
      log.info({ upstream: upstream.id, outcome: result.outcome, code: result.code, key: result.key, runsIn: view.runsIn, hint: view.hint }, 'start-up check of a Worker');
    }),
  );
}
