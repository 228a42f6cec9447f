import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors';
import { floatsToBase64, parseEmbeddingRequest, toBatchRequests, toEmbeddingResponse } from '../src/dialects/embeddings';

describe('parseEmbeddingRequest', () => {
  it.each([
    [{ model: 'text-embedding-3-small', input: 'hi' }, { model: 'gemini-embedding-001', inputs: ['hi'], base64: false }],
    [{ model: 'models/text-embedding-004', input: ['a', 'b'], dimensions: 256 }, { model: 'text-embedding-004', inputs: ['a', 'b'], dimensions: 256, base64: false }],
    [{ model: 'gemini-embedding-001', input: 'x', encoding_format: 'base64' }, { model: 'gemini-embedding-001', inputs: ['x'], base64: true }],
  ])('%j', (body, call) => {
    expect(parseEmbeddingRequest(body)).toEqual(call);
  });

  it.each([
    [{ input: 'x' }, 'model'],
    [{ model: 'm', input: [1, 2, 3] }, 'input'],
    [{ model: 'm', input: [[1, 2]] }, 'input'],
    [{ model: 'm', input: [] }, 'input'],
    [{ model: 'm', input: ['ok', ''] }, 'input[1]'],
    [{ model: 'm', input: 5 }, 'input'],
    [{ model: 'm', input: 'x', dimensions: 0 }, 'dimensions'],
    [{ model: 'm', input: 'x', encoding_format: 'hex' }, 'encoding_format'],
  ])('%j is a 400 naming %s', (body, param) => {
    try {
      parseEmbeddingRequest(body);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(400);
      expect((e as ApiError).param).toBe(param);
    }
  });
});

describe('toBatchRequests', () => {
  it('splits 250 inputs into 100 + 100 + 50, keeping order and dimensions', () => {
    const inputs = Array.from({ length: 250 }, (_, i) => `text ${i}`);
    const batches = toBatchRequests({ model: 'gemini-embedding-001', inputs, dimensions: 8, base64: false });
    expect(batches.map((b) => b.requests?.length)).toEqual([100, 100, 50]);
    expect(batches[2]!.requests![49]).toEqual({ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'text 249' }] }, outputDimensionality: 8 });
  });
});

describe('toEmbeddingResponse', () => {
  it('numbers embeddings across batches in input order', () => {
    const res = toEmbeddingResponse({ model: 'm', inputs: ['aaaa', 'bbbbbbbb', 'c'], base64: false }, [
      { embeddings: [{ values: [1] }, { values: [2] }] },
      { embeddings: [{ values: [3] }] },
    ]);
    expect(res.data.map((d) => [d.index, d.embedding])).toEqual([[0, [1]], [1, [2]], [2, [3]]]);
    expect(res.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
  });

  it('encodes base64 as little-endian float32, as OpenAI does', () => {
    const b64 = floatsToBase64([1, -2.5, 0.125]);
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    expect(Array.from(new Float32Array(bytes.buffer))).toEqual([1, -2.5, 0.125]);
  });
});
