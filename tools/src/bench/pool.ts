// Benchmark: what the pool adds. Three ways to reach the same fast loopback upstream (a stand-in
// Worker answering from memory, servers/upstream.mjs), measured in the same run:
//   direct  the client calls the upstream itself;
//   bare    through servers/bare-proxy.mjs, a bare undici pass-through (the floor for any Node proxy);
//   pool    through `node pool/dist/main.js`, exactly as users run it (logging at info).
// The bare proxy streams (request piped in, answer written chunk by chunk, chunked encoding), with
// the same undici Pool to the upstream as the pool: a fair floor, not the cheapest Node proxy (one
// that reads the answer whole and writes it with its head, as the pool does, costs less).
// Each server is its own process, as in production. The machine has 2 cores shared by client,
// proxy and upstream, so absolute figures are modest; the comparison is what counts.
import { loadavg } from 'node:os';
import { percentile, type Row } from './measure';
import { chat, postChat, rssMiB, startStage, type Target, throughput } from './pool-setup';

/** Per-request latency at concurrency 1 (ms). */
async function latencies(t: Target, n: number, warmUp = 200): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await chat(t);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await chat(t);
    out.push(performance.now() - start);
  }
  return out;
}

/**
 * Throughput of `a` and `b` in alternating rounds (the order flipped each round), so a machine
 * shared with other work slows both alike: the medians of the per-round ratios b/a.
 */
async function interleaved(a: Target, b: Target, concurrency: number, rounds: number, ms: number) {
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const rates: Record<'a' | 'b', number[]> = { a: [], b: [] };
  const cpu: Record<'a' | 'b', number[]> = { a: [], b: [] };
  await throughput(a, concurrency, 500);
  await throughput(b, concurrency, 500);
  for (let r = 0; r < rounds; r++) {
    const first = r % 2 === 0 ? 'a' : 'b';
    const got = {} as Record<'a' | 'b', { perSecond: number; cpuMicros: number }>;
    for (const which of first === 'a' ? (['a', 'b'] as const) : (['b', 'a'] as const)) got[which] = await throughput(which === 'a' ? a : b, concurrency, ms);
    for (const which of ['a', 'b'] as const) {
      rates[which].push(got[which].perSecond);
      cpu[which].push(got[which].cpuMicros);
    }
    ratios.push(got.b.perSecond / got.a.perSecond);
    cpuRatios.push(got.b.cpuMicros / got.a.cpuMicros);
  }
  const med = (v: number[]) => percentile(v, 50);
  return { a: med(rates.a), b: med(rates.b), ratio: med(ratios), cpuA: med(cpu.a), cpuB: med(cpu.b), cpuRatio: med(cpuRatios) };
}

/** How long stream chunks take from the upstream's write to the client (ms), `streams` x `chunks`. */
async function chunkDelays(t: Target, streams: number, chunks: number, intervalMs: number): Promise<number[]> {
  const delays: number[] = [];
  const body = JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true, user: `stream:${chunks}:${intervalMs}` });
  for (let s = 0; s < streams; s++) {
    const res = await postChat(t, body);
    let buf = '';
    for await (const piece of res.body) {
      const arrived = performance.timeOrigin + performance.now();
      buf += piece.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const m = /"content":"(\d+(?:\.\d+)?)"/.exec(frame);
        if (m) delays.push(arrived - Number(m[1]));
      }
    }
  }
  return delays;
}

/** Opens `n` long streams at once; returns the proxy's RSS once all are open, then closes them. */
async function openStreams(t: Target, n: number): Promise<number> {
  const body = JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true, user: 'stream:60:1000' });
  const aborts: AbortController[] = [];
  let firstChunks = 0;
  const opened = Array.from({ length: n }, async () => {
    const ac = new AbortController();
    aborts.push(ac);
    const res = await postChat(t, body, ac.signal);
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    firstChunks++;
    res.body.on('error', () => undefined);
    res.body.resume();
  });
  await Promise.all(opened);
  await new Promise((r) => setTimeout(r, 1500)); // a second chunk on every stream
  const rss = rssMiB(t.pid);
  for (const ac of aborts) ac.abort();
  if (firstChunks !== n) throw new Error(`only ${firstChunks}/${n} streams opened`);
  return rss;
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

export async function benchPool(): Promise<Row[]> {
  const stage = await startStage();
  try {
    const { direct, bare: bareT, pool: poolT } = stage;
    const rows: Row[] = [];
    const N = 3000;
    // In six alternating slices, so that a burst of other work on the machine lands on all three.
    const ld: number[] = [];
    const lb: number[] = [];
    const lp: number[] = [];
    for (let slice = 0; slice < 6; slice++) {
      const runs: [Target, number[]][] = [
        [direct, ld],
        [bareT, lb],
        [poolT, lp],
      ];
      for (const [t, into] of slice % 2 === 0 ? runs : runs.reverse()) into.push(...(await latencies(t, N / 6, slice === 0 ? 200 : 20)));
    }
    const med = (a: number[]) => percentile(a, 50);
    const p99 = (a: number[]) => percentile(a, 99);
    rows.push({
      name: 'latency c=1, median (direct / bare / pool)',
      ours: `${fmt(med(lp))} (+${fmt(med(lp) - med(ld))} over direct)`,
      baseline: `${fmt(med(ld))} / ${fmt(med(lb))}`,
      ratio: `+${(med(lp) - med(lb)).toFixed(2)} vs bare`,
      target: '<= +1 ms over direct',
      pass: med(lp) - med(ld) <= 1,
    });
    rows.push({
      name: 'latency c=1, p99 (direct / bare / pool)',
      ours: `${fmt(p99(lp))} (+${fmt(p99(lp) - p99(ld))} over direct)`,
      baseline: `${fmt(p99(ld))} / ${fmt(p99(lb))}`,
      ratio: `+${(p99(lp) - p99(lb)).toFixed(2)} vs bare`,
      target: '<= +3 ms over direct',
      pass: p99(lp) - p99(ld) <= 3,
    });

    // Alternating rounds, medians of the per-round ratios: on a shared machine one long run of
    // each measures whatever else ran at the time. CPU per request (the proxy process's user +
    // system time over the requests it served) barely moves with the load: when the proxy is
    // what limits throughput, 85% of bare's rate is at most 1/0.85 = 1.18x its CPU per request.
    const load = loadavg()[0]!;
    const t = await interleaved(bareT, poolT, 64, 6, 2000);
    rows.push({
      name: 'throughput c=64 (req/s, 6 alternating rounds)',
      ours: `${t.b.toFixed(0)} req/s`,
      baseline: `${t.a.toFixed(0)} req/s (bare)`,
      ratio: `${(t.ratio * 100).toFixed(0)}%`,
      target: '>= 85% of bare',
      pass: t.ratio >= 0.85,
    });
    rows.push({
      name: `proxy CPU per request c=64 (load ${load.toFixed(1)})`,
      ours: `${t.cpuB.toFixed(0)} us`,
      baseline: `${t.cpuA.toFixed(0)} us (bare)`,
      ratio: `${t.cpuRatio.toFixed(2)}x`,
      target: '<= 1.18x bare (= 85%)',
      pass: t.cpuRatio <= 1 / 0.85,
    });

    const [cd, cp] = [await chunkDelays(direct, 10, 50, 20), await chunkDelays(poolT, 10, 50, 20)];
    rows.push({
      name: 'stream chunk delay, median / p99',
      ours: `${fmt(med(cp))} / ${fmt(p99(cp))}`,
      baseline: `${fmt(med(cd))} / ${fmt(p99(cd))} (direct)`,
      ratio: `+${(med(cp) - med(cd)).toFixed(2)} ms`,
      target: 'pool adds <= 2 ms',
      pass: med(cp) - med(cd) <= 2,
    });

    const idle = rssMiB(poolT.pid);
    const [rb, rp] = [await openStreams(bareT, 1000), await openStreams(poolT, 1000)];
    rows.push({
      name: '1,000 open streams: proxy RSS',
      ours: `${rp.toFixed(0)} MiB (idle ${idle.toFixed(0)} MiB)`,
      baseline: `${rb.toFixed(0)} MiB (bare)`,
      ratio: `${(rp / rb).toFixed(2)}x`,
      target: '< 200 MB',
      pass: rp * 1.048576 < 200,
    });
    return rows;
  } finally {
    await stage.close();
  }
}
