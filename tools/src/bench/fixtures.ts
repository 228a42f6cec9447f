// Fixed inputs for the benchmarks: a realistic 20-message agent chat with 5 tools and an image,
// Gemini's answer to it, and a 2,000-event Gemini SSE stream. Deterministic, built in memory.

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

/** A 48 KiB pseudo-image as a data URL (the bytes are not a real PNG; the converter does not decode). */
function imageDataUrl(): string {
  const bytes = new Uint8Array(48 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `data:image/png;base64,${btoa(bin)}`;
}

export function chatRequestBody(): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [
    { role: 'system', content: `You are a coding agent. ${'Follow the rules. '.repeat(40)}` },
    { role: 'user', content: [{ type: 'text', text: 'Here is a screenshot of the bug.' }, { type: 'image_url', image_url: { url: imageDataUrl() } }] },
  ];
  for (let i = 0; messages.length < 19; i++) {
    const id = `call_bench${i}`;
    messages.push({
      role: 'assistant',
      content: `Step ${i}: I will look at the file. ${'Reasoning about the code. '.repeat(8)}`,
      tool_calls: [{ id, type: 'function', function: { name: TOOL_NAMES[i % 5], arguments: JSON.stringify({ path: `src/file${i}.ts` }) } }],
    });
    messages.push({ role: 'tool', tool_call_id: id, content: `export const x${i} = ${i};\n${'// some file content\n'.repeat(30)}` });
  }
  messages.push({ role: 'user', content: 'Now fix the bug and explain.' });
  return { model: 'gemini-2.5-flash', messages, tools: TOOL_NAMES.map(tool), tool_choice: 'auto', temperature: 0.2, max_tokens: 4096, stream: false };
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
