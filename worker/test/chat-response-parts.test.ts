import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { type Segment, groundingAnnotations, mapLogprobs, mapParts } from '../src/dialects/openai-chat/parts';
import { decodeToolCallId, encodeToolCallId } from '../src/gemini/signatures';

/** Deterministic ids that still carry what production ids carry. */
const mint = (c: Parameters<typeof encodeToolCallId>[0]) => encodeToolCallId(c, () => 'N');

describe('mapParts', () => {
  it.each<[string, Gemini.Part[], Segment[]]>([
    ['text -> content', [{ text: 'Hello' }], [{ kind: 'content', text: 'Hello' }]],
    ['neighbouring text parts merge', [{ text: 'Hel' }, { text: 'lo' }], [{ kind: 'content', text: 'Hello' }]],
    ['thought summary -> reasoning, never content', [{ text: 'Let me think', thought: true }, { text: 'Answer' }], [
      { kind: 'reasoning', text: 'Let me think' },
      { kind: 'content', text: 'Answer' },
    ]],
    ['order is kept: reasoning, content, reasoning', [{ text: 'a', thought: true }, { text: 'b' }, { text: 'c', thought: true }], [
      { kind: 'reasoning', text: 'a' },
      { kind: 'content', text: 'b' },
      { kind: 'reasoning', text: 'c' },
    ]],
    ['empty text and a signature-only text part send nothing', [{ text: '' }, { text: '', thoughtSignature: 'c2ln' }], []],
    ['the signature beside text is dropped, the text kept', [{ text: 'Hi', thoughtSignature: 'c2ln' }], [{ kind: 'content', text: 'Hi' }]],
    ['inline image -> markdown data URL', [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }], [
      { kind: 'content', text: '\n![image](data:image/png;base64,iVBORw0KGgo=)\n' },
    ]],
    ['inline audio is dropped', [{ inlineData: { mimeType: 'audio/L16;codec=pcm;rate=24000', data: 'AAAA' } }], []],
    ['a thought image is dropped', [{ inlineData: { mimeType: 'image/png', data: 'AAAA' }, thought: true }], []],
    ['fileData image -> markdown image, other -> link', [
      { fileData: { mimeType: 'image/jpeg', fileUri: 'https://x/y.jpg' } },
      { fileData: { mimeType: 'application/pdf', fileUri: 'https://x/y.pdf' } },
    ], [{ kind: 'content', text: '\n![image](https://x/y.jpg)\n\n[file](https://x/y.pdf)\n' }]],
    ['executableCode -> fenced block in its language', [{ executableCode: { language: 'PYTHON', code: 'print(1)' } }], [
      { kind: 'content', text: '\n```python\nprint(1)\n```\n' },
    ]],
    ['codeExecutionResult -> output block', [{ codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1\n' } }], [
      { kind: 'content', text: '\n```output\n1\n```\n' },
    ]],
    ['a failed run with no output says how it failed', [{ codeExecutionResult: { outcome: 'OUTCOME_DEADLINE_EXCEEDED' } }], [
      { kind: 'content', text: '\n```output\nOUTCOME_DEADLINE_EXCEEDED\n```\n' },
    ]],
    ['code containing ``` gets a longer fence', [{ executableCode: { language: 'LANGUAGE_UNSPECIFIED', code: 's = "```"' } }], [
      { kind: 'content', text: '\n````\ns = "```"\n````\n' },
    ]],
    ['input-side and server-side parts are dropped', [
      { functionResponse: { name: 'f', response: {} } },
      { toolCall: { toolType: 'GOOGLE_SEARCH_WEB' } },
      { toolResponse: { toolType: 'GOOGLE_SEARCH_WEB' } },
    ], []],
  ])('%s', (_name, parts, expected) => {
    expect(mapParts(parts, mint)).toEqual(expected);
  });

  it('maps a function call to a tool call with JSON arguments and an id carrying id + signature', () => {
    const [seg] = mapParts([{ functionCall: { name: 'get_weather', args: { city: 'Paris', days: [1, 2] }, id: 'fc-1' }, thoughtSignature: 'U0lH' }], mint);
    expect(seg).toMatchObject({ kind: 'tool_calls', calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":[1,2]}' } }] });
    const id = seg?.kind === 'tool_calls' ? seg.calls[0]?.id : undefined;
    expect(id).toMatch(/^call_N_[A-Za-z0-9_-]+$/);
    expect(decodeToolCallId(id)).toEqual({ geminiId: 'fc-1', signature: 'U0lH' });
  });

  it('gives a call with nothing to carry a plain id, and missing args "{}"', () => {
    expect(mapParts([{ functionCall: { name: 'now' } }], mint)).toEqual([
      { kind: 'tool_calls', calls: [{ id: 'call_N', type: 'function', function: { name: 'now', arguments: '{}' } }] },
    ]);
  });

  it('groups parallel calls into one segment, in order, signature only where Gemini put it', () => {
    const segs = mapParts([
      { text: 'Checking both.' },
      { functionCall: { name: 'a', args: {} }, thoughtSignature: 'U0lH' },
      { functionCall: { name: 'b', args: { x: 1 } } },
    ], mint);
    expect(segs).toHaveLength(2);
    expect(segs[0]).toEqual({ kind: 'content', text: 'Checking both.' });
    const calls = segs[1]?.kind === 'tool_calls' ? segs[1].calls : [];
    expect(calls.map((c) => c.function.name)).toEqual(['a', 'b']);
    expect(decodeToolCallId(calls[0]?.id)).toEqual({ signature: 'U0lH' });
    expect(calls[1]?.id).toBe('call_N');
  });

  it('skips garbage parts and non-array parts without throwing', () => {
    expect(mapParts(undefined, mint)).toEqual([]);
    expect(mapParts('x', mint)).toEqual([]);
    expect(mapParts([null, 3, 'x', { text: 'ok' }], mint)).toEqual([{ kind: 'content', text: 'ok' }]);
  });

  it('records the content offset of each part (thoughts and calls take no room)', () => {
    const offsets: number[] = [];
    mapParts([{ text: 'think', thought: true }, { text: 'ab' }, { functionCall: { name: 'f' } }, { text: 'cde' }], mint, offsets);
    expect(offsets).toEqual([0, 0, 2, 2]);
  });
});

describe('mapLogprobs', () => {
  it('maps chosen tokens and their top alternatives, with UTF-8 bytes', () => {
    expect(
      mapLogprobs({
        chosenCandidates: [{ token: 'Hé', logProbability: -0.1 }, { token: '!', logProbability: -0.5 }],
        topCandidates: [{ candidates: [{ token: 'Hé', logProbability: -0.1 }, { token: 'Hi', logProbability: -2.5 }] }],
      }),
    ).toEqual({
      content: [
        {
          token: 'Hé',
          logprob: -0.1,
          bytes: [72, 195, 169],
          top_logprobs: [
            { token: 'Hé', logprob: -0.1, bytes: [72, 195, 169] },
            { token: 'Hi', logprob: -2.5, bytes: [72, 105] },
          ],
        },
        { token: '!', logprob: -0.5, bytes: [33], top_logprobs: [] },
      ],
      refusal: null,
    });
  });

  it('is null without chosen candidates', () => {
    expect(mapLogprobs(undefined)).toBeNull();
    expect(mapLogprobs({ logProbabilitySum: -3 })).toBeNull();
  });
});

describe('groundingAnnotations', () => {
  const meta = (segment: Gemini.GoogleAiGenerativelanguageV1alphaSegment): Gemini.GroundingMetadata => ({
    groundingChunks: [{ web: { uri: 'https://a.example/1', title: 'a.example' } }, { web: { uri: 'https://b.example/2' } }],
    groundingSupports: [{ segment, groundingChunkIndices: [0, 1] }],
  });

  it('turns part-relative UTF-8 byte offsets into content string indices', () => {
    const parts: Gemini.Part[] = [{ text: 'thinking', thought: true }, { text: 'Café. Paris is big.' }];
    const offsets: number[] = [];
    const content = mapParts(parts, mint, offsets).map((s) => (s.kind === 'content' ? s.text : '')).join('');
    // "Paris is big." starts at byte 7 ("Café. " is 7 bytes: é takes two) and string index 6.
    const annotations = groundingAnnotations(meta({ partIndex: 1, startIndex: 7, endIndex: 20, text: 'Paris is big.' }), parts, content, offsets);
    expect(annotations).toEqual([
      { type: 'url_citation', url_citation: { url: 'https://a.example/1', title: 'a.example', start_index: 6, end_index: 19 } },
      { type: 'url_citation', url_citation: { url: 'https://b.example/2', title: 'https://b.example/2', start_index: 6, end_index: 19 } },
    ]);
    expect(content.slice(6, 19)).toBe('Paris is big.');
  });

  it('falls back to finding the segment text when the offsets do not match it', () => {
    const parts: Gemini.Part[] = [{ text: 'One. Two.' }];
    const annotations = groundingAnnotations(meta({ startIndex: 0, endIndex: 3, text: 'Two.' }), parts, 'One. Two.', [0]);
    expect(annotations[0]?.url_citation).toMatchObject({ start_index: 5, end_index: 9 });
  });

  it('leaves out a segment found nowhere, and chunks without a web uri', () => {
    const parts: Gemini.Part[] = [{ text: 'One.' }];
    expect(groundingAnnotations(meta({ startIndex: 50, endIndex: 60, text: 'absent' }), parts, 'One.', [0])).toEqual([]);
    const noWeb: Gemini.GroundingMetadata = { groundingChunks: [{ retrievedContext: {} }], groundingSupports: [{ segment: { endIndex: 4 }, groundingChunkIndices: [0, 7] }] };
    expect(groundingAnnotations(noWeb, parts, 'One.', [0])).toEqual([]);
  });
});
