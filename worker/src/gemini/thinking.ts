// An effort (OpenAI's reasoning_effort words) and Google's own `thinking_config` knobs -> Gemini's
// thinkingConfig, per model. Every dialect states its request in these terms (conversation.ts).
//
// Gemini 3 takes `thinkingLevel`; which levels exist depends on the model (Google's thinking docs):
//   gemini-3-pro            LOW, HIGH
//   gemini-3.1-pro and on   LOW, MEDIUM, HIGH
//   gemini-3*-flash(-lite)  MINIMAL, LOW, MEDIUM, HIGH
// None of them can switch thinking off, so `none` asks for the lowest level. A level the model
// lacks goes to its neighbour: MINIMAL -> LOW (the closest to "as little as possible"), MEDIUM ->
// HIGH (Gemini 3 Pro's HIGH is its default and roughly what 3.1 Pro calls MEDIUM).
//
// Gemini 2.5 takes `thinkingBudget` in tokens: 0 switches thinking off on Flash and Flash-Lite;
// 2.5 Pro cannot switch it off ("Budget 0 is invalid") and takes 128..32768, so `none` is its
// minimum. Flash tops out at 24576. The `-latest` aliases move between generations, so they get
// a budget: Gemini 3 still accepts thinkingBudget, while Gemini 2.5 rejects thinkingLevel.
//
// Sending both a budget and a level is a 400, so exactly one of them is ever set.
//
// includeThoughts is on whenever the model thinks and the client did not opt out (effort `none`
// or include_thoughts:false): thought summaries cost no extra quota (the thinking happens either
// way) and come back as reasoning_content, which clients show or ignore.
import type { Gemini } from '@opengemini/shared';
import type { Effort } from './conversation';
import { isGemini3, geminiVersion, modelFamily, supportsThinking } from './models';

export type ThinkingLevel = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';
/** Google's thinking_config, as its compatibility API takes it (extra_body.google). */
export interface ThinkingOverride {
  thinking_budget?: number | undefined;
  thinking_level?: string | undefined;
  include_thoughts?: boolean | undefined;
}

/** The levels a Gemini 3 model accepts, lowest first. */
export function thinkingLevels(model: string): readonly ThinkingLevel[] {
  const family = modelFamily(model);
  if (family === 'flash' || family === 'flash-lite') return ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'];
  if (family === 'pro' && (geminiVersion(model) ?? 3) > 3) return ['LOW', 'MEDIUM', 'HIGH'];
  return ['LOW', 'HIGH'];
}

const EFFORT_LEVEL: Record<Effort, ThinkingLevel> = {
  none: 'MINIMAL',
  minimal: 'MINIMAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  xhigh: 'HIGH',
};

/** The requested level if the model has it, else its neighbour (MINIMAL -> LOW, MEDIUM -> HIGH). */
function levelFor(model: string, wanted: ThinkingLevel): ThinkingLevel {
  const levels = thinkingLevels(model);
  if (levels.includes(wanted)) return wanted;
  if (wanted === 'MINIMAL') return 'LOW';
  return 'HIGH';
}

/** The thinkingBudget range a Gemini 2.5 model accepts: Pro 128..32768, Flash(-Lite) 0..24576. */
export function budgetRange(model: string): { min: number; max: number } {
  return modelFamily(model) === 'pro' ? { min: 128, max: 32768 } : { min: 0, max: 24576 };
}

/** Token budgets for Gemini 2.5 (and the aliases). Pro's ceiling is 32768, Flash's 24576. */
function budgetFor(model: string, effort: Effort): number {
  const range = budgetRange(model);
  switch (effort) {
    case 'none':
      return range.min;
    case 'minimal':
      return 512;
    case 'low':
      return 1024;
    case 'medium':
      return 8192;
    case 'high':
    case 'xhigh':
      return range.max;
  }
}

const LEVEL_EFFORT: Record<ThinkingLevel, Effort> = { MINIMAL: 'minimal', LOW: 'low', MEDIUM: 'medium', HIGH: 'high' };

/** A client's budget seen as an effort, for Gemini 3 where levels are the recommended knob. */
function budgetEffort(budget: number): Effort {
  if (budget === 0) return 'none';
  if (budget < 1024) return 'minimal';
  if (budget < 8192) return 'low';
  if (budget < 24576) return 'medium';
  return 'high';
}

function parseLevel(level: string | undefined): ThinkingLevel | undefined {
  const upper = level?.toUpperCase();
  return upper === 'MINIMAL' || upper === 'LOW' || upper === 'MEDIUM' || upper === 'HIGH' ? upper : undefined;
}

/**
 * The thinkingConfig for a request, or undefined when the model does not think. `override`
 * (extra_body.google.thinking_config) wins over `effort` field by field.
 */
export function toThinkingConfig(
  model: string,
  effort: Effort | null | undefined,
  override?: ThinkingOverride,
): Gemini.ThinkingConfig | undefined {
  if (!supportsThinking(model)) return undefined;
  const config: Gemini.ThinkingConfig = {};
  const level = parseLevel(override?.thinking_level);
  const budget = override?.thinking_budget;
  // Thinking counts as off (no thought summaries asked for) for effort `none` or a budget of 0.
  let off = effort === 'none';

  if (isGemini3(model)) {
    // Levels are Google's recommended knob for Gemini 3: a level wins, a client budget becomes
    // the matching level, and -1 ("dynamic") is the model default, so no level at all.
    let wanted: ThinkingLevel | undefined;
    if (level) {
      wanted = level;
      off = false;
    } else if (budget !== undefined) {
      wanted = budget >= 0 ? EFFORT_LEVEL[budgetEffort(budget)] : undefined;
      off = budget === 0;
    } else if (effort) {
      wanted = EFFORT_LEVEL[effort];
    }
    if (wanted) config.thinkingLevel = levelFor(model, wanted);
  } else if (budget !== undefined) {
    // A budget is 2.5's own knob and wins. Pro models cannot switch thinking off: their
    // smallest budget instead of a certain 400.
    config.thinkingBudget = budget === 0 && modelFamily(model) === 'pro' ? 128 : budget;
    off = budget === 0;
  } else if (level) {
    config.thinkingBudget = budgetFor(model, LEVEL_EFFORT[level]);
    off = false;
  } else if (effort) {
    config.thinkingBudget = budgetFor(model, effort);
  }

  if (override?.include_thoughts ?? !off) config.includeThoughts = true;
  return Object.keys(config).length > 0 ? config : undefined;
}
