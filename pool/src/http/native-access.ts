// Who may call which native Gemini method through the pool. Some methods only generate (and cost
// quota); others read or change what lives in the operator's Google project: files, cached
// contents, tuned models, batches, corpora, file search stores, auth tokens. Extra client keys get
// the first kind, and their own uploads; the second kind needs the main client key or an extra key
// given the `[operator]` permission (docs/admin-api.md). Unknown paths count as the second kind.
//
// The method list is data from Google's discovery document (checked against it by
// pool/test/native-access.test.ts), so a method Google adds is operator-only until listed here.

/** What a method needs: any client key, the owner of the file it names, or operator rights. */
export type NativeAccess = 'client' | 'owner' | 'operator';

export interface NativeMethod {
  /** The discovery document's id without its `generativelanguage.` prefix: `files.list`. */
  id: string;
  access: NativeAccess;
}

/** [id, HTTP method, flat path] of every v1beta method, discovery document revision 20260325. */
export const DISCOVERY_METHODS: readonly (readonly [string, string, string])[] = [
  ['auth_tokens.create', 'POST', 'v1beta/auth_tokens'],
  ['batches.cancel', 'POST', 'v1beta/batches/{batchesId}:cancel'],
  ['batches.delete', 'DELETE', 'v1beta/batches/{batchesId}'],
  ['batches.get', 'GET', 'v1beta/batches/{batchesId}'],
  ['batches.list', 'GET', 'v1beta/batches'],
  ['batches.updateEmbedContentBatch', 'PATCH', 'v1beta/batches/{batchesId}:updateEmbedContentBatch'],
  ['batches.updateGenerateContentBatch', 'PATCH', 'v1beta/batches/{batchesId}:updateGenerateContentBatch'],
  ['cachedContents.create', 'POST', 'v1beta/cachedContents'],
  ['cachedContents.delete', 'DELETE', 'v1beta/cachedContents/{cachedContentsId}'],
  ['cachedContents.get', 'GET', 'v1beta/cachedContents/{cachedContentsId}'],
  ['cachedContents.list', 'GET', 'v1beta/cachedContents'],
  ['cachedContents.patch', 'PATCH', 'v1beta/cachedContents/{cachedContentsId}'],
  ['corpora.create', 'POST', 'v1beta/corpora'],
  ['corpora.delete', 'DELETE', 'v1beta/corpora/{corporaId}'],
  ['corpora.get', 'GET', 'v1beta/corpora/{corporaId}'],
  ['corpora.list', 'GET', 'v1beta/corpora'],
  ['corpora.operations.get', 'GET', 'v1beta/corpora/{corporaId}/operations/{operationsId}'],
  ['corpora.permissions.create', 'POST', 'v1beta/corpora/{corporaId}/permissions'],
  ['corpora.permissions.delete', 'DELETE', 'v1beta/corpora/{corporaId}/permissions/{permissionsId}'],
  ['corpora.permissions.get', 'GET', 'v1beta/corpora/{corporaId}/permissions/{permissionsId}'],
  ['corpora.permissions.list', 'GET', 'v1beta/corpora/{corporaId}/permissions'],
  ['corpora.permissions.patch', 'PATCH', 'v1beta/corpora/{corporaId}/permissions/{permissionsId}'],
  ['dynamic.generateContent', 'POST', 'v1beta/dynamic/{dynamicId}:generateContent'],
  ['dynamic.streamGenerateContent', 'POST', 'v1beta/dynamic/{dynamicId}:streamGenerateContent'],
  ['fileSearchStores.create', 'POST', 'v1beta/fileSearchStores'],
  ['fileSearchStores.delete', 'DELETE', 'v1beta/fileSearchStores/{fileSearchStoresId}'],
  ['fileSearchStores.documents.delete', 'DELETE', 'v1beta/fileSearchStores/{fileSearchStoresId}/documents/{documentsId}'],
  ['fileSearchStores.documents.get', 'GET', 'v1beta/fileSearchStores/{fileSearchStoresId}/documents/{documentsId}'],
  ['fileSearchStores.documents.list', 'GET', 'v1beta/fileSearchStores/{fileSearchStoresId}/documents'],
  ['fileSearchStores.get', 'GET', 'v1beta/fileSearchStores/{fileSearchStoresId}'],
  ['fileSearchStores.importFile', 'POST', 'v1beta/fileSearchStores/{fileSearchStoresId}:importFile'],
  ['fileSearchStores.list', 'GET', 'v1beta/fileSearchStores'],
  ['fileSearchStores.operations.get', 'GET', 'v1beta/fileSearchStores/{fileSearchStoresId}/operations/{operationsId}'],
  ['fileSearchStores.upload.operations.get', 'GET', 'v1beta/fileSearchStores/{fileSearchStoresId}/upload/operations/{operationsId}'],
  ['files.delete', 'DELETE', 'v1beta/files/{filesId}'],
  ['files.get', 'GET', 'v1beta/files/{filesId}'],
  ['files.list', 'GET', 'v1beta/files'],
  ['files.register', 'POST', 'v1beta/files:register'],
  ['generatedFiles.list', 'GET', 'v1beta/generatedFiles'],
  ['generatedFiles.operations.get', 'GET', 'v1beta/generatedFiles/{generatedFilesId}/operations/{operationsId}'],
  ['media.download', 'GET', 'v1beta/generatedFiles/{generatedFilesId}'],
  ['media.upload', 'POST', 'v1beta/files'],
  ['media.uploadToFileSearchStore', 'POST', 'v1beta/fileSearchStores/{fileSearchStoresId}:uploadToFileSearchStore'],
  ['models.asyncBatchEmbedContent', 'POST', 'v1beta/models/{modelsId}:asyncBatchEmbedContent'],
  ['models.batchEmbedContents', 'POST', 'v1beta/models/{modelsId}:batchEmbedContents'],
  ['models.batchEmbedText', 'POST', 'v1beta/models/{modelsId}:batchEmbedText'],
  ['models.batchGenerateContent', 'POST', 'v1beta/models/{modelsId}:batchGenerateContent'],
  ['models.countMessageTokens', 'POST', 'v1beta/models/{modelsId}:countMessageTokens'],
  ['models.countTextTokens', 'POST', 'v1beta/models/{modelsId}:countTextTokens'],
  ['models.countTokens', 'POST', 'v1beta/models/{modelsId}:countTokens'],
  ['models.embedContent', 'POST', 'v1beta/models/{modelsId}:embedContent'],
  ['models.embedText', 'POST', 'v1beta/models/{modelsId}:embedText'],
  ['models.generateAnswer', 'POST', 'v1beta/models/{modelsId}:generateAnswer'],
  ['models.generateContent', 'POST', 'v1beta/models/{modelsId}:generateContent'],
  ['models.generateMessage', 'POST', 'v1beta/models/{modelsId}:generateMessage'],
  ['models.generateText', 'POST', 'v1beta/models/{modelsId}:generateText'],
  ['models.get', 'GET', 'v1beta/models/{modelsId}'],
  ['models.list', 'GET', 'v1beta/models'],
  ['models.operations.get', 'GET', 'v1beta/models/{modelsId}/operations/{operationsId}'],
  ['models.operations.list', 'GET', 'v1beta/models/{modelsId}/operations'],
  ['models.predict', 'POST', 'v1beta/models/{modelsId}:predict'],
  ['models.predictLongRunning', 'POST', 'v1beta/models/{modelsId}:predictLongRunning'],
  ['models.streamGenerateContent', 'POST', 'v1beta/models/{modelsId}:streamGenerateContent'],
  ['tunedModels.asyncBatchEmbedContent', 'POST', 'v1beta/tunedModels/{tunedModelsId}:asyncBatchEmbedContent'],
  ['tunedModels.batchGenerateContent', 'POST', 'v1beta/tunedModels/{tunedModelsId}:batchGenerateContent'],
  ['tunedModels.create', 'POST', 'v1beta/tunedModels'],
  ['tunedModels.delete', 'DELETE', 'v1beta/tunedModels/{tunedModelsId}'],
  ['tunedModels.generateContent', 'POST', 'v1beta/tunedModels/{tunedModelsId}:generateContent'],
  ['tunedModels.generateText', 'POST', 'v1beta/tunedModels/{tunedModelsId}:generateText'],
  ['tunedModels.get', 'GET', 'v1beta/tunedModels/{tunedModelsId}'],
  ['tunedModels.list', 'GET', 'v1beta/tunedModels'],
  ['tunedModels.operations.get', 'GET', 'v1beta/tunedModels/{tunedModelsId}/operations/{operationsId}'],
  ['tunedModels.operations.list', 'GET', 'v1beta/tunedModels/{tunedModelsId}/operations'],
  ['tunedModels.patch', 'PATCH', 'v1beta/tunedModels/{tunedModelsId}'],
  ['tunedModels.permissions.create', 'POST', 'v1beta/tunedModels/{tunedModelsId}/permissions'],
  ['tunedModels.permissions.delete', 'DELETE', 'v1beta/tunedModels/{tunedModelsId}/permissions/{permissionsId}'],
  ['tunedModels.permissions.get', 'GET', 'v1beta/tunedModels/{tunedModelsId}/permissions/{permissionsId}'],
  ['tunedModels.permissions.list', 'GET', 'v1beta/tunedModels/{tunedModelsId}/permissions'],
  ['tunedModels.permissions.patch', 'PATCH', 'v1beta/tunedModels/{tunedModelsId}/permissions/{permissionsId}'],
  ['tunedModels.streamGenerateContent', 'POST', 'v1beta/tunedModels/{tunedModelsId}:streamGenerateContent'],
  ['tunedModels.transferOwnership', 'POST', 'v1beta/tunedModels/{tunedModelsId}:transferOwnership'],
];

/** Methods that generate, count or embed, or describe models: nothing kept at Google. */
const CLIENT_METHODS = new Set([
  'models.generateContent',
  'models.streamGenerateContent',
  'models.countTokens',
  'models.embedContent',
  'models.batchEmbedContents',
  'models.get',
  'models.list',
  'models.generateText',
  'models.generateMessage',
  'models.generateAnswer',
  'models.embedText',
  'models.batchEmbedText',
  'models.countTextTokens',
  'models.countMessageTokens',
  'models.predict',
  // Uploading a file to use it in a chat; the file is pinned to its uploader (file-keys.ts).
  'media.upload',
]);

/** Methods on one file: allowed to the client key that uploaded it (decided by FileKeys.bind, keys/file-keys.ts). */
const OWNER_METHODS = new Set(['files.get', 'files.delete']);

function accessOf(id: string): NativeAccess {
  return CLIENT_METHODS.has(id) ? 'client' : OWNER_METHODS.has(id) ? 'owner' : 'operator';
}

/** `v1beta/files/{filesId}` -> a pattern matching one path segment (and no `:`) per variable. */
function compile(flatPath: string): RegExp {
  const pattern = flatPath
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/:]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^/${pattern}$`);
}

const MATCHERS = DISCOVERY_METHODS.map(([id, httpMethod, flatPath]) => ({ id, httpMethod, pattern: compile(flatPath) }));

/**
 * The method a request names (`POST`, `/v1beta/files`), or undefined for a path Google does not
 * document. `/upload/v1beta/files` (with or without an upload session) is `media.upload`.
 */
export function nativeMethod(httpMethod: string, pathname: string): NativeMethod | undefined {
  if (/^\/upload\/v1beta\/files\/?$/.test(pathname)) return { id: 'media.upload', access: 'client' };
  const path = pathname.replace(/^\/upload(?=\/)/, '').replace(/\/$/, '');
  for (const m of MATCHERS) if (m.httpMethod === httpMethod && m.pattern.test(path)) return { id: m.id, access: accessOf(m.id) };
  return undefined;
}

/** What a request to a native path needs; paths Google does not document need operator rights. */
export function nativeAccess(httpMethod: string, pathname: string): { id: string; access: NativeAccess } {
  return nativeMethod(httpMethod, pathname) ?? { id: `${httpMethod} ${pathname.slice(0, 80)}`, access: 'operator' };
}
