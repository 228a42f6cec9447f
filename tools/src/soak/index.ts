// `pnpm soak [--minutes 10] [--clients 16] [--seed 42] [--faults 0.2] [--hangups 0]`: the pool under a realistic
// mix of Gemini faults, end to end on loopback. Not part of CI's default run (it takes minutes).
// `--hangups 0.2`: a fifth of the requests are abandoned by their client after 0-2 s (a user
// pressing stop), to see that abandoned attempts leave nothing open behind them.
//
// The strict mock Gemini injects ~20% faults at random (seeded): per-minute 429s with short
// retry delays, a few per-day 429s, 503 overloaded, drops before the first byte and mid-stream,
// empty 200s, `candidates: []`, streams without `data:`, slow trickles. Two BUILT Workers run in
// workerd, the BUILT pool (`node pool/dist/main.js`) in front of them with 10 keys; 16 clients
// (half streamed, honouring Retry-After) send chats for the given time. The report says how many
// were answered in full, and puts every failure in a category (explain.ts): a stream cut after its
// first event reached the client, no healthy key at that instant (the mock keeps the quota state
// it injected), or a healthy key existed, explained by the pool's attempt trail (its
// x-opengemini-attempts header) and the mock's record of each Gemini call. Also the pool's
// memory, file descriptors and breakers, and workerd's file descriptors, over time. Every request
// is bounded (60 s), the run too. Every failure, one per line, goes to a details file.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { builtWorkerPath } from '../harness/workerd';
import { type Outcome, runClients } from './clients';
import { seededRandom } from '../mock-gemini/random';
import { explainFailures } from './explain';
import { formatDetails, formatReport } from './report';
import { Sampler } from './sampler';
import { poolMain, startSoakStack } from './stack';

const MODEL = 'gemini-2.5-flash';
/** The mix of issue 10: about 20% of generate calls fail in one way or another (`--faults`
 * scales every rate alike). */
const FAULT_MIX = {
  perMinute: 0.06,
  overloaded: 0.04,
  dropBeforeFirstByte: 0.02,
  emptyStream: 0.02,
  noCandidates: 0.02,
  noDataPrefix: 0.01,
  dropMidStream: 0.02,
  slowTrickle: 0.01,
  perDay: 0.002,
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      clients: { type: 'string', default: '16' },
      seed: { type: 'string', default: '42' },
      faults: { type: 'string', default: '0.2' },
      hangups: { type: 'string', default: '0' },
    },
  });
  const faultShare = Number(values.faults);
  const minutes = Number(values.minutes);
  const clients = Number(values.clients);
  const seed = Number(values.seed);
  const hangUps = Number(values.hangups);
  if (!(minutes > 0 && minutes <= 120) || !(clients >= 1 && clients <= 64) || !Number.isInteger(seed) || !(faultShare >= 0 && faultShare <= 0.9) || !(hangUps >= 0 && hangUps <= 0.9)) {
    throw new Error('usage: pnpm soak [--minutes 0.5..120] [--clients 1..64] [--seed <integer>] [--faults 0..0.9] [--hangups 0..0.9]');
  }
  const mixTotal = Object.values(FAULT_MIX).reduce((a, b) => a + b, 0);
  const rates = Object.fromEntries(Object.entries(FAULT_MIX).map(([name, rate]) => [name, (rate * faultShare) / mixTotal]));
  for (const built of [poolMain, builtWorkerPath]) if (!existsSync(built)) throw new Error(`${built} is missing: run pnpm build first`);

  const keyCount = 10;
  const workerCount = 2;
  const stack = await startSoakStack({
    keys: keyCount,
    workers: workerCount,
    faults: { rates, seed, retryDelayMs: 2000, maxSpentKeys: 2, trickleMs: 1000 },
  });
  const loadAtStart = loadavg()[0]!;
  const sampler = new Sampler(stack.pool.pid!, stack.poolUrl, stack.accessKey);
  const outcomes: Outcome[] = [];
  let explained: ReturnType<typeof explainFailures> = [];
  try {
    sampler.start(5000);
    const until = Date.now() + minutes * 60_000;
    console.log(`soak: ${minutes} min against ${stack.poolUrl} (pool pid ${stack.pool.pid}); Workers ${stack.workers.map((w) => w.url).join(', ')}`);
    const progress = setInterval(() => {
      const ok = outcomes.filter((o) => o.ok).length;
      console.log(`  ${Math.round((until - Date.now()) / 1000)} s left: ${outcomes.length} sent, ${ok} answered`);
    }, 30_000);
    await runClients(
      { baseUrl: stack.poolUrl, apiKey: stack.accessKey, clients, model: MODEL, until, timeoutMs: 60_000, maxRetryAfterMs: 30_000, hangUps, random: seededRandom(seed + 1) },
      (o) => outcomes.push(o),
    );
    clearInterval(progress);
    // Abandoned attempts need a moment to be let go of: the last samples say whether they were.
    await new Promise((r) => setTimeout(r, 15_000));
    await sampler.stop();
    explained = explainFailures({ failures: outcomes.filter((o) => !o.ok && !o.hungUp), journal: stack.faults.journal, keys: stack.keys, model: MODEL, healthyKeys: (k, m, at) => stack.faults.healthyKeys(k, m, at) });
  } finally {
    await stack.close();
  }
  const detailsPath = join(tmpdir(), `opengemini-soak-failures-${process.pid}.txt`);
  await writeFile(detailsPath, `${formatDetails(explained)}\n`);
  console.log(
    `\n${formatReport({
      minutes,
      clients,
      keys: keyCount,
      workers: workerCount,
      seed,
      faultShare,
      hangUps,
      outcomes,
      explained,
      injected: stack.faults.counts,
      rolled: stack.faults.rolled,
      samples: sampler.samples,
      load: [loadAtStart, loadavg()[0]!],
      detailsPath,
    })}`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`soak: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
