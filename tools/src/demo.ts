// `pnpm demo`: OpenGemini end to end, offline, on loopback. Starts the strict mock Gemini, the
// built Worker in workerd, and the built pool (`node pool/dist/main.js`, exactly what users run)
// with three made-up keys; sends a streamed chat and a tool-call round trip through the official
// OpenAI SDK; prints what came back; stops everything.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { startWorkerd } from './harness/workerd';
import { startMockGemini } from './mock-gemini/index';
import { repoRoot } from './oracles/paths';

const poolMain = resolve(repoRoot, 'pool/dist/main.js');
const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the pool exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the pool did not become healthy in time');
}

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

const mock = await startMockGemini();
// The mock answers like Gemini: a tool call when tools are offered and no result came back yet,
// a final answer once the tool result is in, plain streamed text otherwise.
mock.script({
  reply: (req) => {
    const body = req.body as { tools?: unknown[]; contents?: Array<{ parts?: Array<Record<string, unknown>> }> };
    const lastParts = body.contents?.at(-1)?.parts ?? [];
    if (lastParts.some((p) => p.functionResponse)) return { kind: 'text', text: 'It is 18°C and sunny in Paris right now.' };
    if (body.tools?.length) return { kind: 'toolCalls', calls: [{ name: 'get_weather', args: { city: 'Paris' } }] };
    return { kind: 'text', text: 'Hello! This answer was streamed from a mock Gemini, through the Worker running in workerd, and the key-rotating pool.', chunks: 6 };
  },
});
const worker = await startWorkerd({ geminiBaseUrl: mock.url });
console.log(dim(`mock Gemini  ${mock.url}`));
console.log(dim(`Worker       ${worker.url}  (worker/dist/worker.js in workerd)`));

let pool: ChildProcess | undefined;
const dir = mkdtempSync(join(tmpdir(), 'opengemini-demo-'));
let baseURL = `${worker.url}/v1`;
let apiKey = `AIzaDEMO${'0'.repeat(31)}`;
try {
  if (existsSync(poolMain)) {
    const port = await freePort();
    apiKey = `sk-${'d'.repeat(48)}`;
    const fakeKeys = ['A', 'B', 'C'].map((c) => `AIzaDEMO${c.repeat(31)}`);
    writeFileSync(join(dir, 'key.txt'), `# three made-up keys for the demo\n${fakeKeys.join('\n')}\n`);
    writeFileSync(join(dir, 'upstreams.txt'), `${worker.url}\n`);
    writeFileSync(join(dir, 'access_key.txt'), `${apiKey}\n`, { mode: 0o600 });
    pool = spawn(process.execPath, [poolMain], {
      cwd: dir,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: join(dir, 'data') },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await waitForHealth(`http://127.0.0.1:${port}`, pool);
    baseURL = `http://127.0.0.1:${port}/v1`;
  } else {
    console.log(dim('pool/dist/main.js not built: talking to the Worker directly'));
  }

  const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
  console.log(bold(`\n1. A streamed chat through ${baseURL}`));
  const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Say hello' }], stream: true, stream_options: { include_usage: true } });
  let chunks = 0;
  process.stdout.write('   ');
  for await (const chunk of stream) {
    chunks++;
    process.stdout.write(chunk.choices[0]?.delta.content ?? '');
    if (chunk.usage) process.stdout.write(dim(`\n   (${chunks} chunks; usage: ${chunk.usage.prompt_tokens} in, ${chunk.usage.completion_tokens} out)`));
  }

  console.log(bold('\n\n2. A tool call, answered and sent back'));
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const first = await client.chat.completions.create({ model: 'gemini-3-flash-preview', messages, tools: [weatherTool] });
  const call = first.choices[0]!.message.tool_calls![0]!;
  if (call.type !== 'function') throw new Error('expected a function call');
  console.log(`   model asked for: ${call.function.name}(${call.function.arguments})  ${dim(`[finish_reason: ${first.choices[0]!.finish_reason}]`)}`);
  messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '{"temperature_c": 18, "sky": "sunny"}' });
  const second = await client.chat.completions.create({ model: 'gemini-3-flash-preview', messages, tools: [weatherTool] });
  console.log(`   final answer:    ${second.choices[0]!.message.content}`);
  console.log(dim(`\n   Gemini saw ${mock.requests.length} requests, with keys ${[...new Set(mock.requests.map((r) => r.key?.slice(-4)))].map((k) => `…${k}`).join(', ')}`));
  console.log(bold('\nDemo finished: everything ran offline on loopback.'));
} finally {
  if (pool && pool.exitCode === null) {
    pool.kill('SIGTERM');
    await new Promise((r) => pool!.once('exit', r));
  }
  await worker.close();
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
}
