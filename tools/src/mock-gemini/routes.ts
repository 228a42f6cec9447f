// Routing for the v1beta surface, and the checks every call passes in Google's order: path,
// key, model, JSON, schema (the discovery-document oracle), then the method's own handler.
import { validateGeminiBody } from '../oracles/gemini-validator';
import { oraclesMissingMessage, oraclesPresent } from '../oracles/paths';
import { checkAuth } from './auth';
import { FileStore } from './files';
import { handleCountTokens } from './count-tokens';
import { handleEmbed } from './embed';
import { invalidJson, modelNotFound, notFound } from './errors';
import { handleGenerate } from './generate';
import { findModel } from './models';
import { handleGetModel, handleListModels } from './models-route';
import { sendBody, sendError, type Exchange } from './respond';
import type { RuleBook } from './rules';
import type { GeminiMethod } from './types';

export interface Route {
  action: GeminiMethod;
  model?: string;
}

const POST_METHODS: Record<string, { schema: string; needs: string }> = {
  generateContent: { schema: 'GenerateContentRequest', needs: 'generateContent' },
  streamGenerateContent: { schema: 'GenerateContentRequest', needs: 'generateContent' },
  countTokens: { schema: 'CountTokensRequest', needs: 'countTokens' },
  embedContent: { schema: 'EmbedContentRequest', needs: 'embedContent' },
  batchEmbedContents: { schema: 'BatchEmbedContentsRequest', needs: 'embedContent' },
};

const MODEL_PATH = /^\/v1beta\/models\/([^/:]+)(?::([A-Za-z]+))?$/;

/** The Gemini method a method + path names, or undefined for anything else. */
export function parseRoute(method: string, pathname: string): Route | undefined {
  if (pathname === '/v1beta/models') return method === 'GET' ? { action: 'listModels' } : undefined;
  const m = MODEL_PATH.exec(pathname);
  if (!m?.[1]) return undefined;
  const model = decodeURIComponent(m[1]);
  const verb = m[2];
  if (verb === undefined) return method === 'GET' ? { action: 'getModel', model } : undefined;
  return method === 'POST' && verb in POST_METHODS ? { action: verb as GeminiMethod, model } : undefined;
}

let warned = false;

/** What one mock instance keeps beside its rules. */
export interface MockEnv {
  /** Keys accepted besides Google-shaped ones. */
  extraKeys: readonly string[];
  files: FileStore;
}

export async function dispatch(ex: Exchange, rules: RuleBook, env: MockEnv): Promise<void> {
  const { record } = ex;
  if (!record.action) {
    if (!FileStore.handles(record.path)) return sendError(ex, notFound());
    const authProblem = checkAuth(ex.res.req.headers, record.key, env.extraKeys);
    if (authProblem) return sendError(ex, authProblem);
    return env.files.handle(ex, record.key!, `http://${ex.res.req.headers.host ?? '127.0.0.1'}`);
  }
  const authProblem = checkAuth(ex.res.req.headers, record.key, env.extraKeys);
  if (authProblem) return sendError(ex, authProblem);
  if (record.action === 'listModels') return handleListModels(ex, rules);
  if (record.action === 'getModel') return handleGetModel(ex, rules);

  const spec = POST_METHODS[record.action];
  const model = findModel(record.model ?? '');
  if (!spec || !model || !model.supportedGenerationMethods.includes(spec.needs)) {
    return sendError(ex, modelNotFound(record.model ?? '', spec?.needs ?? record.action));
  }
  if (record.body === undefined) return sendError(ex, invalidJson());
  if (oraclesPresent) {
    const verdict = validateGeminiBody(spec.schema, record.body);
    if (!verdict.ok) return sendError(ex, { status: verdict.status, body: verdict.body });
  } else if (!warned) {
    warned = true;
    console.warn(`mock-gemini: ${oraclesMissingMessage}; request bodies are not schema-checked`);
  }

  // A file of another key: Google's 403, as for the file itself.
  const foreignFile = env.files.checkReferences(record.rawBody, record.key);
  if (foreignFile) return sendError(ex, foreignFile);

  switch (record.action) {
    case 'generateContent':
    case 'streamGenerateContent':
      return handleGenerate(ex, model, record.body, rules);
    case 'countTokens':
      return handleCountTokens(ex, model, record.body, rules);
    default:
      return handleEmbed(ex, model, record.body, rules);
  }
}

/** Answers when a handler throws: Google's 500 body, or a cut connection mid-stream. */
export function crashed(ex: Exchange, err: unknown): void {
  console.error('mock-gemini: handler failed', err);
  if (ex.res.headersSent) ex.res.destroy();
  else sendBody(ex, 500, { error: { code: 500, message: `mock-gemini crashed: ${String(err)}`, status: 'INTERNAL' } });
}
