// Deterministic embeddings: the same text, model and size always give the same unit vector, and
// different texts give different ones, so tests can compare vectors without a real model.
import type { Gemini } from '@opengemini/shared';
import { seededRandom } from './random';

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A unit vector of `dimensions` values seeded by the text and model. */
export function embed(text: string, model: string, dimensions: number): number[] {
  const next = seededRandom(fnv1a(`${model}\u0000${text}`));
  const values = new Array<number>(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    const v = next() * 2 - 1;
    values[i] = v;
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dimensions; i++) values[i] = Math.round((values[i] ?? 0) * scale * 1e8) / 1e8;
  return values;
}

/** The text an embed request carries: its text parts joined by newlines. */
export function contentText(content: Gemini.Content | undefined): string {
  return (content?.parts ?? []).map((p) => p.text ?? '').join('\n');
}
