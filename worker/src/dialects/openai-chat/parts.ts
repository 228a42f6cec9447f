// What one Gemini candidate's parts become in OpenAI terms; shared by the response converter
// (which concatenates) and the stream converter (which sends each segment as a delta).
//
// | Gemini part                          | OpenAI                                              |
// |--------------------------------------|-----------------------------------------------------|
// | text                                 | content                                             |
// | text + thought:true (thought summary)| reasoning_content, never content                    |
// | functionCall {name, args, id?}       | tool_calls[] (id carries Gemini's id + signature)   |
// | thoughtSignature beside functionCall | inside that tool call's id (see signatures.ts)      |
// | thoughtSignature beside text         | dropped: Gemini only requires the function-call one |
// | inlineData image/*                   | content: markdown image with a data: URL, so image  |
// |                                      | models show up in any markdown chat client          |
// | inlineData other (audio...)          | dropped: OpenAI's message.audio wants a wav/mp3 it  |
// |                                      | can replay; a PCM blob in content helps nobody      |
// | fileData {fileUri}                   | content: markdown link (image link for image/*)     |
// | executableCode                       | content: a fenced code block in its language        |
// | codeExecutionResult                  | content: a fenced `output` block                    |
// | thought:true with anything but text  | dropped (thought images of image models)            |
// | functionResponse, toolCall, ...      | dropped: input-side or server-side tool traffic     |
import type { Gemini, OpenAI } from '@opengemini/shared';
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
export function mapParts(parts: unknown, mintId: ToolCallIdMinter, offsets?: number[]): Segment[] {
  const segments: Segment[] = [];
  if (!Array.isArray(parts)) return segments;
  let contentLength = 0;
  let last: Segment | undefined;
  for (let i = 0; i < parts.length; i++) {
    if (offsets) offsets[i] = contentLength;
    const part = parts[i] as Gemini.Part | null;
    if (!part || typeof part !== 'object') continue;

    if (part.functionCall) {
      const call = toolCall(part, mintId);
      if (last?.kind === 'tool_calls') last.calls.push(call);
      else segments.push((last = { kind: 'tool_calls', calls: [call] }));
      continue;
    }
    let kind: 'content' | 'reasoning';
    let text: string;
    if (part.thought === true) {
      if (typeof part.text !== 'string') continue;
      kind = 'reasoning';
      text = part.text;
    } else {
      kind = 'content';
      text = contentText(part);
    }
    if (text.length === 0) continue;
    if (kind === 'content') contentLength += text.length;
    if (last?.kind === kind) last.text += text;
    else segments.push((last = { kind, text }));
  }
  return segments;
}

function toolCall(part: Gemini.Part, mintId: ToolCallIdMinter): OpenAI.ToolCall {
  const fc = part.functionCall as Gemini.FunctionCall;
  const carried: CarriedCall = {};
  if (typeof fc.id === 'string' && fc.id) carried.geminiId = fc.id;
  if (typeof part.thoughtSignature === 'string' && part.thoughtSignature) carried.signature = part.thoughtSignature;
  const args = fc.args && typeof fc.args === 'object' ? fc.args : {};
  return {
    id: mintId(carried),
    type: 'function',
    function: { name: typeof fc.name === 'string' ? fc.name : '', arguments: JSON.stringify(args) },
  };
}

/** The visible text of a non-thought part; '' for parts that show nothing. */
function contentText(part: Gemini.Part): string {
  if (typeof part.text === 'string') return part.text;
  if (part.inlineData) {
    const { mimeType, data } = part.inlineData;
    if (typeof data === 'string' && data && typeof mimeType === 'string' && mimeType.startsWith('image/')) {
      return `\n![image](data:${mimeType};base64,${data})\n`;
    }
    return '';
  }
  if (part.fileData) {
    const { mimeType, fileUri } = part.fileData;
    if (typeof fileUri !== 'string' || !fileUri) return '';
    return typeof mimeType === 'string' && mimeType.startsWith('image/') ? `\n![image](${fileUri})\n` : `\n[file](${fileUri})\n`;
  }
  if (part.executableCode) {
    const { code, language } = part.executableCode;
    const lang = typeof language === 'string' && language !== 'LANGUAGE_UNSPECIFIED' ? language.toLowerCase() : '';
    return fence(lang, typeof code === 'string' ? code : '');
  }
  if (part.codeExecutionResult) {
    const { outcome, output } = part.codeExecutionResult;
    const text = typeof output === 'string' ? output : '';
    // A failed run with no stderr would be an empty block; say what happened instead.
    return fence('output', text || (outcome && outcome !== 'OUTCOME_OK' ? outcome : ''));
  }
  return '';
}

/** A markdown code block whose fence cannot be closed early by the body. */
function fence(lang: string, body: string): string {
  let ticks = '```';
  while (body.includes(ticks)) ticks += '`';
  const nl = body.length === 0 || body.endsWith('\n') ? '' : '\n';
  return `\n${ticks}${lang}\n${body}${nl}${ticks}\n`;
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

/**
 * Google Search grounding as OpenAI `url_citation` annotations over `content`. Gemini gives
 * segments in UTF-8 bytes from the start of a part; OpenAI wants string indices into the whole
 * content. `offsets` (from mapParts) turns part-relative into content-relative positions; when
 * the result does not cover the segment's own text (an unexpected layout), the text is searched
 * for instead, and a segment found nowhere is left out rather than pointing at the wrong words.
 */
export function groundingAnnotations(meta: Gemini.GroundingMetadata | undefined, parts: unknown, content: string, offsets: number[]): Annotation[] {
  const chunks = meta?.groundingChunks;
  const supports = meta?.groundingSupports;
  if (!Array.isArray(chunks) || !Array.isArray(supports) || !Array.isArray(parts)) return [];
  const out: Annotation[] = [];
  for (const support of supports) {
    const seg = support?.segment;
    if (!seg || !Array.isArray(support.groundingChunkIndices)) continue;
    const range = locate(seg, parts, content, offsets);
    if (!range) continue;
    for (const ci of support.groundingChunkIndices) {
      const web = typeof ci === 'number' ? chunks[ci]?.web : undefined;
      if (!web || typeof web.uri !== 'string' || !web.uri) continue;
      out.push({
        type: 'url_citation',
        url_citation: { url: web.uri, title: typeof web.title === 'string' ? web.title : web.uri, start_index: range[0], end_index: range[1] },
      });
    }
  }
  return out;
}

function locate(seg: Gemini.GoogleAiGenerativelanguageV1alphaSegment, parts: unknown[], content: string, offsets: number[]): [number, number] | undefined {
  const partIndex = typeof seg.partIndex === 'number' ? seg.partIndex : 0;
  const part = parts[partIndex] as Gemini.Part | undefined;
  const base = offsets[partIndex];
  if (base !== undefined && part && typeof part.text === 'string' && part.thought !== true) {
    const start = base + charIndex(part.text, seg.startIndex ?? 0);
    const end = base + charIndex(part.text, seg.endIndex ?? 0);
    if (end > start && (typeof seg.text !== 'string' || content.slice(start, end) === seg.text)) return [start, end];
  }
  if (typeof seg.text === 'string' && seg.text) {
    const at = content.indexOf(seg.text);
    if (at !== -1) return [at, at + seg.text.length];
  }
  return undefined;
}

/** The UTF-16 index in `text` of a UTF-8 byte offset (clamped to the text). */
function charIndex(text: string, byteOffset: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length && bytes < byteOffset) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
    i++;
  }
  return i;
}
