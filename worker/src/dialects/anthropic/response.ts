// Gemini generateContent answer -> Anthropic Message (pure).
//
// | Gemini                                   | Anthropic                                        |
// |------------------------------------------|--------------------------------------------------|
// | thought parts                            | thinking block; its signature carries Gemini's   |
// |                                          | (carry.ts)                                       |
// | text parts (and images, code as text)    | text block                                       |
// | functionCall                             | tool_use {id: toolu_..., name, input}            |
// | finishReason: stop category              | end_turn, or tool_use when it called a tool      |
// |               length / content_filter    | max_tokens / refusal                             |
// | no candidates, blockReason (blocked)     | refusal, with a text block saying why            |
// | usageMetadata                            | input_tokens (cached excluded), output_tokens    |
// |                                          | (thoughts included), cache_read_input_tokens     |
// Gemini does not say whether a stop sequence ended the answer, so stop_sequence stays null and
// such an answer ends as end_turn.
import type { Anthropic, Gemini } from '@opengemini/shared';
import { type FinishCategory, finishCategory } from '../../gemini/finish';
import { CallAllowance, blockedPromptMessage, readParts } from '../../gemini/parts';
import { readUsage } from '../../gemini/usage';
import { carrySignature } from '../../gemini/signatures';
import { type ToolUseIdMinter, toolUseId } from './carry';

export interface MessageContext {
  /** `msg_...` */
  id: string;
  /** The model as the client named it (echoed back, as Anthropic does). */
  model: string;
  /** Tool use id minting; tests pin it, production carries signatures (carry.ts). */
  toolUseId?: ToolUseIdMinter;
  /** tool_choice.disable_parallel_tool_use: the answer shows its first tool use only (CallAllowance). */
  oneCallPerTurn?: boolean;
}

export function toMessage(res: Gemini.GenerateContentResponse, ctx: MessageContext): Anthropic.Message {
  const candidate = Array.isArray(res.candidates) ? res.candidates[0] : undefined;
  const content: Anthropic.ContentBlock[] = [];
  let stop: Anthropic.StopReason = 'end_turn';
  if (candidate && typeof candidate === 'object') {
    const segments = readParts(candidate.content?.parts);
    // A signature Gemini put beside text or thoughts rides on the thinking block.
    let textSignature: string | undefined;
    for (const seg of segments) if (seg.kind !== 'calls') textSignature ??= seg.signature;
    const allowance = new CallAllowance(ctx.oneCallPerTurn === true);
    for (const seg of segments) {
      if (seg.kind === 'calls') {
        for (const call of allowance.take(seg.calls)) content.push({ type: 'tool_use', id: (ctx.toolUseId ?? toolUseId)(call), name: call.name, input: call.args });
      } else if (seg.kind === 'thought') {
        content.push({ type: 'thinking', thinking: seg.text, signature: carrySignature(textSignature) });
      } else if (seg.text !== '') {
        content.push({ type: 'text', text: seg.text });
      }
    }
    stop = stopReason(finishCategory(candidate.finishReason), content.some((b) => b.type === 'tool_use'));
  } else {
    const refusal = blockedPromptMessage(res.promptFeedback);
    if (refusal !== null) {
      content.push({ type: 'text', text: refusal });
      stop = 'refusal';
    }
  }
  return { id: ctx.id, type: 'message', role: 'assistant', model: ctx.model, content, stop_reason: stop, stop_sequence: null, usage: toUsage(res.usageMetadata) };
}

export function stopReason(category: FinishCategory, calledTools: boolean): Anthropic.StopReason {
  if (category === 'length') return 'max_tokens';
  if (category === 'content_filter') return 'refusal';
  return calledTools ? 'tool_use' : 'end_turn';
}

/** Anthropic counts cached prompt tokens apart from input_tokens; Gemini inside the prompt. */
export function toUsage(usage: Gemini.UsageMetadata | undefined): Anthropic.Usage {
  const t = readUsage(usage);
  return { input_tokens: t.prompt - t.cached, output_tokens: t.completion, cache_creation_input_tokens: 0, cache_read_input_tokens: t.cached };
}
