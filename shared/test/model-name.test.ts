import { describe, expect, it } from 'vitest';
import { MAX_MODEL_NAME_LENGTH, checkModelName, checkNativePath } from '../src/index';

describe('checkModelName accepts plain ids and Google\'s models/ prefix, normalised', () => {
  it.each([
    ['gemini-2.5-flash', 'gemini-2.5-flash'],
    ['models/gemini-2.5-pro', 'gemini-2.5-pro'],
    ['gemini-2.5-flash-preview-09-2025', 'gemini-2.5-flash-preview-09-2025'],
    ['text-embedding-004', 'text-embedding-004'],
    ['gemma-3_27b.it', 'gemma-3_27b.it'],
    ['x'.repeat(MAX_MODEL_NAME_LENGTH), 'x'.repeat(MAX_MODEL_NAME_LENGTH)],
  ])('%s -> %s', (raw, model) => {
    expect(checkModelName(raw)).toEqual({ ok: true, model });
  });
});

describe('checkModelName refuses names that would steer a URL or bloat a label', () => {
  it.each([
    ['gemini-2.5-flash/../gemini-2.5-pro', 'path separator'],
    ['models/../../x', 'path separator'],
    ['..', 'dot segment'],
    ['.', 'dot segment'],
    ['models/..', 'dot segment'],
    ['models/.', 'dot segment'],
    ['gemini-2.5-flash%2F..%2Fgemini-2.5-pro', 'percent escape'],
    ['%2e%2e', 'percent escape'],
    ['gemini\u0000pro', 'control character'],
    ['gemini-2.5-flash\r\nx-injected: 1', 'control character'],
    ['gemini\\..\\pro', 'path separator'],
    ['gemini-2.5-flash:generateContent', 'may hold only'],
    ['gemini 2.5', 'may hold only'],
    [' gemini-2.5-flash', 'may hold only'],
    ['-flash', 'may hold only'],
    ['gemini-2.5-flash?alt=json', 'may hold only'],
    ['x'.repeat(MAX_MODEL_NAME_LENGTH + 1), 'longer than'],
    ['models/', 'is empty'],
  ])('%j: %s', (raw, why) => {
    const r = checkModelName(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(why);
  });
  it.each([[''], [undefined], [42], [null]])('%j is a missing model', (raw) => {
    expect(checkModelName(raw)).toEqual({ ok: false, message: 'you must provide a model parameter' });
  });
  it('quotes at most 80 characters of a long name', () => {
    const r = checkModelName('y'.repeat(10_000));
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain('y'.repeat(80));
    expect(r.ok ? '' : r.message).not.toContain('y'.repeat(81));
  });
});

describe('checkNativePath names the model of a models/ path and refuses traversal', () => {
  it.each([
    ['/models/gemini-2.5-flash:generateContent', 'gemini-2.5-flash', 'generateContent'],
    ['/models/gemini-2.5-flash:streamGenerateContent', 'gemini-2.5-flash', 'streamGenerateContent'],
    ['/models/gemini-2.5-flash', 'gemini-2.5-flash', ''],
    ['/models', '*', ''],
    ['/models/', '*', ''],
    ['/files/abc-123', '*', ''],
    ['/files', '*', ''],
    ['/files:register', '*', 'register'],
    ['/cachedContents/xyz', '*', ''],
    ['/batches/b1:cancel', '*', 'cancel'],
    ['/models/veo-3:predictLongRunning', 'veo-3', 'predictLongRunning'],
    ['/models/veo-3/operations/op1', 'veo-3', ''],
    ['/', '*', ''],
  ])('%s -> %s %s', (rest, model, method) => {
    expect(checkNativePath(rest)).toEqual({ ok: true, model, method });
  });
  it.each([
    ['/models/./gemini-2.5-pro:generateContent', 'dot segments'],
    ['/models/../../x:generateContent', 'dot segments'],
    ['/models/..%2F..%2Fx:generateContent', 'percent escapes'],
    ['/models/%2e%2e/x', 'percent escapes'],
    ['/files/..', 'dot segments'],
    ['/models/gemini\\pro:generateContent', 'backslash'],
    ['/models//gemini-2.5-pro:generateContent', 'is not a resource name'],
    ['/models/gemini 2.5:generateContent', 'is not a resource name'],
    [`/models/${'m'.repeat(200)}:generateContent`, 'longer than'],
    [`/files/${'f'.repeat(2000)}`, 'longer than'],
  ])('%s: %s', (rest, why) => {
    const r = checkNativePath(rest);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(why);
  });
});
