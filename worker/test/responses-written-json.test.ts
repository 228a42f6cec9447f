// The Responses dialect writes some JSON itself instead of serialising objects: the answer by a
// template around the echo made once per tool list (response-json.ts, echo.ts), the stream around
// the same echo, and the Gemini body around a kept list's tools (gemini/body-json.ts). Seeded
// random requests and answers (a few hundred, reusing a pool of tool lists so the kept forms are
// hit) show each is byte for byte what JSON.stringify writes of the object path, whether the list
// is seen for the first time (per request) or kept: odd strings (lone surrogates, U+2028, NUL),
// odd numbers (-0, 1e21), odd keys (__proto__, integer-like), every tool kind, every model family.
import type { Gemini } from '@opengemini/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keptBodyJson } from '../src/gemini/body-json';
import { toGenerateContent } from '../src/gemini/request';
import { toConversation, toGeminiBody } from '../src/dialects/responses/request';
import { type ResponseContext, toResponse, toResponseJson } from '../src/dialects/responses/response';
import { ResponsesStreamConverter } from '../src/dialects/responses/stream';
import type { ResponsesRequest } from '../src/dialects/responses/types';
import { parseResponsesRequest } from '../src/dialects/responses/validate';

type Json = Record<string, unknown>;

/** A small deterministic generator (an LCG): the same cases on every run. */
function generator(seed: number) {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const maybe = (p = 0.5) => rnd() < p;
  return { rnd, int, pick, maybe };
}

const WEIRD = ['\u2028', '\u2029', '\ud800', '\udc00', '\ud83d\ude00', '\u0000', '\u001f', '\u007f', '"', '\\', '/', '\n', '\t', 'é', '✓', '<', '\ufeff', '\uffff', ' '];
const NUMS = [0, -0, 1, -1, 0.5, 1e21, 1e-7, 2 ** 53, -1.5e-300, 5e-324, 1.7976931348623157e308];
const MODELS = ['gemini-2.5-flash', 'gemini-3-flash-preview', 'gemini-2.0-flash', 'gemini-flash-latest', 'models/gemini-2.5-pro', 'gemma-3-27b-it'];

function cases(seed: number) {
  const { rnd, int, pick, maybe } = generator(seed);
  const str = (max = 12): string => {
    let out = '';
    for (let i = int(max); i > 0; i--) out += maybe(0.3) ? pick(WEIRD) : String.fromCharCode(97 + int(26));
    return out;
  };
  const jsonValue = (depth: number): unknown => {
    switch (int(depth > 3 ? 4 : 6)) {
      case 0: return str();
      case 1: return pick(NUMS);
      case 2: return pick([true, false, null]);
      case 3: return str(4);
      case 4: return Array.from({ length: int(4) }, () => jsonValue(depth + 1));
      default: {
        const o: Json = {};
        for (let i = int(5); i > 0; i--) o[pick(['a', 'type', '1', '0', '__proto__', 'x y', str(5), 'toJSON'])] = jsonValue(depth + 1);
        return o;
      }
    }
  };
  const schema = (depth = 0): unknown => {
    if (depth > 3 || maybe(0.2)) return pick([{ type: 'string' }, { type: 'integer', minimum: -0 }, { type: 'number', enum: [1, -0, 1e21] }, { type: 'boolean' }, {}, { type: ['string', 'null'] }, { enum: ['a', str()] }]);
    const r = int(5);
    if (r === 0) return { type: 'array', items: schema(depth + 1) };
    if (r === 1) return { anyOf: [schema(depth + 1), { type: 'null' }] };
    if (r === 2) return { type: 'object', additionalProperties: maybe() ? true : schema(depth + 1) };
    const props: Json = {};
    for (let i = int(4); i > 0; i--) props[str(6) || 'p'] = schema(depth + 1);
    const s: Json = { type: 'object', properties: props };
    if (maybe()) s.required = Object.keys(props).slice(0, 1);
    if (maybe(0.3)) s.description = str();
    if (maybe(0.2)) s['x-extra'] = jsonValue(2);
    return s;
  };
  let n = 0;
  const toolName = () => `t${n++}_${String.fromCharCode(97 + int(26))}`;
  const fnTool = (): Json => {
    const fields: Array<[string, () => unknown]> = [
      ['type', () => 'function'], ['name', toolName], ['description', () => (maybe(0.2) ? null : str(30))],
      ['parameters', () => (maybe(0.15) ? null : schema())], ['strict', () => (maybe(0.2) ? null : maybe())],
    ];
    const t: Json = {};
    // Fields in a random order, the optional ones sometimes left out: the echo keeps its own order.
    for (const [k, make] of fields.sort(() => rnd() - 0.5)) if (k === 'type' || k === 'name' || maybe(0.7)) t[k] = make();
    return t;
  };
  const tool = (): Json => {
    const r = int(10);
    if (r === 5) return { type: 'custom', name: toolName(), ...(maybe() ? { description: str() } : {}), ...(maybe() ? { format: maybe() ? { type: 'text' } : { type: 'grammar', syntax: 'lark', definition: str() } } : {}) };
    if (r === 6) return { type: 'namespace', name: `ns${int(1000)}`, description: str(), tools: [fnTool(), ...(maybe() ? [fnTool()] : [])] };
    if (r === 7) return { type: pick(['web_search', 'web_search_preview']), ...(maybe(0.3) ? { search_context_size: 'low', user_location: jsonValue(2) } : {}) };
    if (r === 8) return { type: 'code_interpreter', container: maybe() ? { type: 'auto' } : 'cntr_1' };
    return fnTool();
  };
  // A pool of lists, reused: most lists are seen several times, so most requests use kept forms.
  const toolPool = Array.from({ length: 8 }, () => Array.from({ length: 1 + int(5) }, tool));
  const instructions = Array.from({ length: 6 }, () => str(60));

  const request = (): Json => {
    const body: Json = { model: pick(MODELS), input: maybe() ? str(20) || 'hi' : [{ role: 'user', content: str(20) || 'x' }] };
    if (maybe(0.7)) body.instructions = maybe(0.1) ? null : pick(instructions);
    const names: string[] = [];
    if (maybe(0.8)) {
      const tools = JSON.parse(JSON.stringify(pick(toolPool))) as Json[];
      body.tools = tools;
      for (const t of tools) {
        if (t.type === 'function' || t.type === 'custom') names.push(t.name as string);
        if (t.type === 'namespace') for (const inner of t.tools as Json[]) names.push(`${t.name}.${inner.name}`);
      }
    }
    if (maybe(0.5)) {
      const r = int(4);
      body.tool_choice = r === 0 ? pick(['none', 'auto', 'required']) : r === 1 && names.length ? { type: 'function', name: names[0] } : r === 2 ? { type: 'allowed_tools', mode: pick(['auto', 'required']), tools: names.slice(0, 1).map((name) => ({ type: 'function', name })) } : null;
    }
    if (maybe(0.4)) {
      const r = int(4);
      body.text = r === 0 ? { format: { type: 'text' } } : r === 1 ? { format: { type: 'json_object' } } : r === 2 ? { format: { type: 'json_schema', name: str(5) || 'n', schema: schema(), ...(maybe() ? { strict: maybe() } : {}) } } : { verbosity: 'high' };
    }
    if (maybe(0.3)) body.temperature = pick([0, -0, 0.5, 1e-7, 2, null]);
    if (maybe(0.3)) body.top_p = pick([0, -0, 1, 0.33, null]);
    if (maybe(0.3)) body.max_output_tokens = pick([1, 2147483647, 100, null]);
    if (maybe(0.3)) body.parallel_tool_calls = pick([true, false, null]);
    if (maybe(0.3)) body.reasoning = pick([{ effort: 'low' }, { summary: 'auto' }, { effort: 'high', summary: 'detailed' }, {}]);
    if (maybe(0.3)) {
      const m: Record<string, string> = {};
      for (let i = int(4); i > 0; i--) m[pick([str(5), '__proto__', '1', 'toJSON'])] = str();
      body.metadata = m;
    }
    if (maybe(0.3)) body.user = str();
    if (maybe(0.3)) body.prompt_cache_key = str();
    if (maybe(0.2)) body.include = ['reasoning.encrypted_content'];
    return body;
  };

  const answer = (): Gemini.GenerateContentResponse => {
    if (maybe(0.05)) return { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 } };
    const parts: Gemini.Part[] = [];
    for (let i = 1 + int(4); i > 0; i--) {
      const r = int(5);
      if (r === 0) parts.push({ text: str(30), thought: true });
      else if (r === 1) parts.push({ functionCall: { name: `f${int(3)}`, args: (jsonValue(1) ?? {}) as Json, ...(maybe() ? { id: str(5) } : {}) }, ...(maybe() ? { thoughtSignature: 'c2ln' } : {}) });
      else parts.push({ text: str(30), ...(maybe(0.2) ? { thoughtSignature: 'c2lnMg==' } : {}) });
    }
    const candidate: Gemini.Candidate = { content: { role: 'model', parts }, index: 0 };
    if (maybe(0.8)) candidate.finishReason = pick(['STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'OTHER'] as const);
    if (maybe(0.15)) candidate.groundingMetadata = { groundingChunks: [{ web: { uri: `https://e.org/${str(4)}`, title: str(5) } }], groundingSupports: [{ segment: { startIndex: 0, endIndex: 2 }, groundingChunkIndices: [0] }] };
    return { candidates: [candidate], usageMetadata: { promptTokenCount: int(100), candidatesTokenCount: int(50), totalTokenCount: 200 } };
  };
  return { request, answer };
}

/** A context with pinned ids, carrying the request's known tool list when given one. */
function context(req: ResponsesRequest, knownTools: ResponseContext['knownTools']): ResponseContext {
  let n = 0;
  return {
    id: 'resp_1', createdAt: 1_700_000_000, req, toolNames: toConversation(req).toolNames, knownTools,
    includeEncrypted: req.include?.includes('reasoning.encrypted_content') === true,
    mintId: (c) => `call_${c.signature ?? 'plain'}_${c.geminiId ?? ''}`,
    itemId: (p) => `${p}_${++n}`,
  };
}

/** The stream of an answer fed one part per Gemini event, as Gemini streams it. */
function streamed(ctx: ResponseContext, res: Gemini.GenerateContentResponse): string {
  const converter = new ResponsesStreamConverter(ctx);
  const utf8 = new TextEncoder();
  const candidate = res.candidates?.[0];
  const chunks: unknown[] = [];
  if (!candidate) chunks.push(res);
  else {
    const parts = candidate.content?.parts ?? [];
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      chunks.push({ candidates: [{ ...candidate, content: { role: 'model', parts: [part] }, ...(last ? {} : { finishReason: undefined, groundingMetadata: undefined }) }], ...(last ? { usageMetadata: res.usageMetadata } : {}) });
    });
  }
  let out = '';
  for (const chunk of chunks) out += converter.push(utf8.encode(`data: ${JSON.stringify(chunk)}\r\n\r\n`));
  return out + converter.end();
}

const parse = (body: Json) => parseResponsesRequest(JSON.parse(JSON.stringify(body)));
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('the JSON the Responses dialect writes itself, against JSON.stringify of the object path (seeded random cases)', () => {
  beforeAll(() => {
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_123_000);
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  it.each([1, 2, 3])('seed %i: 120 requests and answers, every byte the same, kept tool lists among them', (seed) => {
    const { request, answer } = cases(seed);
    let kept = 0;
    let answered = 0;
    for (let i = 0; i < 120; i++) {
      const body = request();
      let req: ResponsesRequest;
      try {
        req = parse(body);
      } catch {
        continue; // a generated request the validator refuses (e.g. an unknown tool_choice name)
      }
      const res = answer();

      // The Gemini body: kept forms (a list seen before) or per request, its written JSON exactly
      // JSON.stringify of the body, and the body what a per-request conversion makes.
      const gemini = toGeminiBody(req);
      const { conversation } = toConversation(parse(body));
      const perRequest = toGenerateContent({ ...conversation, tools: [...conversation.tools], keptTools: undefined });
      expect(JSON.stringify(gemini.body)).toBe(JSON.stringify(perRequest.body));
      const written = keptBodyJson(gemini.body);
      if (gemini.knownTools) {
        kept++;
        if (gemini.body.tools) expect(written?.text).toBe(JSON.stringify(gemini.body));
      } else expect(written).toBeUndefined();

      // The answer: the template with the echo (kept or per request) is JSON.stringify of the object.
      const text = toResponseJson(copy(res), context(req, gemini.knownTools));
      expect(text).toBe(JSON.stringify(toResponse(copy(res), context(parse(body), undefined))));

      // The stream: the same bytes whether the echo comes from the kept list or is made per request.
      const stream = streamed(context(parse(body), gemini.knownTools), copy(res));
      expect(stream).toBe(streamed(context(parse(body), undefined), copy(res)));
      const events = stream
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => JSON.parse(line.slice(6)) as { type: string; response?: Record<string, unknown> });
      // Both stream paths share the writer: what the stream echoes is checked against the object
      // path too (the non-streamed answer, itself JSON.stringify of responseObject above).
      // response.created carries the echo (every generated answer need not end well: some end in an error event).
      const created = events.find((e) => e.type === 'response.created')?.response;
      if (!created) throw new Error(`no response.created in: ${stream.slice(0, 300)}`);
      const whole = JSON.parse(text) as Record<string, unknown>;
      for (const field of ['model', 'instructions', 'tools', 'text', 'tool_choice', 'parallel_tool_calls', 'reasoning', 'temperature', 'top_p', 'max_output_tokens', 'metadata', 'truncation', 'store']) {
        expect(JSON.stringify(created[field])).toBe(JSON.stringify(whole[field]));
      }
      answered++;
    }
    // Most generated requests are valid: the checks above ran, not only the refusals.
    expect(answered).toBeGreaterThan(80);
    // The cases must exercise the kept path, not only the first sightings.
    expect(kept).toBeGreaterThan(30);
  });
});
