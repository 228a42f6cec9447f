// The official OpenAI SDK, from tools/ (the pool does not depend on it): the client the
// end-to-end tests drive the pool with, exactly as a user's app would.
import OpenAI from '../../../tools/node_modules/openai/index.js';

export { OpenAI };
export type { OpenAI as OpenAIClient };
