import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { geminiDiscoveryPath, oraclesMissingMessage, oraclesPresent } from '../../tools/src/oracles/paths';
import { NATIVE_METHODS } from '@opengemini/shared';
import { DISCOVERY_METHODS, nativeAccess } from '../src/http/native-access';

interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  flatPath?: string;
  path: string;
}
interface DiscoveryResource {
  methods?: Record<string, DiscoveryMethod>;
  resources?: Record<string, DiscoveryResource>;
}

function discoveryMethods(): string[] {
  const doc = JSON.parse(readFileSync(geminiDiscoveryPath, 'utf8')) as DiscoveryResource;
  const out: string[] = [];
  const walk = (r: DiscoveryResource) => {
    for (const m of Object.values(r.methods ?? {})) out.push(`${m.id.replace(/^generativelanguage\./, '')} ${m.httpMethod} ${m.flatPath ?? m.path}`);
    for (const child of Object.values(r.resources ?? {})) walk(child);
  };
  walk(doc);
  return out.sort();
}

describe('the native method list is the discovery document\'s', () => {
  it.skipIf(!oraclesPresent)('every method of ../shared/oracles/gemini-v1beta-discovery.json, and no other', () => {
    expect(DISCOVERY_METHODS.map(([id, m, path]) => `${id} ${m} ${path}`).sort()).toEqual(discoveryMethods());
  });
  it('the HTTP methods both tiers pass on (NATIVE_METHODS) are exactly those the list uses', () => {
    expect([...NATIVE_METHODS].sort()).toEqual([...new Set(DISCOVERY_METHODS.map(([, m]) => m))].sort());
  });
  if (!oraclesPresent) it.skip(oraclesMissingMessage, () => {});
});

describe('nativeAccess: what an extra client key may call', () => {
  it.each([
    ['POST', '/v1beta/models/gemini-2.5-flash:generateContent', 'models.generateContent', 'client'],
    ['POST', '/v1beta/models/gemini-2.5-flash:streamGenerateContent', 'models.streamGenerateContent', 'client'],
    ['POST', '/v1beta/models/gemini-2.5-flash:countTokens', 'models.countTokens', 'client'],
    ['POST', '/v1beta/models/text-embedding-004:batchEmbedContents', 'models.batchEmbedContents', 'client'],
    ['GET', '/v1beta/models', 'models.list', 'client'],
    ['GET', '/v1beta/models/gemini-2.5-flash', 'models.get', 'client'],
    ['POST', '/upload/v1beta/files', 'media.upload', 'client'],
    ['PUT', '/upload/v1beta/files', 'media.upload', 'client'],
    ['GET', '/v1beta/files/abc', 'files.get', 'owner'],
    ['DELETE', '/v1beta/files/abc', 'files.delete', 'owner'],
    ['GET', '/v1beta/files', 'files.list', 'operator'],
    ['POST', '/v1beta/files:register', 'files.register', 'operator'],
    ['POST', '/v1beta/cachedContents', 'cachedContents.create', 'operator'],
    ['PATCH', '/v1beta/cachedContents/c1', 'cachedContents.patch', 'operator'],
    ['POST', '/v1beta/tunedModels', 'tunedModels.create', 'operator'],
    ['POST', '/v1beta/tunedModels/t1:generateContent', 'tunedModels.generateContent', 'operator'],
    ['POST', '/v1beta/models/gemini-2.5-flash:batchGenerateContent', 'models.batchGenerateContent', 'operator'],
    ['POST', '/v1beta/models/veo-3:predictLongRunning', 'models.predictLongRunning', 'operator'],
    ['POST', '/v1beta/batches/b1:cancel', 'batches.cancel', 'operator'],
    ['POST', '/v1beta/auth_tokens', 'auth_tokens.create', 'operator'],
    ['POST', '/upload/v1beta/fileSearchStores/s1:uploadToFileSearchStore', 'media.uploadToFileSearchStore', 'operator'],
  ])('%s %s is %s (%s)', (method, path, id, access) => {
    expect(nativeAccess(method, path)).toEqual({ id, access });
  });
  it.each([
    ['GET', '/v1beta/brandNewThing'],
    ['POST', '/v1beta/models/gemini-2.5-flash:somethingNew'],
    ['DELETE', '/v1beta/models/gemini-2.5-flash'],
  ])('%s %s, a path Google does not document, needs operator rights', (method, path) => {
    expect(nativeAccess(method, path).access).toBe('operator');
  });
});
