// Model names as both tiers read them: the family (budgets in the pool, thinking settings in the
// Worker). Pure.

export const MODEL_FAMILIES = ['pro', 'flash', 'flash-lite', 'embedding', 'gemma', 'other'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

/**
 * `gemini-2.5-flash-lite` -> `flash-lite`; `models/` prefixes and case are ignored. Embedding and
 * Gemma models are families of their own (their own quotas); names without a known family token
 * (`learnlm-2.0`, `gemini-exp-1206`) are `other`.
 */
export function modelFamily(model: string): ModelFamily {
  const name = model.toLowerCase().replace(/^models\//, '');
  if (name.includes('embed')) return 'embedding';
  if (name.startsWith('gemma')) return 'gemma';
  const t = name.split('-');
  if (t.includes('flash')) return t.includes('lite') ? 'flash-lite' : 'flash';
  if (t.includes('pro')) return 'pro';
  return 'other';
}
