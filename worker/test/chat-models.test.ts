import { describe, expect, it } from 'vitest';
import { geminiVersion, isGemini25Pro, isGemini3, isGemma, isLatestAlias, modelFamily, normalizeModel, supportsJsonSchema, supportsThinking } from '../src/gemini/models';

describe('model names', () => {
  // name, version, family, gemini3, 2.5 pro, thinks, JSON Schema
  it.each([
    ['gemini-2.5-flash', 2.5, 'flash', false, false, true, true],
    ['gemini-2.5-flash-preview-09-2025', 2.5, 'flash', false, false, true, true],
    ['gemini-2.5-flash-lite', 2.5, 'flash-lite', false, false, true, true],
    ['gemini-2.5-flash-lite-preview-06-17', 2.5, 'flash-lite', false, false, true, true],
    ['gemini-2.5-pro', 2.5, 'pro', false, true, true, true],
    ['models/gemini-2.5-pro', 2.5, 'pro', false, true, true, true],
    ['gemini-2.5-pro-preview-06-05', 2.5, 'pro', false, true, true, true],
    ['gemini-3-pro-preview', 3, 'pro', true, false, true, true],
    ['gemini-3-flash-preview', 3, 'flash', true, false, true, true],
    ['gemini-3.1-pro-preview', 3.1, 'pro', true, false, true, true],
    ['gemini-3.1-flash-lite-preview', 3.1, 'flash-lite', true, false, true, true],
    ['gemini-flash-latest', undefined, 'flash', false, false, true, true],
    ['gemini-flash-lite-latest', undefined, 'flash-lite', false, false, true, true],
    ['gemini-pro-latest', undefined, 'pro', false, false, true, true],
    ['gemini-2.0-flash', 2, 'flash', false, false, false, false],
    ['gemini-2.0-flash-lite', 2, 'flash-lite', false, false, false, false],
    ['gemini-1.5-pro', 1.5, 'pro', false, false, false, false],
    ['gemini-2.5-flash-image', 2.5, 'flash', false, false, false, true],
    ['gemini-2.5-flash-image-preview', 2.5, 'flash', false, false, false, true],
    ['gemini-3-pro-image-preview', 3, 'pro', true, false, false, true],
    ['gemini-2.5-flash-preview-tts', 2.5, 'flash', false, false, false, true],
    ['gemini-2.5-flash-native-audio-preview-09-2025', 2.5, 'flash', false, false, false, true],
    ['gemini-embedding-001', undefined, 'embedding', false, false, false, false],
    ['gemma-3-27b-it', undefined, 'gemma', false, false, false, false],
    ['gemini-exp-1206', undefined, 'other', false, false, false, false],
  ] as const)('%s', (name, version, family, gemini3, pro25, thinks, jsonSchema) => {
    expect(geminiVersion(name)).toBe(version);
    expect(modelFamily(name)).toBe(family);
    expect(isGemini3(name)).toBe(gemini3);
    expect(isGemini25Pro(name)).toBe(pro25);
    expect(supportsThinking(name)).toBe(thinks);
    expect(supportsJsonSchema(name)).toBe(jsonSchema);
  });

  it('strips only a leading models/', () => {
    expect(normalizeModel('models/gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(normalizeModel('gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(normalizeModel('tunedModels/my-model')).toBe('tunedModels/my-model');
  });

  it('knows the -latest aliases and Gemma', () => {
    expect(isLatestAlias('gemini-flash-latest')).toBe(true);
    expect(isLatestAlias('models/gemini-pro-latest')).toBe(true);
    expect(isLatestAlias('gemini-2.5-flash')).toBe(false);
    expect(isGemma('gemma-3-12b-it')).toBe(true);
    expect(isGemma('models/gemma-3n-e4b-it')).toBe(true);
    expect(isGemma('gemini-2.5-flash')).toBe(false);
  });
});
