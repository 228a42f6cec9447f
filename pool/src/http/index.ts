// http: the Fastify app, client keys and auth, error bodies, the data routes (OpenAI and native dialects).
export { ClientKeys, OPERATOR_TAG, generateAccessKey, loadClientKeys, loadOrCreateAccessKey } from './access-key';
export { buildApp } from './app';
export { presentedKey } from './auth';
export { badRequest, errorBody, errorEvent, errorHeaders, invalidClientKey, type Dialect, type PoolError } from './errors';
