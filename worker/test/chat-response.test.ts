import type { Gemini, OpenAI } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { expectValidOpenAI } from '../../tools/src/oracles/openai-validator';
import { oraclesPresent } from '../../tools/src/oracles/paths';
import { type ResponseContext, toChatCompletion } from '../src/dialects/openai-chat/response';
import { decodeToolCallId, encodeToolCallId } from '../src/gemini/signatures';

function context(): ResponseContext {
  let n = 0;
  return { id: 'chatcmpl-test', created: 1_760_000_000, model: 'gemini-2.5-flash', toolCallId: (c) => encodeToolCallId(c, () => `n${++n}`) };
}

/** Converts and checks the result against OpenAI's CreateChatCompletionResponse. */
function convert(res: Gemini.GenerateContentResponse): OpenAI.ChatCompletion {
  const out = toChatCompletion(res, context());
  if (oraclesPresent) expectValidOpenAI('CreateChatCompletionResponse', out);
  return out;
}

const usage = { promptTokenCount: 12, candidatesTokenCount: 5, totalTokenCount: 17 };
const meta = { modelVersion: 'gemini-2.5-flash', responseId: 'r-1' };

describe('toChatCompletion', () => {
  it('maps a plain text answer', () => {
    expect(
      convert({
        candidates: [{ content: { role: 'model', parts: [{ text: 'Hello there.' }] }, finishReason: 'STOP', index: 0, avgLogprobs: -0.2 }],
        usageMetadata: usage,
        ...meta,
      }),
    ).toEqual({
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_760_000_000,
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there.', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 5,
        total_tokens: 17,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
  });

  it('puts thought summaries in reasoning_content and only the answer in content', () => {
    const out = convert({
      candidates: [{
        content: { role: 'model', parts: [{ text: '**Planning**\nAdd the numbers.', thought: true }, { text: '2 + 2 = 4' }] },
        finishReason: 'STOP',
      }],
      usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 7, thoughtsTokenCount: 120, totalTokenCount: 136 },
    });
    expect(out.choices[0]?.message).toEqual({ role: 'assistant', content: '2 + 2 = 4', refusal: null, reasoning_content: '**Planning**\nAdd the numbers.' });
    expect(out.usage).toMatchObject({ completion_tokens: 127, total_tokens: 136, completion_tokens_details: { reasoning_tokens: 120 } });
  });

  it('maps tool calls: content null, finish tool_calls, ids carrying Gemini id and signature', () => {
    const out = convert({
      candidates: [{
        content: {
          role: 'model',
          parts: [
            { functionCall: { name: 'get_weather', args: { city: 'Paris' }, id: 'abc' }, thoughtSignature: 'CsgBAdHtim8=' },
            { functionCall: { name: 'get_time', args: { tz: 'Europe/Paris' } } },
          ],
        },
        finishReason: 'STOP',
      }],
      usageMetadata: usage,
    });
    const choice = out.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls?.map((t) => [t.type, t.function.name, t.function.arguments])).toEqual([
      ['function', 'get_weather', '{"city":"Paris"}'],
      ['function', 'get_time', '{"tz":"Europe/Paris"}'],
    ]);
    expect(decodeToolCallId(choice?.message.tool_calls?.[0]?.id)).toEqual({ geminiId: 'abc', signature: 'CsgBAdHtim8=' });
    expect(choice?.message.tool_calls?.[1]?.id).toBe('call_n2');
  });

  it('keeps the text that came with tool calls', () => {
    const out = convert({
      candidates: [{ content: { role: 'model', parts: [{ text: 'Let me check.' }, { functionCall: { name: 'f', args: {} } }] }, finishReason: 'STOP' }],
    });
    expect(out.choices[0]?.message.content).toBe('Let me check.');
    expect(out.choices[0]?.message.tool_calls).toHaveLength(1);
  });

  it('answers a blocked prompt (no candidates) with content null, the reason as refusal, content_filter', () => {
    const out = convert({
      promptFeedback: {
        blockReason: 'SAFETY',
        safetyRatings: [
          { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
          { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
        ],
      },
      usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 },
      ...meta,
    });
    expect(out.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: 'Gemini blocked the prompt (SAFETY; HARM_CATEGORY_DANGEROUS_CONTENT).' },
        finish_reason: 'content_filter',
        logprobs: null,
      },
    ]);
    expect(out.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 0, total_tokens: 7 });
  });

  it('answers a body with neither candidates nor a block reason with one empty stop choice', () => {
    expect(convert({ usageMetadata: usage }).choices).toEqual([
      { index: 0, message: { role: 'assistant', content: '', refusal: null }, finish_reason: 'stop', logprobs: null },
    ]);
  });

  it('gives an empty candidate (no parts) content ""', () => {
    const out = convert({ candidates: [{ content: { role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: usage });
    expect(out.choices[0]).toMatchObject({ message: { content: '', refusal: null }, finish_reason: 'stop' });
  });

  it('maps MAX_TOKENS hit while thinking to length with empty content', () => {
    const out = convert({
      candidates: [{ content: { role: 'model', parts: [{ text: 'Considering…', thought: true }] }, finishReason: 'MAX_TOKENS' }],
      usageMetadata: { promptTokenCount: 10, thoughtsTokenCount: 64, totalTokenCount: 74 },
    });
    expect(out.choices[0]).toMatchObject({ message: { content: '', reasoning_content: 'Considering…' }, finish_reason: 'length' });
  });

  it('maps a candidate cut by SAFETY to content_filter, keeping what came before', () => {
    const out = convert({ candidates: [{ content: { role: 'model', parts: [{ text: 'Partial' }] }, finishReason: 'SAFETY' }] });
    expect(out.choices[0]).toMatchObject({ message: { content: 'Partial' }, finish_reason: 'content_filter' });
  });

  it('orders several candidates by their index (index 0 omitted, as proto3 JSON does)', () => {
    const out = convert({
      candidates: [
        { content: { role: 'model', parts: [{ text: 'first' }] }, finishReason: 'STOP' },
        { content: { role: 'model', parts: [{ text: 'third' }] }, finishReason: 'MAX_TOKENS', index: 2 },
        { content: { role: 'model', parts: [{ text: 'second' }] }, finishReason: 'STOP', index: 1 },
      ],
    });
    expect(out.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'first', 'stop'],
      [1, 'second', 'stop'],
      [2, 'third', 'length'],
    ]);
  });

  it('maps logprobs when Gemini returned them', () => {
    const out = convert({
      candidates: [{
        content: { role: 'model', parts: [{ text: 'Hi' }] },
        finishReason: 'STOP',
        logprobsResult: { chosenCandidates: [{ token: 'Hi', logProbability: -0.01 }], topCandidates: [{ candidates: [{ token: 'Hi', logProbability: -0.01 }] }] },
      }],
    });
    expect(out.choices[0]?.logprobs).toEqual({
      content: [{ token: 'Hi', logprob: -0.01, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.01, bytes: [72, 105] }] }],
      refusal: null,
    });
  });

  it('adds url_citation annotations for Google Search grounding', () => {
    const out = convert({
      candidates: [{
        content: { role: 'model', parts: [{ text: 'Spain won Euro 2024.' }] },
        finishReason: 'STOP',
        groundingMetadata: {
          webSearchQueries: ['euro 2024 winner'],
          groundingChunks: [{ web: { uri: 'https://vertexaisearch.cloud.google.com/grounding-api-redirect/x', title: 'uefa.com' } }],
          groundingSupports: [{ segment: { startIndex: 0, endIndex: 20, text: 'Spain won Euro 2024.' }, groundingChunkIndices: [0] }],
        },
      }],
    });
    expect(out.choices[0]?.message.annotations).toEqual([
      { type: 'url_citation', url_citation: { url: 'https://vertexaisearch.cloud.google.com/grounding-api-redirect/x', title: 'uefa.com', start_index: 0, end_index: 20 } },
    ]);
  });

  it('renders code execution as fenced blocks inside content', () => {
    const out = convert({
      candidates: [{
        content: {
          role: 'model',
          parts: [
            { text: 'Computing:' },
            { executableCode: { language: 'PYTHON', code: 'print(2**10)' } },
            { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1024\n' } },
            { text: 'It is 1024.' },
          ],
        },
        finishReason: 'STOP',
      }],
    });
    expect(out.choices[0]?.message.content).toBe('Computing:\n```python\nprint(2**10)\n```\n\n```output\n1024\n```\nIt is 1024.');
  });
});
