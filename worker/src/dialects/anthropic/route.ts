// POST /v1/messages (also ?beta=true, as Claude Code calls it) and /v1/messages/count_tokens:
// Anthropic request -> Gemini -> Anthropic message, event stream or token count.
import type { Gemini } from '@opengemini/shared';
import { readJsonBody } from '../../body';
import { ApiError } from '../../errors';
import { callGemini, type GeminiTarget, modelPath, readJson } from '../../gemini/client';
import { generate } from '../../gemini/generate';
import { fetchRequestMedia } from '../../media';
import { normalizeModel } from '../../gemini/models';
import { nonce } from '../../gemini/signatures';
import { json } from '../../http';
import type { StreamTiming } from '../../sse-stream';
import { collectMediaUrls, toGeminiRequest } from './request';
import { toMessage } from './response';
import { MessagesStreamConverter } from './stream';
import { parseMessagesRequest } from './validate';

export async function handleMessages(request: Request, target: GeminiTarget, timing: StreamTiming = {}): Promise<Response> {
  const req = parseMessagesRequest(await readJsonBody(request));
  const gemini = await prepare(req, target);
  const ctx = { id: `msg_${nonce(24)}`, model: req.model, oneCallPerTurn: oneCallPerTurn(req.tool_choice) };
  return generate(target, gemini, req.stream ? { stream: new MessagesStreamConverter(ctx), timing } : { answer: (res) => toMessage(res, ctx) });
}

/** disable_parallel_tool_use: true on any tool_choice but none (null, which validation lets
 * through as absent, included). */
function oneCallPerTurn(choice: Parameters<typeof toGeminiRequest>[0]['tool_choice'] | null): boolean {
  return choice != null && 'disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use === true;
}

/** Gemini's countTokens over the whole request (system, tools and all), as Anthropic counts. */
export async function handleCountTokens(request: Request, target: GeminiTarget): Promise<Response> {
  const req = parseMessagesRequest(await readJsonBody(request), true);
  const { model, body } = await prepare(req, target);
  const res = await callGemini(target, `${modelPath(model)}:countTokens`, { body: { generateContentRequest: { model: modelPath(model), ...body } } });
  const counted = await readJson<Gemini.CountTokensResponse>(res);
  return json({ input_tokens: typeof counted.totalTokens === 'number' ? counted.totalTokens : 0 });
}

async function prepare(req: Parameters<typeof toGeminiRequest>[0], target: GeminiTarget) {
  refuseClaudeModel(req.model);
  return toGeminiRequest(req, await fetchRequestMedia(collectMediaUrls(req), target));
}

/**
 * Claude Code asks for Claude models unless told otherwise (ANTHROPIC_MODEL,
 * ANTHROPIC_SMALL_FAST_MODEL): say so plainly instead of passing Gemini's "models/claude-... is
 * not found" on.
 */
function refuseClaudeModel(model: string): void {
  const name = normalizeModel(model);
  if (!/^claude/i.test(name)) return;
  throw new ApiError(
    { kind: 'client', reason: 'not_found' },
    `model: ${name} is a Claude model, and this server runs Gemini. Set ANTHROPIC_MODEL and ANTHROPIC_SMALL_FAST_MODEL to Gemini models (e.g. gemini-2.5-pro and gemini-2.5-flash).`,
  );
}
