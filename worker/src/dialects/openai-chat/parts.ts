// What one Gemini candidate's parts become in OpenAI terms; shared by the response converter
// (which concatenates) and the stream converter (which sends each segment as a delta). The
// reading itself is the core's (gemini/parts.ts); here only OpenAI's names and shapes:
//
// | segment (gemini/parts.ts)   | OpenAI                                                       |
// |-----------------------------|--------------------------------------------------------------|
// | text                        | content                                                      |
// | thought                     | reasoning_content, never content                             |
// | calls                       | tool_calls[] (the id carries Gemini's id + signature)        |
// | a text's signature          | dropped: Gemini only requires the function-call one          |
import type { Gemini, OpenAI } from '@opengemini/shared';
import { CallAllowance, type OutputCall, groundingCitations, readParts } from '../../gemini/parts';
import { type CarriedCall, encodeToolCallId } from '../../gemini/signatures';

export type Segment =
  | { kind: 'content'; text: string }
  | { kind: 'reasoning'; text: string }
  | { kind: 'tool_calls'; calls: OpenAI.ToolCall[] };

/** Mints a tool call id that carries Gemini's call id and thought signature. */
export type ToolCallIdMinter = (carried: CarriedCall) => string;

export const defaultToolCallId: ToolCallIdMinter = (carried) => encodeToolCallId(carried);

/**
 * Maps parts in order, merging neighbours of the same kind into one segment. When `offsets` is
 * given, offsets[i] is set to the content length before part i (for grounding annotations).
 */
export function mapParts(parts: unknown, mintId: ToolCallIdMinter, offsets?: number[], allowance = new CallAllowance(false)): Segment[] {
  const out: Segment[] = [];
  for (const seg of readParts(parts, offsets)) {
    if (seg.kind === 'calls') {
      const calls = allowance.take(seg.calls);
      if (calls.length > 0) out.push({ kind: 'tool_calls', calls: calls.map((c) => toolCall(c, mintId)) });
    } else if (seg.text !== '') out.push({ kind: seg.kind === 'thought' ? 'reasoning' : 'content', text: seg.text });
  }
  return out;
}

export function toolCall(call: OutputCall, mintId: ToolCallIdMinter): OpenAI.ToolCall {
  const carried: CarriedCall = {};
  if (call.geminiId) carried.geminiId = call.geminiId;
  if (call.signature) carried.signature = call.signature;
  return { id: mintId(carried), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } };
}

const utf8 = new TextEncoder();

/** Gemini logprobs (chosen token and top alternatives per step) in OpenAI's shape. */
export function mapLogprobs(result: Gemini.LogprobsResult | undefined): OpenAI.ChatChoice['logprobs'] {
  const chosen = result?.chosenCandidates;
  if (!Array.isArray(chosen)) return null;
  const top = Array.isArray(result?.topCandidates) ? result.topCandidates : [];
  const content = chosen.map((c, i) => {
    const token = typeof c?.token === 'string' ? c.token : '';
    const alts = top[i]?.candidates;
    return {
      token,
      logprob: typeof c?.logProbability === 'number' ? c.logProbability : 0,
      bytes: Array.from(utf8.encode(token)),
      top_logprobs: Array.isArray(alts)
        ? alts.map((a) => {
            const t = typeof a?.token === 'string' ? a.token : '';
            return { token: t, logprob: typeof a?.logProbability === 'number' ? a.logProbability : 0, bytes: Array.from(utf8.encode(t)) };
          })
        : [],
    };
  });
  return { content, refusal: null };
}

type Annotation = NonNullable<OpenAI.ResponseMessage['annotations']>[number];

/** Google Search grounding as OpenAI `url_citation` annotations over `content`. */
export function groundingAnnotations(meta: Gemini.GroundingMetadata | undefined, parts: unknown, content: string, offsets: number[]): Annotation[] {
  return groundingCitations(meta, parts, content, offsets).map((c) => ({
    type: 'url_citation',
    url_citation: { url: c.url, title: c.title, start_index: c.start, end_index: c.end },
  }));
}
