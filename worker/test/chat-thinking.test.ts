import { describe, expect, it } from 'vitest';
import { thinkingLevels, toThinkingConfig } from '../src/gemini/thinking';

describe('reasoning_effort -> thinkingLevel on Gemini 3', () => {
  it.each([
    // model, effort, level
    ['gemini-3-pro-preview', 'none', 'LOW'],
    ['gemini-3-pro-preview', 'minimal', 'LOW'],
    ['gemini-3-pro-preview', 'low', 'LOW'],
    ['gemini-3-pro-preview', 'medium', 'HIGH'],
    ['gemini-3-pro-preview', 'high', 'HIGH'],
    ['gemini-3-pro-preview', 'xhigh', 'HIGH'],
    ['gemini-3.1-pro-preview', 'minimal', 'LOW'],
    ['gemini-3.1-pro-preview', 'medium', 'MEDIUM'],
    ['gemini-3-flash-preview', 'none', 'MINIMAL'],
    ['gemini-3-flash-preview', 'minimal', 'MINIMAL'],
    ['gemini-3-flash-preview', 'low', 'LOW'],
    ['gemini-3-flash-preview', 'medium', 'MEDIUM'],
    ['gemini-3-flash-preview', 'high', 'HIGH'],
    ['gemini-3.1-flash-lite-preview', 'minimal', 'MINIMAL'],
    ['models/gemini-3-flash-preview', 'medium', 'MEDIUM'],
  ] as const)('%s %s -> %s', (model, effort, level) => {
    const config = toThinkingConfig(model, effort);
    expect(config?.thinkingLevel).toBe(level);
    expect(config?.thinkingBudget).toBeUndefined();
    // Thought summaries come back unless the client asked for no reasoning at all.
    expect(config?.includeThoughts).toBe(effort === 'none' ? undefined : true);
  });

  it('lists the levels each Gemini 3 model has', () => {
    expect(thinkingLevels('gemini-3-pro-preview')).toEqual(['LOW', 'HIGH']);
    expect(thinkingLevels('gemini-3.1-pro-preview')).toEqual(['LOW', 'MEDIUM', 'HIGH']);
    expect(thinkingLevels('gemini-3-flash-preview')).toEqual(['MINIMAL', 'LOW', 'MEDIUM', 'HIGH']);
  });
});

describe('reasoning_effort -> thinkingBudget on Gemini 2.5 and the -latest aliases', () => {
  it.each([
    ['gemini-2.5-flash', 'none', 0],
    ['gemini-2.5-flash', 'minimal', 512],
    ['gemini-2.5-flash', 'low', 1024],
    ['gemini-2.5-flash', 'medium', 8192],
    ['gemini-2.5-flash', 'high', 24576],
    ['gemini-2.5-flash', 'xhigh', 24576],
    ['gemini-2.5-flash-lite', 'none', 0],
    ['gemini-2.5-flash-lite', 'minimal', 512],
    // 2.5 Pro cannot switch thinking off: 128 is its minimum; its ceiling is 32768.
    ['gemini-2.5-pro', 'none', 128],
    ['gemini-2.5-pro', 'minimal', 512],
    ['gemini-2.5-pro', 'high', 32768],
    ['gemini-2.5-flash-preview-09-2025', 'low', 1024],
    // Aliases may point at 2.5 (which rejects levels) or 3 (which still takes budgets).
    ['gemini-flash-latest', 'medium', 8192],
    ['gemini-pro-latest', 'none', 128],
  ] as const)('%s %s -> %i', (model, effort, budget) => {
    const config = toThinkingConfig(model, effort);
    expect(config?.thinkingBudget).toBe(budget);
    expect(config?.thinkingLevel).toBeUndefined();
    expect(config?.includeThoughts).toBe(effort === 'none' ? undefined : true);
  });
});

describe('thinking defaults and non-thinking models', () => {
  it('asks a thinking model for thought summaries and nothing else when no effort is given', () => {
    expect(toThinkingConfig('gemini-2.5-flash', undefined)).toEqual({ includeThoughts: true });
    expect(toThinkingConfig('gemini-3-pro-preview', null)).toEqual({ includeThoughts: true });
  });

  it.each(['gemini-2.0-flash', 'gemini-2.0-flash-lite', 'gemma-3-27b-it', 'gemini-2.5-flash-image', 'gemini-3-pro-image-preview', 'gemini-embedding-001', 'gemini-2.5-flash-preview-tts'])(
    '%s gets no thinkingConfig, even when asked',
    (model) => {
      expect(toThinkingConfig(model, 'high')).toBeUndefined();
      expect(toThinkingConfig(model, undefined, { thinking_budget: 1000, include_thoughts: true })).toBeUndefined();
    },
  );
});

describe('google.thinking_config overrides reasoning_effort', () => {
  it.each([
    // model, effort, override, expected
    ['gemini-2.5-flash', 'high', { thinking_budget: 2000 }, { thinkingBudget: 2000, includeThoughts: true }],
    ['gemini-2.5-flash', 'high', { thinking_budget: 0 }, { thinkingBudget: 0 }],
    ['gemini-2.5-flash', undefined, { thinking_budget: -1 }, { thinkingBudget: -1, includeThoughts: true }],
    ['gemini-2.5-flash', 'low', { include_thoughts: false }, { thinkingBudget: 1024 }],
    ['gemini-2.5-flash', 'none', { include_thoughts: true }, { thinkingBudget: 0, includeThoughts: true }],
    // A budget of 0 would be a 400 on Pro: its minimum instead.
    ['gemini-2.5-pro', undefined, { thinking_budget: 0 }, { thinkingBudget: 128 }],
    // A level on 2.5 (a 400 there) becomes the matching budget; a budget beside it wins.
    ['gemini-2.5-flash', undefined, { thinking_level: 'low' }, { thinkingBudget: 1024, includeThoughts: true }],
    ['gemini-2.5-pro', undefined, { thinking_level: 'HIGH' }, { thinkingBudget: 32768, includeThoughts: true }],
    ['gemini-2.5-flash', undefined, { thinking_level: 'high', thinking_budget: 300 }, { thinkingBudget: 300, includeThoughts: true }],
    // On Gemini 3 a level wins over a budget; a lone budget becomes the matching level.
    ['gemini-3-flash-preview', 'high', { thinking_level: 'minimal' }, { thinkingLevel: 'MINIMAL', includeThoughts: true }],
    ['gemini-3-pro-preview', undefined, { thinking_level: 'medium', thinking_budget: 100 }, { thinkingLevel: 'HIGH', includeThoughts: true }],
    ['gemini-3-pro-preview', undefined, { thinking_budget: 0 }, { thinkingLevel: 'LOW' }],
    ['gemini-3-flash-preview', undefined, { thinking_budget: 8192 }, { thinkingLevel: 'MEDIUM', includeThoughts: true }],
    ['gemini-3-flash-preview', 'low', { thinking_budget: -1 }, { includeThoughts: true }],
    ['gemini-3-pro-preview', 'high', { include_thoughts: false }, { thinkingLevel: 'HIGH' }],
  ] as const)('%s %s %j', (model, effort, override, expected) => {
    const config = toThinkingConfig(model, effort, override);
    expect(config).toEqual(expected);
    expect(config?.thinkingBudget !== undefined && config.thinkingLevel !== undefined).toBe(false);
  });
});
