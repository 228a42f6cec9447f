// curl through the pool, the real binary spawned with the commands the README shows: the health
// check, the model list, a streamed chat (-N), and a native Gemini call with the key in ?key=.
// Skipped, saying so, where curl is not installed.
import { execFile, execFileSync } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readOpenAIStream } from './replay';
import { type CompatStack, GEMINI_KEYS, generateRequests, specErrors, startCompatStack } from './stack';

const curlPath = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
})();
if (!curlPath) console.warn('curl is not installed: the curl compatibility tests are skipped');

let stack: CompatStack;
beforeAll(async () => {
  if (curlPath) stack = await startCompatStack();
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack?.mock.reset());

/** Runs curl; the last line of stdout is the status code (-w). */
function curl(args: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolveRun, reject) => {
    execFile(curlPath!, ['-sS', '-w', '\n%{http_code}', ...args], { encoding: 'utf8', timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`curl failed: ${stderr || err.message}`));
      const cut = stdout.lastIndexOf('\n');
      resolveRun({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) });
    });
  });
}

describe.skipIf(!curlPath)('curl', () => {
  it('curl /health needs no key and shows counts, never keys', async () => {
    const r = await curl([`${stack.base}/health`]);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'ok', mode: 'workers', keys: { total: 3 }, upstreams: { total: 1, up: 1 } });
    for (const key of GEMINI_KEYS) expect(r.body).not.toContain(key);
  });

  it('curl /v1/models with the Bearer key', async () => {
    const r = await curl([`${stack.base}/v1/models`, '-H', `Authorization: Bearer ${stack.apiKey}`]);
    expect(r.status).toBe(200);
    expect(specErrors('ListModelsResponse', JSON.parse(r.body))).toEqual([]);
  });

  it('curl -N streams a chat as SSE ending in [DONE]', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'Hello from the pool', chunks: 3 } });
    const r = await curl([
      '-N',
      `${stack.base}/v1/chat/completions`,
      '-H',
      `Authorization: Bearer ${stack.apiKey}`,
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hello"}],"stream":true}',
    ]);
    expect(r.status).toBe(200);
    const s = readOpenAIStream(r.body);
    expect(s.specErrors).toEqual([]);
    expect(s.content).toBe('Hello from the pool');
    expect(s.endedWithDone).toBe(true);
  });

  it('curl a native generateContent with ?key= (Google\'s own curl examples, pool key instead of a Gemini key)', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'native hello' } });
    const r = await curl([
      `${stack.base}/v1beta/models/gemini-2.5-flash:generateContent?key=${stack.apiKey}`,
      '-H',
      'Content-Type: application/json',
      '-X',
      'POST',
      '-d',
      '{"contents":[{"parts":[{"text":"Hello"}]}]}',
    ]);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).candidates[0].content.parts[0].text).toBe('native hello');
    const sent = generateRequests(stack.mock)[0]!;
    expect(GEMINI_KEYS).toContain(sent.key);
    expect(sent.query['key']).toBeUndefined();
  });

  it('a wrong key: 401 with an OpenAI error body that says where the key comes from', async () => {
    const r = await curl([`${stack.base}/v1/models`, '-H', 'Authorization: Bearer sk-wrong']);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body).error.message).toMatch(/access_key\.txt/);
  });

  it('never shows a Gemini key in anything the pool printed', () => {
    for (const key of GEMINI_KEYS) expect(stack.output()).not.toContain(key);
  });
});
