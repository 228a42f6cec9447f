// What a Gemini candidate's parts say, read once for every dialect: text, thought summaries and
// function calls, neighbours of one kind merged into one segment. A dialect then writes segments
// in its own shape (OpenAI content / reasoning_content / tool_calls, Anthropic text / thinking /
// tool_use blocks...).
//
// | Gemini part                          | segment                                             |
// |--------------------------------------|-----------------------------------------------------|
// | text                                 | text                                                |
// | text + thought:true (thought summary)| thought, never text                                 |
// | functionCall {name, args, id?}       | calls (with Gemini's id and the thought signature)  |
// | thoughtSignature beside text         | that segment's `signature` (the last one wins)      |
// | inlineData image/*                   | text: markdown image with a data: URL, so image     |
// |                                      | models show up in any markdown client               |
// | inlineData other (audio...)          | dropped: a PCM blob in text helps nobody            |
// | fileData {fileUri}                   | text: markdown link (image link for image/*)        |
// | executableCode                       | text: a fenced code block in its language           |
// | codeExecutionResult                  | text: a fenced `output` block                       |
// | thought:true with anything but text  | dropped (thought images of image models)            |
// | functionResponse, toolCall, ...      | dropped: input-side or server-side tool traffic     |
import type { Gemini } from '@opengemini/shared';
import { UNKNOWN_FUNCTION } from './calls';

/** A function call as Gemini made it, with what a client must carry back (signatures.ts). */
export interface OutputCall {
  name: string;
  args: Record<string, unknown>;
  geminiId?: string;
  signature?: string;
}

/**
 * How many of an answer's function calls its client is shown: all, or the first only when the
 * client asked for one call per turn (OpenAI's `parallel_tool_calls: false`, Anthropic's
 * `tool_choice.disable_parallel_tool_use`). Gemini has no such switch and may call several
 * functions in one turn; a client that runs the one call it expects and answers it would leave
 * Gemini a turn with more calls than results (a 400 on the next turn). The first call is the
 * one that carries a Gemini 3 thought signature, so the next turn stays valid, and the model
 * calls again for what it still needs. One per answer (per candidate), across stream events.
 */
export class CallAllowance {
  private left: number;

  constructor(oneCallPerTurn: boolean) {
    this.left = oneCallPerTurn ? 1 : Number.POSITIVE_INFINITY;
  }

  /** The calls of `calls` the client is shown ([] once the allowance is spent). */
  take(calls: OutputCall[]): OutputCall[] {
    if (calls.length <= this.left) {
      this.left -= calls.length;
      return calls;
    }
    const shown = calls.slice(0, this.left);
    this.left = 0;
    return shown;
  }
}

export type Segment =
  | { kind: 'text' | 'thought'; text: string; signature?: string }
  | { kind: 'calls'; calls: OutputCall[] };

/**
 * Reads parts in order, merging neighbours of the same kind into one segment. Empty texts are
 * dropped, their signature kept (Gemini 3 ends some answers with an empty text and a signature). When `offsets` is
 * given, offsets[i] is set to the visible text's length before part i (for grounding).
 */
export function readParts(parts: unknown, offsets?: number[]): Segment[] {
  const segments: Segment[] = [];
  if (!Array.isArray(parts)) return segments;
  let textLength = 0;
  let last: Segment | undefined;
  for (let i = 0; i < parts.length; i++) {
    if (offsets) offsets[i] = textLength;
    const part = parts[i] as Gemini.Part | null;
    if (!part || typeof part !== 'object') continue;
    const signature = typeof part.thoughtSignature === 'string' && part.thoughtSignature ? part.thoughtSignature : undefined;

    if (part.functionCall) {
      const call = readCall(part.functionCall, signature);
      if (last?.kind === 'calls') last.calls.push(call);
      else segments.push((last = { kind: 'calls', calls: [call] }));
      continue;
    }
    let kind: 'text' | 'thought';
    let text: string;
    if (part.thought === true) {
      if (typeof part.text !== 'string') continue;
      kind = 'thought';
      text = part.text;
    } else {
      kind = 'text';
      text = partText(part);
    }
    if (text.length === 0) {
      // Nothing to show, perhaps a signature to keep: on the text before it when there is one.
      if (!signature) continue;
      if (last?.kind === 'text' || last?.kind === 'thought') {
        last.signature = signature;
        continue;
      }
    }
    if (kind === 'text') textLength += text.length;
    if (last?.kind === kind) last.text += text;
    else segments.push((last = { kind, text }));
    if (signature) last.signature = signature;
  }
  return segments;
}

function readCall(fc: Gemini.FunctionCall, signature: string | undefined): OutputCall {
  // Every dialect's clients need a name and an object of arguments, and send the call back in
  // the next request, where it must pass the same validation as theirs: never '' or an array.
  const call: OutputCall = {
    name: typeof fc.name === 'string' && fc.name !== '' ? fc.name : UNKNOWN_FUNCTION,
    args: fc.args && typeof fc.args === 'object' && !Array.isArray(fc.args) ? fc.args : {},
  };
  if (typeof fc.id === 'string' && fc.id) call.geminiId = fc.id;
  if (signature) call.signature = signature;
  return call;
}

/** The visible text of a non-thought part; '' for parts that show nothing. */
export function partText(part: Gemini.Part): string {
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

/** The refusal text for a blocked prompt, naming the reason and the categories that blocked it. */
export function blockedPromptMessage(feedback: Gemini.PromptFeedback | undefined): string | null {
  const reason = feedback?.blockReason;
  if (typeof reason !== 'string' || !reason) return null;
  const categories = Array.isArray(feedback?.safetyRatings)
    ? feedback.safetyRatings.filter((r) => r?.blocked === true && typeof r.category === 'string').map((r) => r.category)
    : [];
  const detail = categories.length > 0 ? `; ${categories.join(', ')}` : '';
  return `Gemini blocked the prompt (${reason}${detail}).`;
}

/** A web source cited for content[start, end). */
export interface Citation {
  url: string;
  title: string;
  start: number;
  end: number;
}

/**
 * Google Search grounding as citations over `content` (the candidate's visible text). Gemini gives
 * segments in UTF-8 bytes from the start of a part; clients want string indices into the whole
 * content. `offsets` (from readParts) turns part-relative into content-relative positions; when
 * the result does not cover the segment's own text (an unexpected layout), the text is searched
 * for instead, and a segment found nowhere is left out rather than pointing at the wrong words.
 */
export function groundingCitations(meta: Gemini.GroundingMetadata | undefined, parts: unknown, content: string, offsets: number[]): Citation[] {
  const chunks = meta?.groundingChunks;
  const supports = meta?.groundingSupports;
  if (!Array.isArray(chunks) || !Array.isArray(supports) || !Array.isArray(parts)) return [];
  const out: Citation[] = [];
  for (const support of supports) {
    const seg = support?.segment;
    if (!seg || !Array.isArray(support.groundingChunkIndices)) continue;
    const range = locate(seg, parts, content, offsets);
    if (!range) continue;
    for (const ci of support.groundingChunkIndices) {
      const web = typeof ci === 'number' ? chunks[ci]?.web : undefined;
      if (!web || typeof web.uri !== 'string' || !web.uri) continue;
      out.push({ url: web.uri, title: typeof web.title === 'string' ? web.title : web.uri, start: range[0], end: range[1] });
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
