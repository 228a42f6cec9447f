import { fingerprint } from '@opengemini/shared';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Budgets, budgetFamily, parseLimits, parseLimitsText } from '../src/keys/budgets';
import { KeyRing } from '../src/keys/keyring';
import { nextPacificMidnight } from '../src/accounting/pacific-day';
import { Usage } from '../src/accounting/usage';

describe('budgetFamily (the shared modelFamily; model lists have none)', () => {
  it.each([
    ['gemini-2.5-pro', 'pro'],
    ['gemini-3-pro-preview', 'pro'],
    ['gemini-2.5-flash', 'flash'],
    ['gemini-2.0-flash', 'flash'],
    ['gemini-2.5-flash-lite', 'flash-lite'],
    ['gemini-2.5-flash-lite-preview-09-2025', 'flash-lite'],
    ['gemini-embedding-001', 'embedding'],
    ['text-embedding-004', 'embedding'],
    ['gemma-3-27b-it', 'gemma'],
    ['learnlm-2.0', 'other'],
    ['*', undefined],
  ])('%s -> %s', (model, family) => {
    expect(budgetFamily(model)).toBe(family);
  });
});

describe('parsing limits', () => {
  it.each([
    [{ pro: 50, flash: 1500 }, { pro: 50, flash: 1500 }],
    [{ pro: null }, {}],
    [{ pro: 0 }, { pro: 0 }],
  ])('%j is valid', (input, want) => {
    expect(parseLimits(input, 'defaults')).toEqual(want);
  });

  it.each([
    [{ turbo: 5 }, 'defaults.turbo: unknown model family'],
    [{ pro: -1 }, 'defaults.pro must be a whole number'],
    [{ pro: 1.5 }, 'defaults.pro must be a whole number'],
    [{ pro: '50' }, 'defaults.pro must be a whole number'],
    [[1], 'defaults must be an object'],
  ])('%j is refused naming the field', (input, message) => {
    expect(parseLimits(input, 'defaults')).toContain(message);
  });

  it('KEY_BUDGETS text', () => {
    expect(parseLimitsText('pro=50, flash = 1500')).toEqual({ pro: 50, flash: 1500 });
    expect(parseLimitsText('')).toEqual({});
    expect(parseLimitsText('pro:50')).toContain('not family=number');
    expect(parseLimitsText('ultra=5')).toContain('unknown model family');
  });
});

describe('the budget gate', () => {
  const key = 'AIzaBudget0000000000000000000000000000';
  const fp = fingerprint(key);
  const now = Date.parse('2025-06-01T12:00:00Z');

  async function setup() {
    const dir = await mkdtemp(join(tmpdir(), 'budgets-'));
    const usage = new Usage(7);
    const budgets = new Budgets(dir, usage);
    await budgets.load({}, () => {});
    const ring = new KeyRing([key]);
    return { dir, usage, budgets, entry: ring.get(fp)!, ring };
  }

  it('holds a key back for a family once it spent its budget, until midnight Pacific; 429s do not count', async () => {
    const { dir, usage, budgets, entry, ring } = await setup();
    await budgets.set({ defaults: { flash: 2 }, perKey: {} });
    expect(budgets.gate(entry, 'gemini-2.5-flash', now)).toBeUndefined();
    usage.recordKey(now, fp, 'gemini-2.5-flash', 'ok');
    usage.recordKey(now, fp, 'gemini-2.0-flash', 'rate_limited');
    expect(budgets.gate(entry, 'gemini-2.5-flash', now)).toBeUndefined();
    usage.recordKey(now, fp, 'gemini-2.0-flash', 'error');
    expect(budgets.gate(entry, 'gemini-2.5-flash', now)).toBe(nextPacificMidnight(now));
    expect(budgets.gate(entry, 'gemini-2.5-pro', now)).toBeUndefined();
    expect(budgets.gate(entry, 'gemini-2.5-flash-lite', now)).toBeUndefined();
    ring.useBudget(budgets);
    expect(ring.pick('gemini-2.5-flash', new Set(), now)).toEqual({ kind: 'cooling', retryAt: nextPacificMidnight(now) });
    // The next Pacific day starts from zero.
    expect(budgets.gate(entry, 'gemini-2.5-flash', nextPacificMidnight(now))).toBeUndefined();
    expect(budgets.use(fp, now)).toEqual({ flash: { spent: 2, limit: 2 } });
    expect(JSON.parse(await readFile(budgets.path, 'utf8'))).toEqual({ defaults: { flash: 2 }, perKey: {} });
    await rm(dir, { recursive: true });
  });

  it("a key's own budget replaces the default for that family only", async () => {
    const { dir, budgets } = await setup();
    await budgets.set({ defaults: { flash: 2, pro: 5 }, perKey: { [fp]: { flash: 100 } } });
    expect(budgets.limit(fp, 'flash')).toBe(100);
    expect(budgets.limit(fp, 'pro')).toBe(5);
    expect(budgets.limit('…other#000000', 'flash')).toBe(2);
    await rm(dir, { recursive: true });
  });

  it('no budgets: the gate never holds a key back and is inactive', async () => {
    const { dir, usage, budgets, entry } = await setup();
    for (let i = 0; i < 100; i++) usage.recordKey(now, fp, 'gemini-2.5-pro', 'ok');
    expect(budgets.active).toBe(false);
    expect(budgets.gate(entry, 'gemini-2.5-pro', now)).toBeUndefined();
    await rm(dir, { recursive: true });
  });
});
