// The mock's model catalogue: about 60 entries shaped like Google's ListModels answer (chat,
// thinking, embedding, image, video, live and legacy models), so a converter that reads only
// the first page (50 by default) visibly loses models.
import type { Gemini } from '@opengemini/shared';

export interface ModelInfo extends Gemini.Model {
  name: string;
  supportedGenerationMethods: string[];
}

const CHAT = ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'];
const CHAT_LITE = ['generateContent', 'countTokens'];
const LIVE = ['bidiGenerateContent', 'countTokens'];
const TTS = ['countTokens', 'generateContent'];
const EMBED = ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'];
const EMBED_OLD = ['embedContent'];
const IMAGEN = ['predict'];
const VEO = ['predictLongRunning'];

type Row = [id: string, displayName: string, version: string, input: number, output: number, methods: string[], sampling?: Sampling];
interface Sampling {
  temperature: number;
  topP: number;
  topK?: number;
  maxTemperature?: number;
  thinking?: boolean;
}

const M = 1_048_576;
const FLASH: Sampling = { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: true };
const FLASH2: Sampling = { temperature: 1, topP: 0.95, topK: 40, maxTemperature: 2 };
const G3: Sampling = { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: true };
const GEMMA: Sampling = { temperature: 1, topP: 0.95, topK: 64 };

const ROWS: Row[] = [
  ['embedding-gecko-001', 'Embedding Gecko', '001', 1024, 1, ['embedText', 'countTextTokens']],
  ['gemini-2.5-flash', 'Gemini 2.5 Flash', '001', M, 65536, CHAT, FLASH],
  ['gemini-2.5-pro', 'Gemini 2.5 Pro', '2.5', M, 65536, CHAT, FLASH],
  ['gemini-2.0-flash-exp', 'Gemini 2.0 Flash Experimental', '2.0', M, 8192, [...CHAT_LITE, 'bidiGenerateContent'], FLASH2],
  ['gemini-2.0-flash', 'Gemini 2.0 Flash', '2.0', M, 8192, CHAT, FLASH2],
  ['gemini-2.0-flash-001', 'Gemini 2.0 Flash 001', '2.0', M, 8192, CHAT, FLASH2],
  ['gemini-2.0-flash-exp-image-generation', 'Gemini 2.0 Flash (Image Generation) Experimental', '2.0', M, 8192, [...CHAT_LITE, 'bidiGenerateContent'], FLASH2],
  ['gemini-2.0-flash-lite-001', 'Gemini 2.0 Flash-Lite 001', '2.0', M, 8192, CHAT, FLASH2],
  ['gemini-2.0-flash-lite', 'Gemini 2.0 Flash-Lite', '2.0', M, 8192, CHAT, FLASH2],
  ['gemini-2.0-flash-preview-image-generation', 'Gemini 2.0 Flash Preview Image Generation', '2.0', 32768, 8192, CHAT_LITE, FLASH2],
  ['gemini-2.0-flash-lite-preview-02-05', 'Gemini 2.0 Flash-Lite Preview 02-05', 'preview-02-05', M, 8192, CHAT, FLASH2],
  ['gemini-2.0-flash-lite-preview', 'Gemini 2.0 Flash-Lite Preview', 'preview-02-05', M, 8192, CHAT, FLASH2],
  ['gemini-2.0-pro-exp', 'Gemini 2.0 Pro Experimental', '2.5-exp-03-25', M, 65536, CHAT, FLASH],
  ['gemini-2.0-pro-exp-02-05', 'Gemini 2.0 Pro Experimental 02-05', '2.5-exp-03-25', M, 65536, CHAT, FLASH],
  ['gemini-exp-1206', 'Gemini Experimental 1206', '2.5-exp-03-25', M, 65536, CHAT, FLASH],
  ['gemini-2.0-flash-thinking-exp-01-21', 'Gemini 2.5 Flash Preview 05-20', '2.5-preview-05-20', M, 65536, CHAT, FLASH],
  ['gemini-2.0-flash-thinking-exp', 'Gemini 2.5 Flash Preview 05-20', '2.5-preview-05-20', M, 65536, CHAT, FLASH],
  ['gemini-2.0-flash-thinking-exp-1219', 'Gemini 2.5 Flash Preview 05-20', '2.5-preview-05-20', M, 65536, CHAT, FLASH],
  ['gemini-2.5-flash-preview-tts', 'Gemini 2.5 Flash Preview TTS', 'gemini-2.5-flash-exp-tts-2025-05-19', 8192, 16384, TTS, { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2 }],
  ['gemini-2.5-pro-preview-tts', 'Gemini 2.5 Pro Preview TTS', 'gemini-2.5-pro-preview-tts-2025-05-19', 8192, 16384, TTS, { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2 }],
  ['learnlm-2.0-flash-experimental', 'LearnLM 2.0 Flash Experimental', '2.0', M, 32768, CHAT_LITE, FLASH2],
  ['gemma-3-1b-it', 'Gemma 3 1B', '001', 32768, 8192, CHAT_LITE, GEMMA],
  ['gemma-3-4b-it', 'Gemma 3 4B', '001', 32768, 8192, CHAT_LITE, GEMMA],
  ['gemma-3-12b-it', 'Gemma 3 12B', '001', 32768, 8192, CHAT_LITE, GEMMA],
  ['gemma-3-27b-it', 'Gemma 3 27B', '001', 131072, 8192, CHAT_LITE, GEMMA],
  ['gemma-3n-e4b-it', 'Gemma 3n E4B', '001', 8192, 2048, CHAT_LITE, GEMMA],
  ['gemma-3n-e2b-it', 'Gemma 3n E2B', '001', 8192, 2048, CHAT_LITE, GEMMA],
  ['gemini-flash-latest', 'Gemini Flash Latest', 'Gemini Flash Latest', M, 65536, CHAT, FLASH],
  ['gemini-flash-lite-latest', 'Gemini Flash-Lite Latest', 'Gemini Flash-Lite Latest', M, 65536, CHAT, FLASH],
  ['gemini-pro-latest', 'Gemini Pro Latest', 'Gemini Pro Latest', M, 65536, CHAT, FLASH],
  ['gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite', '001', M, 65536, CHAT, FLASH],
  ['gemini-2.5-flash-image-preview', 'Nano Banana', '2.0', 32768, 32768, CHAT, { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2 }],
  ['gemini-2.5-flash-image', 'Nano Banana', '2.0', 32768, 32768, CHAT, { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2 }],
  ['gemini-2.5-flash-preview-09-2025', 'Gemini 2.5 Flash Preview Sep 2025', '2.5-preview-09-25', M, 65536, CHAT, FLASH],
  ['gemini-2.5-flash-lite-preview-09-2025', 'Gemini 2.5 Flash-Lite Preview Sep 2025', '2.5-preview-09-25', M, 65536, CHAT, FLASH],
  ['gemini-3-pro-preview', 'Gemini 3 Pro Preview', '3-pro-preview-11-2025', M, 65536, CHAT, G3],
  ['gemini-3-flash-preview', 'Gemini 3 Flash Preview', '3-flash-preview-12-2025', M, 65536, CHAT, G3],
  ['gemini-3-pro-image-preview', 'Nano Banana Pro', '3.0', 131072, 32768, CHAT, G3],
  ['gemini-robotics-er-1.5-preview', 'Gemini Robotics-ER 1.5 Preview', '1.5-preview', M, 65536, CHAT_LITE, FLASH],
  ['gemini-2.5-computer-use-preview-10-2025', 'Gemini 2.5 Computer Use Preview 10-2025', '2.5', 131072, 65536, CHAT_LITE, FLASH],
  ['embedding-001', 'Embedding 001', '001', 2048, 1, EMBED_OLD],
  ['text-embedding-004', 'Text Embedding 004', '004', 2048, 1, EMBED_OLD],
  ['gemini-embedding-exp-03-07', 'Gemini Embedding Experimental 03-07', 'exp-03-07', 8192, 1, EMBED],
  ['gemini-embedding-exp', 'Gemini Embedding Experimental', 'exp-03-07', 8192, 1, EMBED],
  ['gemini-embedding-001', 'Gemini Embedding 001', '001', 2048, 1, EMBED],
  ['aqa', 'Model that performs Attributed Question Answering.', '001', 7168, 1024, ['generateAnswer'], { temperature: 0.2, topP: 1, topK: 40 }],
  ['imagen-3.0-generate-002', 'Imagen 3.0', '002', 480, 8192, IMAGEN],
  ['imagen-4.0-generate-preview-06-06', 'Imagen 4 (Preview)', '01', 480, 8192, IMAGEN],
  ['imagen-4.0-ultra-generate-preview-06-06', 'Imagen 4 Ultra (Preview)', '01', 480, 8192, IMAGEN],
  ['imagen-4.0-generate-001', 'Imagen 4', '001', 480, 8192, IMAGEN],
  ['imagen-4.0-ultra-generate-001', 'Imagen 4 Ultra', '001', 480, 8192, IMAGEN],
  ['imagen-4.0-fast-generate-001', 'Imagen 4 Fast', '001', 480, 8192, IMAGEN],
  ['veo-2.0-generate-001', 'Veo 2', '2.0', 480, 8192, VEO],
  ['veo-3.0-generate-preview', 'Veo 3', '3.0', 480, 8192, VEO],
  ['veo-3.0-fast-generate-preview', 'Veo 3 fast', '3.0', 480, 8192, VEO],
  ['veo-3.0-generate-001', 'Veo 3', '3.0', 480, 8192, VEO],
  ['veo-3.0-fast-generate-001', 'Veo 3 fast', '3.0', 480, 8192, VEO],
  ['veo-3.1-generate-preview', 'Veo 3.1', '3.1', 480, 8192, VEO],
  ['veo-3.1-fast-generate-preview', 'Veo 3.1 fast', '3.1', 480, 8192, VEO],
  ['gemini-2.0-flash-live-001', 'Gemini 2.0 Flash 001', '001', 131072, 8192, LIVE, FLASH2],
  ['gemini-live-2.5-flash-preview', 'Gemini Live 2.5 Flash Preview', '001', 131072, 8192, LIVE, FLASH],
  ['gemini-2.5-flash-live-preview', 'Gemini 2.5 Flash Live Preview', '001', 131072, 8192, LIVE, FLASH],
  ['gemini-2.5-flash-native-audio-latest', 'Gemini 2.5 Flash Native Audio Latest', 'Gemini 2.5 Flash Native Audio Latest', 131072, 8192, LIVE, FLASH],
  ['gemini-2.5-flash-native-audio-preview-09-2025', 'Gemini 2.5 Flash Native Audio Preview 09-2025', 'gemini-2.5-flash-preview-native-audio-dialog-2025-09-25', 131072, 8192, LIVE, FLASH],
];

function describe(id: string, displayName: string): string {
  if (id.includes('embedding')) return `Obtain a distributed representation of a text (${displayName}).`;
  if (id.startsWith('imagen') || id.startsWith('veo')) return `Vertex served ${displayName} model`;
  return `${displayName}: a mock of Google's model of the same name, for offline tests.`;
}

/** The catalogue, in Google's listing order. */
export const MODELS: readonly ModelInfo[] = ROWS.map(([id, displayName, version, input, output, methods, s]) => ({
  name: `models/${id}`,
  version,
  displayName,
  description: describe(id, displayName),
  inputTokenLimit: input,
  outputTokenLimit: output,
  supportedGenerationMethods: methods,
  ...(s && { temperature: s.temperature, topP: s.topP }),
  ...(s?.topK !== undefined && { topK: s.topK }),
  ...(s?.maxTemperature !== undefined && { maxTemperature: s.maxTemperature }),
  ...(s?.thinking && { thinking: true }),
}));

const BY_ID = new Map(MODELS.map((m) => [m.name.slice('models/'.length), m]));

/** Looks a model up by id (`gemini-2.5-flash`, with or without `models/`). */
export function findModel(id: string): ModelInfo | undefined {
  return BY_ID.get(id.startsWith('models/') ? id.slice('models/'.length) : id);
}

/** Default embedding size per model (outputDimensionality when the request sets none). */
export function embeddingDimensions(id: string): number {
  return id.startsWith('gemini-embedding') ? 3072 : 768;
}

export const isGemini3 = (id: string): boolean => id.startsWith('gemini-3');
/** Pro-class models cannot turn thinking off and have no MINIMAL level. */
export const isProClass = (id: string): boolean => /(^|-)pro(-|$)/.test(id);
