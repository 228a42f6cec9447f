// Google's official JS SDK, from tools/ (the pool does not depend on it): the native client the
// end-to-end tests use against /v1beta, as the Gemini CLI and Google SDK users would. Resolved
// from tools/ as a package (its .mjs files carry no declarations of their own).
import { createRequire } from 'node:module';
import type { GoogleGenAI as GoogleGenAIType } from '../../../tools/node_modules/@google/genai/dist/node/node';

const fromTools = createRequire(new URL('../../../tools/package.json', import.meta.url));
export const GoogleGenAI = (fromTools('@google/genai') as { GoogleGenAI: typeof GoogleGenAIType }).GoogleGenAI;
