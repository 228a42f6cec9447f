// Builds GenerateContentResponse bodies for the content behaviours. One plan (the parts of each
// stream chunk, plus how it ends) gives both shapes: the chunks of a stream, each carrying
// cumulative usageMetadata, modelVersion and responseId with finishReason on the last; and the
// whole answer of generateContent, the same parts merged into one candidate.
import type { Gemini } from '@opengemini/shared';
import { isGemini3 } from './models';
import { estimateTokens, promptTokens } from './tokens';
import type { ContentBehaviour, FinishReason } from './types';

type Response = Gemini.GenerateContentResponse;
type Part = Gemini.Part;

export interface AnswerContext {
  model: string;
  request: Gemini.GenerateContentRequest;
  responseId: string;
}

interface Plan {
  pieces: Part[][];
  finishReason?: FinishReason;
  finishMessage?: string;
  thoughtsTokens: number;
  blockReason?: NonNullable<Gemini.PromptFeedback['blockReason']>;
  safety?: boolean;
  /** `candidates: []` in every chunk: a 200 that is not an answer. */
  noCandidates?: boolean;
}

const SAFETY_RATINGS: Gemini.SafetyRating[] = [
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
];

/** Splits text into up to n pieces on code point boundaries (never inside a surrogate pair). */
export function splitText(text: string, n: number): string[] {
  const chars = Array.from(text);
  const count = Math.max(1, Math.min(n, chars.length));
  const size = Math.ceil(chars.length / count);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out.length > 0 ? out : [''];
}

/** A stable fake signature (valid base64, as real ones are). */
export const mockSignature = (responseId: string): string => Buffer.from(`mock-thought-signature:${responseId}`).toString('base64');

const wantsThoughts = (r: Gemini.GenerateContentRequest): boolean => r.generationConfig?.thinkingConfig?.includeThoughts === true;

function plan(b: ContentBehaviour, ctx: AnswerContext): Plan {
  const pieces: Part[][] = [];
  const thoughts = b.kind === 'text' || b.kind === 'toolCalls' ? b.thoughts : undefined;
  if (thoughts && wantsThoughts(ctx.request)) pieces.push([{ text: thoughts, thought: true }]);
  const thoughtsTokens = (b.kind === 'text' || b.kind === 'empty' ? b.thoughtsTokenCount : undefined) ?? estimateTokens(thoughts ?? '');
  switch (b.kind) {
    case 'text': {
      const texts = splitText(b.text, b.chunks ?? 3);
      texts.forEach((text, i) => {
        const last = i === texts.length - 1;
        pieces.push([last && b.thoughtSignature ? { text, thoughtSignature: b.thoughtSignature } : { text }]);
      });
      return { pieces, finishReason: b.finishReason ?? 'STOP', thoughtsTokens };
    }
    case 'toolCalls': {
      if (b.text) pieces.push([{ text: b.text }]);
      const signature = b.thoughtSignature === false ? undefined : (b.thoughtSignature ?? (isGemini3(ctx.model) ? mockSignature(ctx.responseId) : undefined));
      pieces.push(
        b.calls.map((c, i) => {
          const functionCall: Gemini.FunctionCall = { name: c.name, args: c.args ?? {}, ...(c.id !== undefined && { id: c.id }) };
          return i === 0 && signature ? { functionCall, thoughtSignature: signature } : { functionCall };
        }),
      );
      return { pieces, finishReason: 'STOP', thoughtsTokens };
    }
    case 'blocked':
      return { pieces: [], blockReason: b.blockReason ?? 'SAFETY', thoughtsTokens: 0 };
    case 'noCandidates':
      return { pieces: [[], []], thoughtsTokens: 0, noCandidates: true };
    case 'empty':
      return { pieces: [], finishReason: b.finishReason ?? 'STOP', thoughtsTokens };
    case 'finish': {
      if (b.text) pieces.push(...splitText(b.text, 2).map((text) => [{ text }]));
      const finishMessage =
        b.finishMessage ?? (b.finishReason === 'MALFORMED_FUNCTION_CALL' ? 'Malformed function call: call:default_api:lookup{city:Paris' : undefined);
      return { pieces, finishReason: b.finishReason, thoughtsTokens, safety: b.finishReason === 'SAFETY', ...(finishMessage && { finishMessage }) };
    }
  }
}

function partTokens(parts: readonly Part[]): number {
  let n = 0;
  for (const p of parts) {
    if (p.thought) continue;
    if (p.text) n += estimateTokens(p.text);
    if (p.functionCall) n += estimateTokens((p.functionCall.name ?? '') + JSON.stringify(p.functionCall.args ?? {}));
  }
  return n;
}

function usage(prompt: number, candidates: number, thoughts: number, final: boolean): Gemini.UsageMetadata {
  return {
    promptTokenCount: prompt,
    ...(final || candidates > 0 ? { candidatesTokenCount: candidates } : {}),
    totalTokenCount: prompt + candidates + thoughts,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
    ...(thoughts > 0 && { thoughtsTokenCount: thoughts }),
  };
}

/** The logprobs the request asks for: undefined when it does not (responseLogprobs), else how
 * many top candidates per step (generationConfig.logprobs, which counts the chosen one). */
function logprobsAsked(r: Gemini.GenerateContentRequest): number | undefined {
  const config = r.generationConfig;
  return config?.responseLogprobs === true ? (config.logprobs ?? 0) : undefined;
}

/**
 * Deterministic logprobs for the answer text of `parts`, as Gemini reports them: one chosen
 * candidate per token (a word and the space after it), and with `top` > 0 that many candidates
 * per step, the chosen one first (sorted by log probability).
 */
export function mockLogprobs(parts: readonly Part[], top: number): Gemini.LogprobsResult {
  const text = parts.filter((part) => part.text && !part.thought).map((part) => part.text).join('');
  const tokens = text.match(/\S+\s*|\s+/g) ?? [];
  const chosenCandidates = tokens.map((token, i) => ({ token, tokenId: 1000 + i, logProbability: -0.01 * ((i % 7) + 1) }));
  const result: Gemini.LogprobsResult = { chosenCandidates, logProbabilitySum: chosenCandidates.reduce((sum, c) => sum + c.logProbability, 0) };
  if (top > 0) {
    result.topCandidates = chosenCandidates.map((chosen, i) => ({
      candidates: [chosen, ...Array.from({ length: top - 1 }, (_, k) => ({ token: `alt${k + 1}`, tokenId: 50 + k, logProbability: chosen.logProbability - 1 - k - (i % 3) * 0.1 }))],
    }));
  }
  return result;
}

function candidate(p: Plan, parts: Part[] | undefined, final: boolean, logprobs?: number): Gemini.Candidate {
  const c: Gemini.Candidate = {};
  if (parts && parts.length > 0) c.content = { parts, role: 'model' };
  else if (final && !p.safety && p.finishReason !== 'MALFORMED_FUNCTION_CALL') c.content = { role: 'model' };
  if (logprobs !== undefined && parts?.some((part) => part.text && !part.thought)) c.logprobsResult = mockLogprobs(parts, logprobs);
  if (final && p.finishReason) c.finishReason = p.finishReason;
  if (final && p.finishMessage) c.finishMessage = p.finishMessage;
  if (final && p.safety) c.safetyRatings = SAFETY_RATINGS;
  c.index = 0;
  return c;
}

function envelope(ctx: AnswerContext, body: Response): Response {
  return { ...body, modelVersion: ctx.model, responseId: ctx.responseId };
}

/** The chunks of streamGenerateContent for a behaviour. */
export function streamChunks(b: ContentBehaviour, ctx: AnswerContext): Response[] {
  const p = plan(b, ctx);
  const prompt = promptTokens(ctx.request);
  if (p.blockReason) return [blockedBody(p, ctx, prompt)];
  if (p.noCandidates) return p.pieces.map(() => noCandidatesBody(ctx, prompt));
  const pieces = p.pieces.length > 0 ? p.pieces : [[]];
  let emitted = 0;
  return pieces.map((parts, i) => {
    const final = i === pieces.length - 1;
    emitted += partTokens(parts);
    return envelope(ctx, { candidates: [candidate(p, parts, final, logprobsAsked(ctx.request))], usageMetadata: usage(prompt, emitted, p.thoughtsTokens, final) });
  });
}

/** The whole generateContent answer for a behaviour: the stream's parts merged. */
export function wholeAnswer(b: ContentBehaviour, ctx: AnswerContext): Response {
  const p = plan(b, ctx);
  const prompt = promptTokens(ctx.request);
  if (p.blockReason) return blockedBody(p, ctx, prompt);
  if (p.noCandidates) return noCandidatesBody(ctx, prompt);
  const parts = mergeTexts(p.pieces.flat());
  return envelope(ctx, { candidates: [candidate(p, parts, true, logprobsAsked(ctx.request))], usageMetadata: usage(prompt, partTokens(parts), p.thoughtsTokens, true) });
}

function blockedBody(p: Plan, ctx: AnswerContext, prompt: number): Response {
  return envelope(ctx, {
    promptFeedback: { ...(p.blockReason && { blockReason: p.blockReason }), safetyRatings: SAFETY_RATINGS },
    usageMetadata: { promptTokenCount: prompt, totalTokenCount: prompt, promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }] },
  });
}

function noCandidatesBody(ctx: AnswerContext, prompt: number): Response {
  return envelope(ctx, { candidates: [], usageMetadata: { promptTokenCount: prompt, totalTokenCount: prompt } });
}

/** Joins neighbouring text parts of the same kind, as a non-streamed answer has them. */
function mergeTexts(parts: Part[]): Part[] {
  const out: Part[] = [];
  for (const part of parts) {
    const prev = out[out.length - 1];
    const textOnly = (x: Part): boolean => x.text !== undefined && !x.functionCall;
    if (prev && textOnly(prev) && textOnly(part) && Boolean(prev.thought) === Boolean(part.thought) && !prev.thoughtSignature) {
      out[out.length - 1] = { ...prev, ...part, text: (prev.text ?? '') + (part.text ?? '') };
    } else out.push({ ...part });
  }
  return out;
}

/** The default answer: deterministic text about the last user turn; a thought summary too
 * when the request asks for one from a thinking model. */
export function defaultBehaviour(request: Gemini.GenerateContentRequest, thinking: boolean): ContentBehaviour {
  const topic = lastUserText(request);
  const thinks = thinking && request.generationConfig?.thinkingConfig?.thinkingBudget !== 0;
  return { kind: 'text', text: `mock answer to: ${topic}`, ...(thinks && { thoughts: `mock thoughts about: ${topic}` }) };
}

function lastUserText(request: Gemini.GenerateContentRequest): string {
  const contents = request.contents ?? [];
  for (let i = contents.length - 1; i >= 0; i--) {
    const c = contents[i];
    if (c?.role === 'model') continue;
    const responses = (c?.parts ?? []).filter((p) => p.functionResponse).map((p) => p.functionResponse?.name ?? '');
    if (responses.length > 0) return `function results from ${responses.join(', ')}`;
    const text = (c?.parts ?? []).map((p) => p.text ?? '').join('');
    if (text) return text;
  }
  return '(no text)';
}
