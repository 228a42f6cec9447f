// The soak's figures, as text: requests, answers, every failure in its category (cut after the
// first byte, no healthy key, a healthy key existed: explained), the attempts answered requests
// took, injected faults, and the pool's and workerd's memory, file descriptors and breakers over time.
import type { FaultName } from '../mock-gemini';
import type { Outcome } from './clients';
import { type Explained, endOf, tally } from './explain';
import type { Sample } from './sampler';

export interface SoakFigures {
  minutes: number;
  clients: number;
  keys: number;
  workers: number;
  seed: number;
  faultShare: number;
  /** Share of requests the clients abandoned on purpose. */
  hangUps: number;
  outcomes: Outcome[];
  explained: Explained[];
  injected: Readonly<Record<FaultName, number>>;
  rolled: number;
  samples: Sample[];
  /** The 1-minute load average at the start and the end of the run. */
  load: [number, number];
  /** Where every failure is written out, one by one. */
  detailsPath?: string;
}

/** The largest finite figure of the samples (a process may have been gone for one). */
const max = (samples: Sample[], of: (s: Sample) => number) => Math.max(...samples.map(of).filter(Number.isFinite));
const pct = (n: number, of: number) => (of === 0 ? '0.0%' : `${((100 * n) / of).toFixed(1)}%`);

function pick(samples: Sample[]): Array<[string, Sample | undefined]> {
  return [
    ['start', samples[0]],
    ['middle', samples[Math.floor(samples.length / 2)]],
    ['end', samples.at(-1)],
  ];
}

const CATEGORY_TITLES = {
  cut: '(a) stream cut after its first event reached the client (in-band error; cannot be retried)',
  no_key: '(b) no healthy key at that instant (the mock refused every key by quota)',
  healthy_key: '(c) a healthy key existed',
} as const;

/** Rows of `label count` sorted by count, for a group of failures. */
function groupRows(items: Explained[], label: (e: Explained) => string, indent: string): string[] {
  const counts = new Map<string, number>();
  for (const e of items) counts.set(label(e), (counts.get(label(e)) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([l, c]) => `${indent}${String(c).padStart(5)}  ${l}`);
}

/** One line per failure, for the details file: every (c) is explained there individually. */
export function formatDetails(explained: Explained[]): string {
  return explained
    .map((e) => `#${e.outcome.n} ${e.outcome.streamed ? 'stream' : 'whole'} ${e.category} ${e.outcome.reason} after ${e.outcome.ms} ms; ${e.healthy} healthy key(s) at that instant; ${e.why}`)
    .join('\n');
}

export function formatReport(f: SoakFigures): string {
  const hungUp = f.outcomes.filter((o) => o.hungUp).length;
  const kept = f.outcomes.filter((o) => !o.hungUp);
  const sent = kept.length;
  const ok = kept.filter((o) => o.ok).length;
  const streamed = kept.filter((o) => o.streamed);
  const by = (c: keyof typeof CATEGORY_TITLES) => f.explained.filter((e) => e.category === c);
  const healthy = by('healthy_key');
  const attemptsOfAnswers = f.outcomes.filter((o) => o.ok && o.trail).map((o) => String(o.trail!.sent));
  const lines = [
    `soak: ${f.minutes} min, ${f.clients} clients (half streamed), ${f.keys} keys, ${f.workers} Workers, ${pct(f.faultShare, 1)} faults injected at random (seed ${f.seed}); load average ${f.load[0].toFixed(2)} at the start, ${f.load[1].toFixed(2)} at the end (2 cores, shared)`,
    '',
    `requests sent        ${sent}${hungUp ? ` (not counting ${hungUp} the clients abandoned on purpose: --hangups gave ${pct(f.hangUps, 1)} of requests a 0-2 s timer, and these were still running when it fired)` : ''}`,
    `answered in full     ${ok} (${pct(ok, sent)}); streamed ${streamed.filter((o) => o.ok).length}/${streamed.length}, whole ${ok - streamed.filter((o) => o.ok).length}/${sent - streamed.length}`,
    `failed               ${sent - ok} (${pct(sent - ok, sent)})`,
    '',
    'failures by category, then by reason and how the pool ended',
    ...(['cut', 'no_key', 'healthy_key'] as const).flatMap((c) => [
      `  ${CATEGORY_TITLES[c]}: ${by(c).length}`,
      ...groupRows(by(c), (e) => `${e.outcome.reason} (${endOf(e)})`, '    '),
    ]),
    ...(healthy.length
      ? [
          '',
          `(c) explained, by what the pool's attempts met (attempts > faults; gave up: why):`,
          ...groupRows(healthy, (e) => (e.outcome.trail ? `${e.outcome.trail.outcomes.length} > ${tally(e.outcome.trail.outcomes)}; ${endOf(e)}` : endOf(e)), '  '),
          '',
          '(c) one by one (first 20; all failures in the details file):',
          ...healthy.slice(0, 20).map((e) => `  #${e.outcome.n} ${e.outcome.reason} after ${e.outcome.ms} ms, ${e.healthy} healthy key(s): ${e.why}`),
        ]
      : []),
    ...(f.detailsPath ? ['', `every failure, one per line: ${f.detailsPath}`] : []),
    '',
    `attempts per answered request: ${tally(attemptsOfAnswers.sort())}`,
    '',
    `faults the mock injected (of ${f.rolled} generate calls that rolled the dice; 429s include refusals of a cooling key)`,
    `  ${
      Object.entries(f.injected)
        .filter(([, n]) => n > 0)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ') || 'none'
    }`,
    '',
    'processes (the last sample 15 s after the last request)',
    '                        pool RSS MiB   pool fds   open breakers   workerd fds   soak fds (mock, clients)',
    ...pick(f.samples).map(
      ([label, s]) =>
        `  ${label.padEnd(6)} ${
          s
            ? `${(s.at / 1000).toFixed(0).padStart(5)} s  ${String(s.rssMiB).padStart(11)}   ${String(s.fds).padStart(8)}   ${String(s.openBreakers).padStart(13)}   ${String(s.workerdFds).padStart(11)}   ${String(s.soakFds).padStart(8)}`
            : '(no sample)'
        }`,
    ),
    `  max            ${String(max(f.samples, (s) => s.rssMiB)).padStart(11)}   ${String(max(f.samples, (s) => s.fds)).padStart(8)}   ${''.padStart(13)}   ${String(max(f.samples, (s) => s.workerdFds)).padStart(11)}   ${String(max(f.samples, (s) => s.soakFds)).padStart(8)}`,
    `  samples with a breaker open: ${f.samples.filter((s) => s.openBreakers > 0).length} of ${f.samples.length}`,
  ];
  return lines.join('\n');
}
