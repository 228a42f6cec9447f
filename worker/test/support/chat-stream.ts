// The chat dialect's stream as the route builds it: Gemini's body through convertSse with a
// ChatStreamConverter, timing taken from the same context.
import { ChatStreamConverter, type StreamContext } from '../../src/dialects/openai-chat/stream';
import { convertSse } from '../../src/sse-stream';

export function convertChat(geminiBody: ReadableStream<Uint8Array>, ctx: StreamContext): ReadableStream<Uint8Array> {
  return convertSse(geminiBody, new ChatStreamConverter(ctx), ctx);
}
