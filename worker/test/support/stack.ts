// The real parts for the Worker's integration tests: the strict mock Gemini on loopback, the
// BUILT worker/dist/worker.js in workerd (wrangler), and the official OpenAI SDK pointed at it.
import OpenAI from 'openai';
import { type MockGemini, startMockGemini } from '../../../tools/src/mock-gemini/index';
import { type RunningWorker, startWorkerd } from '../../../tools/src/harness/workerd';

/** Shaped like a Google API key; not a real one. */
export const TEST_KEY = `AIzaSyTEST${'0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, 29)}`;

export interface Stack {
  mock: MockGemini;
  worker: RunningWorker;
  openai: OpenAI;
  close(): Promise<void>;
}

export async function startStack(options: { workerSecret?: string; vars?: Record<string, string> } = {}): Promise<Stack> {
  const mock = await startMockGemini();
  const worker = await startWorkerd({
    geminiBaseUrl: mock.url,
    ...(options.workerSecret ? { workerSecret: options.workerSecret } : {}),
    ...(options.vars ? { vars: options.vars } : {}),
  });
  const openai = new OpenAI({ baseURL: `${worker.url}/v1`, apiKey: TEST_KEY, maxRetries: 0, timeout: 20_000 });
  return {
    mock,
    worker,
    openai,
    async close() {
      await worker.close();
      await mock.close();
    },
  };
}

/** Reads a raw SSE body into its `data:` payloads (the Worker's own framing, checked as bytes). */
export async function readSse(res: Response): Promise<string[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'))
    .filter((data) => data !== '');
}
