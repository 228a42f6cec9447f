// What the converter needs to know about a model from its name alone: generation, family and
// capabilities. Gemini model names follow `gemini-<major>[.<minor>]-<family>[-lite][-suffix]`
// (`gemini-2.5-flash-preview-09-2025`, `gemini-3-pro-preview`, `gemini-3.1-flash-lite-preview`);
// the `-latest` aliases (`gemini-flash-latest`) carry no version, and Google moves them from one
// generation to the next, so callers must pick settings that both generations accept.

// The family is the one both tiers read (the pool budgets by it): @opengemini/shared models.ts.
export { type ModelFamily, modelFamily } from '@opengemini/shared';
import { modelFamily } from '@opengemini/shared';

/** `models/gemini-2.5-pro` -> `gemini-2.5-pro`; everything else kept as is. */
export function normalizeModel(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model;
}

/** The generation as a number (2.5, 3, 3.1), or undefined for names without one. */
export function geminiVersion(model: string): number | undefined {
  const m = /^gemini-(\d+)(?:\.(\d+))?(?:-|$)/.exec(normalizeModel(model).toLowerCase());
  if (!m) return undefined;
  return Number(`${m[1]}.${m[2] ?? '0'}`);
}

/** `gemini-flash-latest`, `gemini-pro-latest`...: an alias whose generation we cannot know. */
export function isLatestAlias(model: string): boolean {
  const name = normalizeModel(model).toLowerCase();
  return name.startsWith('gemini-') && name.endsWith('-latest') && geminiVersion(name) === undefined;
}

/** Gemini 3 or later: thinkingLevel, thought signatures on function calls, JSON output + tools. */
export function isGemini3(model: string): boolean {
  return (geminiVersion(model) ?? 0) >= 3;
}

export function isGemini25Pro(model: string): boolean {
  return geminiVersion(model) === 2.5 && modelFamily(model) === 'pro';
}

export function isGemma(model: string): boolean {
  return normalizeModel(model).toLowerCase().startsWith('gemma-');
}

function tokens(model: string): string[] {
  return normalizeModel(model).toLowerCase().split('-');
}

/** Variants that generate media or run live audio: they take no thinkingConfig. */
const NON_THINKING_TOKENS = new Set(['image', 'tts', 'audio', 'live', 'embedding']);

/**
 * True when the model accepts `thinkingConfig`: Gemini 2.5 and later text models, and the
 * `-latest` aliases (which point at 2.5 or later). Gemini 2.0 and older, Gemma, image, TTS,
 * native-audio and embedding models reject it.
 */
export function supportsThinking(model: string): boolean {
  const t = tokens(model);
  if (t[0] !== 'gemini' || t.some((x) => NON_THINKING_TOKENS.has(x))) return false;
  if (isLatestAlias(model)) return true;
  return (geminiVersion(model) ?? 0) >= 2.5;
}

/**
 * True when the model takes full JSON Schema in `responseJsonSchema` / `parametersJsonSchema`:
 * Google documents it for Gemini 2.5 and later (the `-latest` aliases included).
 */
export function supportsJsonSchema(model: string): boolean {
  return isLatestAlias(model) || (geminiVersion(model) ?? 0) >= 2.5;
}
