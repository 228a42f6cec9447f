// Gemini generateContent response -> OpenAI chat.completion (pure).
//
// Edge cases, each answered with a response valid against OpenAI's CreateChatCompletionResponse:
// - Prompt blocked (no candidates, promptFeedback.blockReason): one choice, content null, the
//   block reason in `refusal`, finish_reason content_filter.
// - No candidates and no block reason: one empty choice (content '', stop) rather than an error:
//   Gemini answered 200 and there is nothing to retry.
// - A candidate with no parts (empty STOP, MAX_TOKENS spent thinking): content '' (null only
//   when tool calls stand in for it, as OpenAI does).
import type { Gemini, OpenAI } from '@opengemini/shared';
import { CallAllowance, blockedPromptMessage } from '../../gemini/parts';
import { mapFinishReason, mapUsage } from './finish';
import { type ToolCallIdMinter, defaultToolCallId, groundingAnnotations, mapLogprobs, mapParts } from './parts';

export interface ResponseContext {
  id: string;
  /** Unix seconds. */
  created: number;
  /** The model name the client asked for (echoed back, as OpenAI does). */
  model: string;
  /** Tool call id minting; tests pin it, production carries signatures (signatures.ts). */
  toolCallId?: ToolCallIdMinter;
  /** parallel_tool_calls: false: each choice shows its first tool call only (CallAllowance). */
  oneCallPerTurn?: boolean;
}

export function toChatCompletion(res: Gemini.GenerateContentResponse, ctx: ResponseContext): OpenAI.ChatCompletion {
  const mintId = ctx.toolCallId ?? defaultToolCallId;
  const candidates = Array.isArray(res.candidates) ? res.candidates : [];
  const choices =
    candidates.length > 0
      ? candidates.map((c, i) => toChoice(c, typeof c?.index === 'number' ? c.index : i, mintId, ctx.oneCallPerTurn === true)).sort((a, b) => a.index - b.index)
      : [noCandidateChoice(res.promptFeedback)];
  return {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices,
    usage: mapUsage(res.usageMetadata),
  };
}

function toChoice(candidate: Gemini.Candidate | null | undefined, index: number, mintId: ToolCallIdMinter, oneCallPerTurn: boolean): OpenAI.ChatChoice {
  const parts = candidate?.content?.parts;
  const offsets: number[] = [];
  let content = '';
  let reasoning: string | undefined;
  const toolCalls: OpenAI.ToolCall[] = [];
  for (const seg of mapParts(parts, mintId, offsets, new CallAllowance(oneCallPerTurn))) {
    if (seg.kind === 'content') content += seg.text;
    else if (seg.kind === 'reasoning') reasoning = (reasoning ?? '') + seg.text;
    else toolCalls.push(...seg.calls);
  }
  const message: OpenAI.ResponseMessage = {
    role: 'assistant',
    content: content === '' && toolCalls.length > 0 ? null : content,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (candidate?.groundingMetadata && content) {
    const annotations = groundingAnnotations(candidate.groundingMetadata, parts, content, offsets);
    if (annotations.length > 0) message.annotations = annotations;
  }
  return {
    index,
    message,
    finish_reason: mapFinishReason(candidate?.finishReason, toolCalls.length > 0),
    logprobs: mapLogprobs(candidate?.logprobsResult),
  };
}

function noCandidateChoice(feedback: Gemini.PromptFeedback | undefined): OpenAI.ChatChoice {
  const refusal = blockedPromptMessage(feedback);
  return {
    index: 0,
    message: { role: 'assistant', content: refusal === null ? '' : null, refusal },
    finish_reason: refusal === null ? 'stop' : 'content_filter',
    logprobs: null,
  };
}
