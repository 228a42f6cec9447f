// Records what the real agents send, for the fixtures in ./fixtures (run by hand, offline):
//
//   npx tsx tools/test/agents/record.ts claude|codex
//
// A small loopback server answers in the agent's own dialect (hand-written Anthropic Messages /
// OpenAI Responses SSE, no Gemini, no Worker) and scripts the same task the agent tests run: read
// a file, edit it, say done. Every request is kept as the agent sent it: method, path, headers
// (the key replaced by {{API_KEY}}), body (the temp folders replaced by {{HOME}}).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { agentSandbox, claudeRun, codexRun, type AgentSandbox } from './agents';
import { TASK_FILE, TASK_ORIGINAL, claudeTask, codexShellCommand, codexTask, taskPatch } from './task';

interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

const API_KEY = 'sk-recording-0000000000000000000000000000000000000000';
const SECRET_HEADERS = new Set(['x-api-key', 'authorization']);

function scrub(text: string, sandbox: AgentSandbox): string {
  return text.replaceAll(sandbox.home, '{{HOME}}').replaceAll(API_KEY, '{{API_KEY}}');
}

// ---- Anthropic Messages: one SSE answer built from content blocks ----

type AnthropicBlock = { type: 'thinking'; thinking: string; signature: string } | { type: 'text'; text: string } | { type: 'tool_use'; name: string; input: Record<string, unknown> };

function anthropicSse(model: string, blocks: AnthropicBlock[]): string {
  const events: [string, unknown][] = [];
  events.push(['message_start', { type: 'message_start', message: { id: `msg_rec${Date.now()}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 100, output_tokens: 1 } } }]);
  blocks.forEach((block, index) => {
    if (block.type === 'thinking') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }]);
      events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking } }]);
      events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }]);
    } else if (block.type === 'text') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
      events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } }]);
    } else {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: `toolu_rec${index}${Date.now()}`, name: block.name, input: {} } }]);
      events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } }]);
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  const stop = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 20 } }]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}

function claudeAnswer(body: { model: string; tools?: { name: string }[]; messages: { content: unknown }[] }, sandbox: AgentSandbox): string {
  const isAgentTurn = body.tools?.some((t) => t.name === 'Read');
  if (!isAgentTurn) return anthropicSse(body.model, [{ type: 'text', text: 'Recording' }]);
  const results = body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).filter((b: { type?: string }) => b.type === 'tool_result').length;
  const file = `${sandbox.project}/${TASK_FILE}`;
  if (results === 0) return anthropicSse(body.model, [{ type: 'thinking', thinking: 'The file must be read first.', signature: Buffer.from('recorded-signature-1').toString('base64') }, { type: 'text', text: 'Reading it.' }, { type: 'tool_use', name: 'Read', input: { file_path: file } }]);
  if (results === 1) return anthropicSse(body.model, [{ type: 'tool_use', name: 'Edit', input: { file_path: file, old_string: 'colour', new_string: 'color' } }]);
  return anthropicSse(body.model, [{ type: 'text', text: 'Done.' }]);
}

// ---- OpenAI Responses: response.created ... output items ... response.completed ----

type ResponsesItem =
  | { type: 'reasoning'; summary: string; encrypted: string }
  | { type: 'message'; text: string }
  | { type: 'function_call'; name: string; arguments: string }
  | { type: 'custom_tool_call'; name: string; input: string };

let callCount = 0;

function responsesSse(model: string, items: ResponsesItem[]): string {
  const id = `resp_rec${Date.now()}`;
  let seq = 0;
  const out: string[] = [];
  const emit = (data: Record<string, unknown>) => out.push(`event: ${String(data['type'])}\ndata: ${JSON.stringify({ ...data, sequence_number: seq++ })}\n\n`);
  const base = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), model, status: 'in_progress', output: [] as unknown[] };
  emit({ type: 'response.created', response: base });
  const output = items.map((item, i) => {
    const itemId = `${{ message: 'msg', reasoning: 'rs', function_call: 'fc', custom_tool_call: 'ctc' }[item.type]}_rec${i}${Date.now()}`;
    if (item.type === 'reasoning') return { type: 'reasoning', id: itemId, summary: [{ type: 'summary_text', text: item.summary }], encrypted_content: item.encrypted };
    if (item.type === 'message') return { type: 'message', id: itemId, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: item.text, annotations: [] }] };
    if (item.type === 'function_call') return { type: 'function_call', id: itemId, call_id: `call_rec${++callCount}`, name: item.name, arguments: item.arguments, status: 'completed' };
    return { type: 'custom_tool_call', id: itemId, call_id: `call_rec${++callCount}`, name: item.name, input: item.input, status: 'completed' };
  });
  output.forEach((item, output_index) => {
    emit({ type: 'response.output_item.added', output_index, item });
    emit({ type: 'response.output_item.done', output_index, item });
  });
  emit({ type: 'response.completed', response: { ...base, status: 'completed', output, usage: { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 120 } } });
  return out.join('');
}

function codexAnswer(body: { model: string; tools?: { type: string; name?: string }[]; input: { type?: string }[] }, sandbox: AgentSandbox): string {
  const outputs = body.input.filter((i) => i.type === 'function_call_output' || i.type === 'custom_tool_call_output').length;
  if (outputs === 0) return responsesSse(body.model, [{ type: 'reasoning', summary: 'Look at the file first.', encrypted: `gAAAAA${Buffer.from('recorded-encrypted-content-1').toString('base64')}` }, { type: 'function_call', name: 'exec_command', arguments: JSON.stringify({ cmd: codexShellCommand, workdir: sandbox.project }) }]);
  if (outputs === 1) return responsesSse(body.model, [{ type: 'custom_tool_call', name: 'apply_patch', input: taskPatch }]);
  return responsesSse(body.model, [{ type: 'message', text: 'Done.' }]);
}

// ---- the server and the run ----

async function record(agent: 'claude' | 'codex'): Promise<void> {
  const sandbox = await agentSandbox({ [TASK_FILE]: TASK_ORIGINAL });
  const seen: Recorded[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, SECRET_HEADERS.has(k) ? String(v).replace(/sk-\S+/, '{{API_KEY}}') : String(v)]));
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers, body: body === undefined ? undefined : JSON.parse(scrub(JSON.stringify(body), sandbox)) });
      const path = (req.url ?? '').split('?')[0];
      const wanted = agent === 'claude' ? '/v1/messages' : '/v1/responses';
      if (req.method !== 'POST' || path !== wanted) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"type":"not_found_error","message":"not recorded"}}');
        return;
      }
      const sse = agent === 'claude' ? claudeAnswer(body as never, sandbox) : codexAnswer(body as never, sandbox);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }).end(sse);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const endpoint = { base: `http://127.0.0.1:${port}`, apiKey: API_KEY };
  const run = agent === 'claude' ? await claudeRun(endpoint, sandbox, 'gemini-2.5-flash', claudeTask, 90_000) : await codexRun(endpoint, sandbox, 'gemini-2.5-flash', codexTask, 90_000);
  server.close();
  if (run.code !== 0 || seen.length !== 3) throw new Error(`${agent} did not run the task: exit ${run.code}, ${seen.length} requests\n${run.stderr}`);
  const names = { claude: 'claude-code', codex: 'codex' }[agent];
  const version = { claude: 'Claude Code 2.1.332', codex: 'Codex CLI 0.171.0' }[agent];
  const fixture = (request: Recorded, turn: string) => ({
    client: `${version}, headless (${agent === 'claude' ? 'claude -p' : 'codex exec'}), ${turn}`,
    source: 'recorded by tools/test/agents/record.ts: the real program against a loopback server answering in its dialect; key -> {{API_KEY}}, temp folders -> {{HOME}}; host and content-length dropped',
    method: request.method,
    path: request.path,
    headers: Object.fromEntries(Object.entries(request.headers).filter(([k]) => k !== 'host' && k !== 'content-length')),
    body: request.body,
  });
  const dir = new URL('fixtures/', import.meta.url);
  await writeFile(new URL(`${names}-first-turn.json`, dir), `${JSON.stringify(fixture(seen[0]!, 'first turn'), null, 1)}\n`);
  await writeFile(new URL(`${names}-tool-results-turn.json`, dir), `${JSON.stringify(fixture(seen[2]!, 'third turn, after both tool results'), null, 1)}\n`);
  console.log(`${agent}: exit ${run.code} in ${run.ms} ms, ${seen.length} requests recorded`);
  await sandbox.close();
}

const agent = process.argv[2];
if (agent !== 'claude' && agent !== 'codex') throw new Error('usage: record.ts claude|codex');
await record(agent);
