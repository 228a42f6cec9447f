// The soak's figures, as text: requests, answers, failures by reason with whether a healthy key
// existed at that moment (the mock's word for it), injected faults, and the pool's RSS, file
// descriptors and open breakers over time.
import type { FaultName } from '../mock-gemini';
import type { Outcome } from './clients';
import type { Sample } from './sampler';

export interface FailureRow {
  reason: string;
  count: number;
  /** Of those, how many failed while the mock would have let some key through. */
  withHealthyKey: number;
}

export interface SoakFigures {
  minutes: number;
  clients: number;
  keys: number;
  workers: number;
  seed: number;
  faultShare: number;
  outcomes: Outcome[];
  failures: FailureRow[];
  injected: Readonly<Record<FaultName, number>>;
  rolled: number;
  samples: Sample[];
}

const pct = (n: number, of: number) => (of === 0 ? '0.0%' : `${((100 * n) / of).toFixed(1)}%`);

function pick(samples: Sample[]): Array<[string, Sample | undefined]> {
  return [
    ['start', samples[0]],
    ['middle', samples[Math.floor(samples.length / 2)]],
    ['end', samples.at(-1)],
  ];
}

export function formatReport(f: SoakFigures): string {
  const sent = f.outcomes.length;
  const ok = f.outcomes.filter((o) => o.ok).length;
  const streamed = f.outcomes.filter((o) => o.streamed);
  const lines = [
    `soak: ${f.minutes} min, ${f.clients} clients (half streamed), ${f.keys} keys, ${f.workers} Workers, ${pct(f.faultShare, 1)} faults injected at random (seed ${f.seed})`,
    '',
    `requests sent        ${sent}`,
    `answered in full     ${ok} (${pct(ok, sent)}); streamed ${streamed.filter((o) => o.ok).length}/${streamed.length}, whole ${ok - streamed.filter((o) => o.ok).length}/${sent - streamed.length}`,
    `failed               ${sent - ok} (${pct(sent - ok, sent)})`,
    '',
    'failures by reason (status code)          count   with a healthy key at that moment',
    ...f.failures.map((r) => `  ${r.reason.padEnd(40)} ${String(r.count).padStart(5)}   ${r.withHealthyKey} (${pct(r.withHealthyKey, r.count)})`),
    '',
    `faults the mock injected (of ${f.rolled} generate calls that rolled the dice; 429s include refusals of a cooling key)`,
    `  ${
      Object.entries(f.injected)
        .filter(([, n]) => n > 0)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ') || 'none'
    }`,
    '',
    'pool process            RSS MiB   open fds   open breakers',
    ...pick(f.samples).map(([label, s]) => `  ${label.padEnd(6)} ${s ? `${(s.at / 1000).toFixed(0).padStart(5)} s  ${String(s.rssMiB).padStart(8)}   ${String(s.fds).padStart(8)}   ${String(s.openBreakers).padStart(13)}` : '(no sample)'}`),
    `  max            ${String(Math.max(...f.samples.map((s) => s.rssMiB))).padStart(8)}   ${String(Math.max(...f.samples.map((s) => s.fds))).padStart(8)}`,
    `  samples with a breaker open: ${f.samples.filter((s) => s.openBreakers > 0).length} of ${f.samples.length}`,
  ];
  return lines.join('\n');
}
