import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { mockSignature, splitText, streamChunks, wholeAnswer, type AnswerContext } from '../src/mock-gemini/answers';
import { embed } from '../src/mock-gemini/embeddings';
import { MODELS, findModel } from '../src/mock-gemini/models';
import { awkwardCuts, pieceCuts } from '../src/mock-gemini/stream-writer';

const ctx = (model = 'gemini-2.5-flash', request: Gemini.GenerateContentRequest = { contents: [{ role: 'user', parts: [{ text: 'hello world' }] }] }): AnswerContext => ({
  model,
  request,
  responseId: 'resp-1',
});
const withThoughts: Gemini.GenerateContentRequest = {
  contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
  generationConfig: { thinkingConfig: { includeThoughts: true } },
};

describe('stream chunks', () => {
  it('carry cumulative usage, the same responseId and modelVersion, and finishReason only on the last', () => {
    const chunks = streamChunks({ kind: 'text', text: 'one two three four', chunks: 3 }, ctx());
    expect(chunks).toHaveLength(3);
    expect(chunks.map((c) => c.responseId)).toEqual(['resp-1', 'resp-1', 'resp-1']);
    expect(chunks.every((c) => c.modelVersion === 'gemini-2.5-flash')).toBe(true);
    expect(chunks.map((c) => c.candidates?.[0]?.finishReason)).toEqual([undefined, undefined, 'STOP']);
    const counts = chunks.map((c) => c.usageMetadata?.candidatesTokenCount ?? 0);
    expect(counts[0]).toBeLessThan(counts[2] ?? 0);
    expect(chunks.map((c) => c.candidates?.[0]?.content?.parts?.[0]?.text).join('')).toBe('one two three four');
    const last = chunks[2]?.usageMetadata;
    expect(last?.totalTokenCount).toBe((last?.promptTokenCount ?? 0) + (last?.candidatesTokenCount ?? 0));
  });

  it('never split a surrogate pair', () => {
    expect(splitText('a😀b😀c', 5)).toEqual(['a', '😀', 'b', '😀', 'c']);
    expect(splitText('', 3)).toEqual(['']);
  });

  it('send thought summaries only when asked, but count thought tokens either way', () => {
    const b = { kind: 'text', text: 'answer', thoughts: 'pondering deeply' } as const;
    const asked = streamChunks(b, ctx('gemini-2.5-flash', withThoughts));
    expect(asked[0]?.candidates?.[0]?.content?.parts).toEqual([{ text: 'pondering deeply', thought: true }]);
    const notAsked = wholeAnswer(b, ctx());
    expect(notAsked.candidates?.[0]?.content?.parts).toEqual([{ text: 'answer' }]);
    expect(notAsked.usageMetadata?.thoughtsTokenCount).toBe(4);
  });
});

describe('tool calls', () => {
  const calls = [{ name: 'a', args: { x: 1 } }, { name: 'b' }];
  it('carry a generated signature on the first call only, for gemini-3 models', () => {
    const parts = wholeAnswer({ kind: 'toolCalls', calls }, ctx('gemini-3-pro-preview')).candidates?.[0]?.content?.parts;
    expect(parts).toEqual([{ functionCall: { name: 'a', args: { x: 1 } }, thoughtSignature: mockSignature('resp-1') }, { functionCall: { name: 'b', args: {} } }]);
  });
  it('carry no signature on older models unless scripted, and none when it is false', () => {
    expect(wholeAnswer({ kind: 'toolCalls', calls }, ctx()).candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toBeUndefined();
    expect(wholeAnswer({ kind: 'toolCalls', calls, thoughtSignature: 'c2ln' }, ctx()).candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toBe('c2ln');
    expect(wholeAnswer({ kind: 'toolCalls', calls, thoughtSignature: false }, ctx('gemini-3-flash-preview')).candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toBeUndefined();
  });
  it('stream leading text in its own chunk, then all calls whole with finishReason STOP', () => {
    const chunks = streamChunks({ kind: 'toolCalls', calls, text: 'Checking.' }, ctx());
    expect(chunks).toHaveLength(2);
    expect(chunks[1]?.candidates?.[0]?.content?.parts?.map((p) => p.functionCall?.name)).toEqual(['a', 'b']);
    expect(chunks[1]?.candidates?.[0]?.finishReason).toBe('STOP');
  });
});

describe('unusual endings', () => {
  it('a blocked prompt has no candidates key at all', () => {
    const body = wholeAnswer({ kind: 'blocked' }, ctx());
    expect('candidates' in body).toBe(false);
    expect(body.promptFeedback?.blockReason).toBe('SAFETY');
    expect(streamChunks({ kind: 'blocked', blockReason: 'OTHER' }, ctx())).toMatchObject([{ promptFeedback: { blockReason: 'OTHER' } }]);
  });
  it('an empty candidate has content {role: "model"} and no parts', () => {
    const c = wholeAnswer({ kind: 'empty', finishReason: 'MAX_TOKENS', thoughtsTokenCount: 900 }, ctx());
    expect(c.candidates?.[0]).toEqual({ content: { role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 });
    expect(c.usageMetadata?.thoughtsTokenCount).toBe(900);
  });
  it('MALFORMED_FUNCTION_CALL comes with a finishMessage and no content', () => {
    const c = wholeAnswer({ kind: 'finish', finishReason: 'MALFORMED_FUNCTION_CALL' }, ctx()).candidates?.[0];
    expect(c?.content).toBeUndefined();
    expect(c?.finishMessage).toMatch(/^Malformed function call/);
  });
  it('SAFETY after partial text keeps the text and adds safety ratings', () => {
    const chunks = streamChunks({ kind: 'finish', finishReason: 'SAFETY', text: 'partial answer' }, ctx());
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('SAFETY');
    expect(chunks.at(-1)?.candidates?.[0]?.safetyRatings?.some((r) => r.blocked)).toBe(true);
  });
});

describe('awkward splits', () => {
  it('cut inside "data:", inside the first multi-byte character and between \\r and \\n', () => {
    const bytes = Buffer.from('data: {"t":"é"}\r\n\r\n');
    const cuts = awkwardCuts(bytes, '\r\n\r\n');
    const lead = bytes.indexOf(0xc3);
    expect(cuts).toContain(3);
    expect(cuts).toContain(lead + 1);
    expect(bytes[cuts.find((c) => bytes[c - 1] === 0x0d && bytes[c] === 0x0a) ?? -1]).toBe(0x0a);
    expect(cuts).toEqual([...cuts].sort((a, b) => a - b));
  });

  it('pieceCuts: every N bytes for {every: N}, the awkward cuts for "awkward", none for whole or merged events', () => {
    const bytes = Buffer.from('data: {"t":"é"}\r\n\r\n');
    expect(pieceCuts(bytes, { every: 7 }, '\r\n\r\n')).toEqual([7, 14]);
    expect(pieceCuts(bytes, 'awkward', '\r\n\r\n')).toEqual(awkwardCuts(bytes, '\r\n\r\n'));
    expect(pieceCuts(bytes, undefined, '\r\n\r\n')).toEqual([]);
    expect(pieceCuts(bytes, 'merged', '\r\n\r\n')).toEqual([]);
    const pieces = [0, ...pieceCuts(bytes, { every: 7 }, '\r\n\r\n'), bytes.length];
    expect(pieces.slice(1).map((end, i) => end - pieces[i]!).every((n) => n <= 7)).toBe(true);
  });
});

describe('embeddings and models', () => {
  it('vectors are deterministic unit vectors of the asked size, different per text', () => {
    const a = embed('hello', 'gemini-embedding-001', 768);
    expect(a).toHaveLength(768);
    expect(embed('hello', 'gemini-embedding-001', 768)).toEqual(a);
    expect(embed('hellp', 'gemini-embedding-001', 768)).not.toEqual(a);
    expect(Math.abs(Math.hypot(...a) - 1)).toBeLessThan(1e-6);
  });
  it('the catalogue is longer than one default page and holds the models tests rely on', () => {
    expect(MODELS.length).toBeGreaterThan(50);
    for (const id of ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.5-flash-lite', 'gemini-3-pro-preview', 'gemini-3-flash-preview', 'gemini-embedding-001', 'text-embedding-004']) {
      expect(findModel(id)?.name).toBe(`models/${id}`);
    }
    expect(new Set(MODELS.map((m) => m.name)).size).toBe(MODELS.length);
    expect(findModel('models/gemini-2.5-flash')?.thinking).toBe(true);
  });
});

describe('logprobs', () => {
  const asking = (top?: number): Gemini.GenerateContentRequest => ({
    contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    generationConfig: { responseLogprobs: true, ...(top !== undefined && { logprobs: top }) },
  });

  it('with responseLogprobs: each chunk a logprobsResult for its own text, the whole answer one for all of it', () => {
    const chunks = streamChunks({ kind: 'text', text: 'one two three four', chunks: 2 }, ctx('gemini-2.5-flash', asking(3)));
    const per = chunks.map((c) => c.candidates?.[0]?.logprobsResult);
    for (const [i, r] of per.entries()) {
      expect(r?.chosenCandidates?.map((c) => c.token).join('')).toBe(chunks[i]?.candidates?.[0]?.content?.parts?.[0]?.text);
      // logprobs counts the chosen candidate among the top ones, sorted by log probability.
      for (const [step, top] of (r?.topCandidates ?? []).entries()) {
        expect(top.candidates).toHaveLength(3);
        expect(top.candidates?.[0]).toEqual(r?.chosenCandidates?.[step]);
        const probs = top.candidates!.map((c) => c.logProbability!);
        expect([...probs].sort((a, b) => b - a)).toEqual(probs);
      }
    }
    const whole = wholeAnswer({ kind: 'text', text: 'one two three four' }, ctx('gemini-2.5-flash', asking()));
    const result = whole.candidates?.[0]?.logprobsResult;
    expect(result?.chosenCandidates?.map((c) => c.token)).toEqual(['one ', 'two ', 'three ', 'four']);
    expect(result?.topCandidates).toBeUndefined(); // no logprobs count: the chosen tokens only
    expect(result?.logProbabilitySum).toBeCloseTo(result!.chosenCandidates!.reduce((s, c) => s + c.logProbability!, 0));
  });

  it('not asked: no logprobsResult', () => {
    expect(wholeAnswer({ kind: 'text', text: 'x y' }, ctx()).candidates?.[0]?.logprobsResult).toBeUndefined();
    expect(streamChunks({ kind: 'text', text: 'x y' }, ctx()).some((c) => c.candidates?.[0]?.logprobsResult)).toBe(false);
  });
});
