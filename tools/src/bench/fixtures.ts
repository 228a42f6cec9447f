// Fixed inputs for the benchmarks: a realistic 20-message agent conversation with 5 tools and a
// small image, in OpenAI chat and in Anthropic Messages form; Gemini's answer to it; and a
// 2,000-event Gemini SSE stream. Deterministic, built in memory.

const TOOL_NAMES = ['read_file', 'write_to_file', 'execute_command', 'search_files', 'list_files'];

function tool(name: string) {
  return {
    type: 'function' as const,
    function: {
      name,
      description: `The ${name} tool. ${'Use it carefully and only when needed. '.repeat(6)}`,
      parameters: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: {
          path: { type: 'string', description: 'Path relative to the workspace root' },
          content: { type: ['string', 'null'], description: 'Optional content' },
          options: {
            type: 'object',
            properties: { recursive: { type: 'boolean' }, limit: { type: 'integer', minimum: 1 } },
            additionalProperties: false,
          },
        },
        required: ['path'],
        additionalProperties: false,
      },
    },
  };
}

/** A 48 KiB pseudo-image, base64 (the bytes are not a real PNG; the converter does not decode). */
function imageBase64(): string {
  const bytes = new Uint8Array(48 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** About 150 words of prose, different for each `seed`. */
function words150(seed: number): string {
  const vocabulary = ['the', 'function', 'returns', 'a', 'value', 'when', 'input', 'file', 'is', 'read', 'and', 'parsed', 'into', 'tokens', 'before', 'compiler', 'checks', 'types', 'of', 'each'];
  const out: string[] = [];
  for (let i = 0; i < 150; i++) out.push(vocabulary[(i * 7 + seed * 13) % vocabulary.length]!);
  return `${out.join(' ')}.`;
}

/** The conversation: a system prompt, a user message with an image, then 9 rounds of an
 * assistant text (~150 words) with one tool call and its result (~150 words), and a last
 * question: 20 messages. */
function rounds() {
  return Array.from({ length: 9 }, (_, i) => ({
    id: `call_bench${i}`,
    text: `Step ${i}: ${words150(i)}`,
    tool: TOOL_NAMES[i % 5]!,
    args: { path: `src/file${i}.ts` },
    result: `export const x${i} = ${i};\n// ${words150(i + 100)}`,
  }));
}

export function chatRequestBody(): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [
    { role: 'system', content: `You are a coding agent. ${words150(0)}` },
    { role: 'user', content: [{ type: 'text', text: `Here is a screenshot of the bug. ${words150(1)}` }, { type: 'image_url', image_url: { url: `data:image/png;base64,${imageBase64()}` } }] },
  ];
  for (const r of rounds()) {
    messages.push({ role: 'assistant', content: r.text, tool_calls: [{ id: r.id, type: 'function', function: { name: r.tool, arguments: JSON.stringify(r.args) } }] });
    messages.push({ role: 'tool', tool_call_id: r.id, content: r.result });
  }
  messages.push({ role: 'user', content: 'Now fix the bug and explain.' });
  return { model: 'gemini-2.5-flash', messages, tools: TOOL_NAMES.map(tool), tool_choice: 'auto', temperature: 0.2, max_tokens: 4096, stream: false };
}

/** The same conversation as Claude Code would send it to /v1/messages. */
export function messagesRequestBody(): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [
    { role: 'user', content: [{ type: 'text', text: `Here is a screenshot of the bug. ${words150(1)}` }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: imageBase64() } }] },
  ];
  for (const r of rounds()) {
    const id = `toolu_${r.id.slice(5)}`;
    messages.push({ role: 'assistant', content: [{ type: 'text', text: r.text }, { type: 'tool_use', id, name: r.tool, input: r.args }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: r.result }] });
  }
  messages.push({ role: 'user', content: 'Now fix the bug and explain.' });
  const tools = TOOL_NAMES.map((name) => {
    const fn = tool(name).function;
    return { name: fn.name, description: fn.description, input_schema: fn.parameters };
  });
  return {
    model: 'gemini-2.5-flash',
    system: [{ type: 'text', text: `You are a coding agent. ${words150(0)}`, cache_control: { type: 'ephemeral' } }],
    messages,
    tools,
    tool_choice: { type: 'auto' },
    temperature: 0.2,
    max_tokens: 4096,
    stream: false,
  };
}

export function geminiResponseBody(): Record<string, unknown> {
  return {
    candidates: [
      {
        content: {
          role: 'model',
          parts: [
            { text: `I found the bug. ${'Here is a detailed explanation of the fix. '.repeat(40)}` },
            { functionCall: { name: 'write_to_file', args: { path: 'src/file3.ts', content: 'export const x3 = 4;\n'.repeat(20) } }, thoughtSignature: 'c2lnbmF0dXJl'.repeat(20) },
          ],
        },
        finishReason: 'STOP',
        index: 0,
      },
    ],
    usageMetadata: { promptTokenCount: 5210, candidatesTokenCount: 480, thoughtsTokenCount: 300, totalTokenCount: 5990 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'bench-response-1',
  };
}

/** 2,000 Gemini SSE events with ~120 characters of text each, framed with \r\n\r\n as Gemini does. */
export function geminiStreamEvents(count = 2000): string[] {
  const events: string[] = [];
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    events.push(
      JSON.stringify({
        candidates: [
          {
            content: { role: 'model', parts: [{ text: `Token run ${i}: the quick brown fox jumps over the lazy dog, “quoted”, and ünïcödé… ` }] },
            ...(last ? { finishReason: 'STOP' } : {}),
            index: 0,
          },
        ],
        usageMetadata: { promptTokenCount: 5210, candidatesTokenCount: i * 30, totalTokenCount: 5210 + i * 30 },
        modelVersion: 'gemini-2.5-flash',
        responseId: 'bench-stream-1',
      }),
    );
  }
  return events;
}

export function sseBody(events: string[]): string {
  return events.map((e) => `data: ${e}\r\n\r\n`).join('');
}

/**
 * One realistic agent turn as Gemini streams it to the conversation above (one network chunk per
 * event): 60 thought-summary events, 600 answer events of varying length (prose, markdown, a code
 * block with quotes, backslashes and newlines, some non-ASCII), then the tool call with its
 * signature, finishReason and usage.
 */
export function geminiAgentTurnEvents(): string[] {
  const event = (parts: unknown[], last = false) =>
    JSON.stringify({
      candidates: [{ content: { role: 'model', parts }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
      ...(last ? { usageMetadata: { promptTokenCount: 5210, candidatesTokenCount: 9000, thoughtsTokenCount: 1200, totalTokenCount: 15410 } } : {}),
      modelVersion: 'gemini-2.5-flash',
      responseId: 'bench-agent-1',
    });
  const pieces = [
    (i: number) => `${words150(i).slice(0, 40 + (i % 5) * 30)} `,
    (i: number) => `\n\n### Step ${i}\n- read \`src/file${i}.ts\`\n- check the “types” `,
    (i: number) => `\n\`\`\`ts\nexport const x${i} = "value\\\\${i}";\n\tif (a < b && c !== 'd') return;\n\`\`\`\n`,
    (i: number) => `naïve café résumé — ${i} ✓ `,
  ];
  const events: string[] = [];
  for (let i = 0; i < 60; i++) events.push(event([{ text: `**Thinking ${i}** ${words150(i).slice(0, 120)}`, thought: true }]));
  for (let i = 0; i < 600; i++) events.push(event([{ text: pieces[i % pieces.length]!(i) }]));
  events.push(event([{ functionCall: { name: 'write_to_file', args: { path: 'src/file3.ts', content: 'export const x3 = 4;\n'.repeat(20) } }, thoughtSignature: 'c2lnbmF0dXJl'.repeat(20) }], true));
  return events;
}
