// The strict mock Gemini: public surface. See README.md for the scripting API.
export { startMockGemini } from './server';
export { MODELS, findModel, type ModelInfo } from './models';
export { mockSignature } from './answers';
export { declaresFunction, taskSignature, toolTask, type ToolTaskStep } from './tool-task';
export { MAX_BATCH } from './embed';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './models-route';
export type * from './types';
