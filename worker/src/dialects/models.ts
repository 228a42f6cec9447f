// GET /v1/models and /v1/models/{id}: Gemini's model list in OpenAI's list format. Follows
// nextPageToken to the end (Gemini pages at 50 by default; a single page loses models).
import type { Gemini, OpenAI } from '@opengemini/shared';
import { callGemini, type GeminiTarget, modelPath, readJson } from '../gemini/client';
import { json } from '../http';

/** Stops a misbehaving upstream that keeps handing out page tokens. */
const MAX_PAGES = 20;

export function toOpenAIModel(model: Gemini.Model): OpenAI.OpenAIModel {
  return { id: (model.name ?? '').replace(/^models\//, ''), object: 'model', created: 0, owned_by: 'google' };
}

export async function listGeminiModels(target: GeminiTarget): Promise<Gemini.Model[]> {
  const models: Gemini.Model[] = [];
  let pageToken = '';
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = `models?pageSize=1000${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
    const body = await readJson<Gemini.ListModelsResponse>(await callGemini(target, query));
    models.push(...(body.models ?? []));
    if (!body.nextPageToken) break;
    pageToken = body.nextPageToken;
  }
  return models;
}

export async function handleListModels(target: GeminiTarget): Promise<Response> {
  const models = await listGeminiModels(target);
  const list: OpenAI.ModelList = { object: 'list', data: models.filter((m) => m.name).map(toOpenAIModel) };
  return json(list);
}

export async function handleGetModel(target: GeminiTarget, id: string): Promise<Response> {
  const model = await readJson<Gemini.Model>(await callGemini(target, modelPath(id)));
  return json(toOpenAIModel(model));
}
