import { describe, expect, it } from 'vitest';
import { encodeToolCallId } from '../src/gemini/signatures';
import { ChatStreamConverter, type StreamContext } from '../src/dialects/openai-chat/stream';
import { convertChat } from './support/chat-stream';

// The converter's output must not depend on how the network cut Gemini's bytes, nor on which
// line ends frame the events.
const utf8 = new TextEncoder();

function context(): StreamContext {
  let n = 0;
  return { id: 'chatcmpl-f', created: 1, model: 'm', includeUsage: true, keepAliveMs: 0, toolCallId: (c) => encodeToolCallId(c, () => `n${++n}`) };
}

const EVENTS = [
  { candidates: [{ content: { parts: [{ text: 'Réflexion… 思考 🤔', thought: true }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 4, thoughtsTokenCount: 9, totalTokenCount: 13 } },
  { candidates: [{ content: { parts: [{ text: 'Grüße, 世界! 👋🏽' }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 5, thoughtsTokenCount: 9, totalTokenCount: 18 } },
  {
    candidates: [{
      content: { parts: [{ functionCall: { name: 'lookup', args: { q: 'naïve café' } }, thoughtSignature: 'CiIBVKhc7t+/xA==' }], role: 'model' },
      finishReason: 'STOP',
      index: 0,
    }],
    usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 11, thoughtsTokenCount: 9, totalTokenCount: 24 },
    modelVersion: 'gemini-2.5-flash',
  },
];

const body = (sep: string) => EVENTS.map((e) => `data: ${JSON.stringify(e)}${sep}`).join('');

/** Runs the converter over byte pieces, as the stream does, and returns the SSE text. */
function convert(pieces: Uint8Array[]): string {
  const c = new ChatStreamConverter(context());
  let out = '';
  for (const p of pieces) out += c.push(p);
  return out + c.end();
}

async function viaStream(pieces: Uint8Array[]): Promise<string> {
  const source = new ReadableStream<Uint8Array>({
    start(ctrl) {
      for (const p of pieces) ctrl.enqueue(p);
      ctrl.close();
    },
  });
  return new Response(convertChat(source, context())).text();
}

describe('stream output is independent of framing and chunking', () => {
  const bytes = utf8.encode(body('\r\n\r\n'));
  const expected = convert([bytes]);

  it('produces a complete answer from the fixture (reasoning, content, tool call, usage, [DONE])', () => {
    expect(expected).toContain('"reasoning_content":"Réflexion… 思考 🤔"');
    expect(expected).toContain('"content":"Grüße, 世界! 👋🏽"');
    expect(expected).toContain('"arguments":"{\\"q\\":\\"naïve café\\"}"');
    expect(expected).toContain('"finish_reason":"tool_calls"');
    expect(expected.endsWith('"completion_tokens_details":{"reasoning_tokens":9}}}\n\ndata: [DONE]\n\n')).toBe(true);
  });

  it.each([
    ['\\n\\n', '\n\n'],
    ['\\r\\r', '\r\r'],
    ['\\r\\n\\n', '\r\n\n'],
  ])('gives the same output for events framed with %s as with \\r\\n\\r\\n', (_name, sep) => {
    expect(convert([utf8.encode(body(sep))])).toBe(expected);
  });

  it('gives the same output for every split point of the body (multi-byte chars cut included)', () => {
    for (let i = 0; i <= bytes.length; i++) {
      const got = convert([bytes.subarray(0, i), bytes.subarray(i)]);
      if (got !== expected) expect({ splitAt: i, got }).toEqual({ splitAt: i, got: expected });
    }
  });

  it('gives the same output for every pair of split points near the event boundaries', () => {
    const boundaries: number[] = [];
    for (let at = bytes.indexOf(13); at !== -1; at = bytes.indexOf(13, at + 1)) boundaries.push(at);
    for (const b of boundaries) {
      for (let i = Math.max(0, b - 3); i <= Math.min(bytes.length, b + 4); i++) {
        for (let j = i; j <= Math.min(bytes.length, b + 6); j++) {
          expect(convert([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)])).toBe(expected);
        }
      }
    }
  });

  it('gives the same output fed one byte at a time, through the real stream', async () => {
    expect(await viaStream(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)))).toBe(expected);
  });

  it('decodes a 4-byte emoji split across chunks inside a JSON string', async () => {
    const at = bytes.indexOf(0xf0); // first byte of 🤔
    expect(await viaStream([bytes.subarray(0, at + 2), bytes.subarray(at + 2, at + 3), bytes.subarray(at + 3)])).toBe(expected);
  });
});
