import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateGeminiTypes, generatedTypesPath, loadDiscovery } from '../../tools/src/oracles/gen-gemini-types';
import { oraclesMissingMessage, oraclesPresent } from '../../tools/src/oracles/paths';

describe.skipIf(!oraclesPresent)('Gemini wire types agree with the discovery document', () => {
  it('shared/src/gemini.generated.ts is exactly what the generator makes from the oracle', () => {
    const expected = generateGeminiTypes(loadDiscovery());
    expect(readFileSync(generatedTypesPath, 'utf8')).toBe(expected);
  });
  it('covers the fields the converter relies on', () => {
    const text = readFileSync(generatedTypesPath, 'utf8');
    for (const field of ['thoughtSignature?: string', 'thinkingLevel?:', 'responseJsonSchema?: unknown', 'parametersJsonSchema?: unknown', 'nextPageToken?: string']) {
      expect(text).toContain(field);
    }
  });
});

if (!oraclesPresent) it.skip(oraclesMissingMessage, () => {});
