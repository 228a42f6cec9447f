// Every failed soak request put in one of three categories, the proof issue 10 asks for:
//   cut         a stream that failed after its head and first event had reached the client:
//               nothing can be retried then; the client got an in-band error event.
//   no_key      no key was healthy at that instant (the mock's own quota state says so).
//   healthy_key a healthy key existed: the pool gave up too early, or was unlucky. Each one is
//               explained by the pool's account of its attempts (x-opengemini-attempts) and by
//               what the mock did with each of the request's Gemini calls (which key, which fault).
// Pure: the soak hands in its outcomes and the mock's journal.
import { fingerprint } from '@opengemini/shared';
import type { FaultEvent } from '../mock-gemini';
import type { Outcome } from './clients';

export type Category = 'cut' | 'no_key' | 'healthy_key';

/** One of the request's Gemini calls as the mock saw it. */
export interface Call {
  /** ms after the request started */
  atMs: number;
  keyFp: string;
  /** The fault the mock injected (`perMinute (refused)` for a key it was already refusing), or `ok`. */
  fault: string;
}

export interface Explained {
  outcome: Outcome;
  category: Category;
  /** Keys the mock would have let through at the moment of the failure. */
  healthy: number;
  calls: Call[];
  /** A one-line account: how the pool ended, and what each attempt met. */
  why: string;
}

const TAG = /soak request (\d+):/;

/** The mock's generate calls grouped by the soak request they belong to. */
export function callsByRequest(journal: readonly FaultEvent[]): Map<number, FaultEvent[]> {
  const by = new Map<number, FaultEvent[]>();
  for (const e of journal) {
    const n = Number(TAG.exec(e.request.rawBody)?.[1] ?? Number.NaN);
    if (!Number.isInteger(n)) continue;
    let list = by.get(n);
    if (!list) by.set(n, (list = []));
    list.push(e);
  }
  return by;
}

/** `a×2, b` from a list of names, in order of first appearance. */
export function tally(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].map(([n, c]) => (c > 1 ? `${n}×${c}` : n)).join(', ');
}

export interface ExplainInput {
  failures: readonly Outcome[];
  journal: readonly FaultEvent[];
  keys: readonly string[];
  model: string;
  /** The mock's word on which of `keys` it would let through at `at`. */
  healthyKeys(keys: readonly string[], model: string, at: number): string[];
}

export function explainFailures(input: ExplainInput): Explained[] {
  const calls = callsByRequest(input.journal);
  return input.failures.map((o) => {
    const started = o.at - o.ms;
    const mine: Call[] = (calls.get(o.n) ?? []).map((e) => ({
      atMs: e.at - started,
      keyFp: fingerprint(e.request.key ?? ''),
      fault: e.fault ? `${e.fault}${e.refused ? ' (refused)' : ''}` : 'ok',
    }));
    const healthy = input.healthyKeys(input.keys, input.model, o.at).length;
    const category: Category = o.streamed && o.committed ? 'cut' : healthy === 0 ? 'no_key' : 'healthy_key';
    return { outcome: o, category, healthy, calls: mine, why: account(o, mine) };
  });
}

function account(o: Outcome, calls: Call[]): string {
  const t = o.trail;
  const pool = t ? `${t.sent} attempt(s): ${t.outcomes.join(' > ') || 'none'}${t.end ? `; gave up: ${t.end}` : ''}` : 'no x-opengemini-attempts header';
  const mock = calls.length ? `; Gemini saw ${calls.length} call(s): ${calls.map((c) => `${c.keyFp} ${c.fault} @${c.atMs}ms`).join(', ')}` : '; Gemini saw no call';
  return `${pool}${mock}`;
}

/** Why the pool ended, for grouping: its give-up reason, or how the last attempt ended. */
export function endOf(e: Explained): string {
  const t = e.outcome.trail;
  if (!t) return 'no header';
  return t.end ?? (e.category === 'cut' ? 'committed' : 'answered with the error');
}
