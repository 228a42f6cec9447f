// The benchmarks' side-by-side schedule (bench/measure.ts cpuMicrosInBlocks): every case is run in
// blocks of the same size, in an order that rotates from round to round, as many times as every
// other case; the warm-up blocks and the first calls of each block are not counted.
import { describe, expect, it } from 'vitest';
import { cpuMicrosInBlocks } from '../src/bench/measure';

describe('cpuMicrosInBlocks', () => {
  it('runs each case in blocks, rotating which goes first, each as often, and counts what the plan says', async () => {
    const log: string[] = [];
    const cases = ['a', 'b', 'c'].map((name) => ({ run: () => void log.push(name) }));
    const plan = { samples: 12, block: 4, discard: 1, warmupCalls: 8 };
    const medians = await cpuMicrosInBlocks(cases, plan);
    expect(medians).toHaveLength(3);
    for (const m of medians) expect(Number.isFinite(m)).toBe(true);
    // 2 warm-up rounds (8 calls / blocks of 4) + 4 counted rounds (12 samples / 3 counted a block).
    const blocks = log.join('').match(/(.)\1{3}/g)!;
    expect(blocks.join('')).toBe(log.join(''));
    expect(blocks.map((b) => b[0]).join('')).toBe('abc' + 'bca' + 'cab' + 'abc' + 'bca' + 'cab');
    for (const name of ['a', 'b', 'c']) expect(log.filter((n) => n === name)).toHaveLength(6 * 4);
  });

  it('builds each input outside the clock, once per call', async () => {
    let prepared = 0;
    const ran: number[] = [];
    await cpuMicrosInBlocks([{ prepare: () => ++prepared, run: (n: number) => void ran.push(n) }], { samples: 3, block: 2, discard: 0, warmupCalls: 2 });
    // 1 warm-up round and 2 counted ones (3 samples, 2 a block) of 2 calls.
    expect(ran).toEqual([1, 2, 3, 4, 5, 6]);
    expect(prepared).toBe(6);
  });
});
