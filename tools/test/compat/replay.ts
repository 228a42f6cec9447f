// Replaying a recorded client request against the pool as raw HTTP (the recorded headers and
// body, byte for byte apart from the key), and reading an OpenAI stream the way chat apps do:
// text and reasoning deltas joined, the usage chunk kept, `[DONE]` required at the end.
import { sseData, specErrors, withKey } from './stack';

export interface Replayed {
  status: number;
  headers: Headers;
  text: string;
}

export async function replay(base: string, apiKey: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Replayed> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: withKey(headers, apiKey),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export interface ReadStream {
  content: string;
  reasoning: string;
  finishReasons: string[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** The usage chunk's `choices` (OpenAI sends an empty array there). */
  usageChoices?: unknown[];
  toolCalls: { id: string; name: string; arguments: string }[];
  endedWithDone: boolean;
  chunkCount: number;
  specErrors: string[];
}

interface Chunk {
  choices: { delta: { content?: string | null; reasoning_content?: string; tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[] }; finish_reason: string | null }[];
  usage?: ReadStream['usage'] | null;
}

export function readOpenAIStream(body: string): ReadStream {
  const data = sseData(body);
  const out: ReadStream = { content: '', reasoning: '', finishReasons: [], toolCalls: [], endedWithDone: data.at(-1) === '[DONE]', chunkCount: 0, specErrors: [] };
  for (const d of data) {
    if (d === '[DONE]') continue;
    const chunk = JSON.parse(d) as Chunk;
    out.chunkCount++;
    out.specErrors.push(...specErrors('CreateChatCompletionStreamResponse', chunk));
    for (const choice of chunk.choices) {
      out.content += choice.delta.content ?? '';
      out.reasoning += choice.delta.reasoning_content ?? '';
      if (choice.finish_reason) out.finishReasons.push(choice.finish_reason);
      for (const tc of choice.delta.tool_calls ?? []) {
        const slot = (out.toolCalls[tc.index] ??= { id: '', name: '', arguments: '' });
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.name = tc.function.name;
        if (tc.function?.arguments) slot.arguments += tc.function.arguments;
      }
    }
    if (chunk.usage) {
      out.usage = chunk.usage;
      out.usageChoices = chunk.choices;
    }
  }
  return out;
}
