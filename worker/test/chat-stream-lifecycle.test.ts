import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StreamContext } from '../src/dialects/openai-chat/stream';
import { convertChat } from './support/chat-stream';

// Timers, cancellation, upstream failures and backpressure of a dialect's stream (convertSse).
const utf8 = new TextEncoder();
const text = new TextDecoder();

const ctx = (extra: Partial<StreamContext> = {}): StreamContext => ({ id: 'c', created: 1, model: 'm', includeUsage: false, toolCallId: () => 'call_x', ...extra });
const event = (body: object) => utf8.encode(`data: ${JSON.stringify(body)}\r\n\r\n`);
const TEXT = event({ candidates: [{ content: { parts: [{ text: 'hi' }], role: 'model' } }] });
const STOP = event({ candidates: [{ content: { parts: [{ text: '.' }], role: 'model' }, finishReason: 'STOP' }] });

/** A Gemini body the test writes into by hand, recording whether it was cancelled. */
function manualSource() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const cancelled = vi.fn();
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel: cancelled,
  });
  return { stream, controller, cancelled };
}

/** Reads until the output contains `want` (one Gemini chunk may give one or several reads). */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, want: string): Promise<string> {
  let out = '';
  while (!out.includes(want)) {
    const { value, done } = await reader.read();
    if (done) break;
    out += text.decode(value);
  }
  return out;
}

async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  let out = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return out;
    out += text.decode(value);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('keep-alive', () => {
  it('sends ": keep-alive" after 15 s of silence by default, then every 15 s', async () => {
    vi.useFakeTimers();
    const src = manualSource();
    const reader = convertChat(src.stream, ctx()).getReader();
    const first = reader.read();
    await vi.advanceTimersByTimeAsync(14_999);
    let settled = false;
    void first.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(text.decode((await first).value)).toBe(': keep-alive\n\n');
    await vi.advanceTimersByTimeAsync(15_000);
    expect(text.decode((await reader.read()).value)).toBe(': keep-alive\n\n');
    await reader.cancel();
  });

  it('counts silence from the last output: data resets the clock', async () => {
    vi.useFakeTimers();
    const src = manualSource();
    const reader = convertChat(src.stream, ctx({ keepAliveMs: 1_000 })).getReader();
    await vi.advanceTimersByTimeAsync(800);
    src.controller.enqueue(TEXT);
    expect(await readUntil(reader, '"content":"hi"')).toContain('"role":"assistant"');
    const next = reader.read();
    await vi.advanceTimersByTimeAsync(999); // 1799 ms since start, 999 since the data
    let got: string | undefined;
    void next.then((r) => (got = text.decode(r.value)));
    await Promise.resolve();
    expect(got).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await next;
    expect(got).toBe(': keep-alive\n\n');
    await reader.cancel();
  });

  it('starts no timer when keepAliveMs and silenceLimitMs are 0', () => {
    vi.useFakeTimers();
    const before = vi.getTimerCount();
    convertChat(manualSource().stream, ctx({ keepAliveMs: 0, silenceLimitMs: 0 }));
    expect(vi.getTimerCount()).toBe(before);
  });

  it('clears its timer when the stream ends', async () => {
    vi.useFakeTimers();
    const src = manualSource();
    const reader = convertChat(src.stream, ctx()).getReader();
    expect(vi.getTimerCount()).toBe(1);
    src.controller.enqueue(STOP);
    src.controller.close();
    expect(await readAll(reader)).toContain('data: [DONE]');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('cancellation and upstream failures', () => {
  it('cancels the Gemini body and stops the timer when the client cancels', async () => {
    vi.useFakeTimers();
    const src = manualSource();
    const reader = convertChat(src.stream, ctx()).getReader();
    src.controller.enqueue(TEXT);
    await readUntil(reader, '"content":"hi"');
    await reader.cancel(new Error('client went away'));
    await vi.advanceTimersByTimeAsync(0);
    expect(src.cancelled).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('turns a Gemini body that errors mid-stream into a gemini_bad_answer error event (not the Worker\'s fault) and closes cleanly', async () => {
    const src = manualSource();
    const reader = convertChat(src.stream, ctx()).getReader();
    src.controller.enqueue(TEXT);
    const before = await readUntil(reader, '"content":"hi"');
    src.controller.error(new TypeError('Network connection lost.'));
    const out = before + (await readAll(reader)); // resolves: the readable closes, it does not error
    const frames = out.trim().split('\n\n');
    expect(frames[1]).toContain('"content":"hi"');
    expect(JSON.parse(frames[2]!.slice(6))).toEqual({
      error: { message: 'The Gemini stream broke off: Network connection lost.', type: 'server_error', param: null, code: 'gemini_bad_answer' },
    });
    expect(frames).toHaveLength(3);
  });

  it('stops reading Gemini after relaying an error event', async () => {
    const src = manualSource();
    const reader = convertChat(src.stream, ctx({ keepAliveMs: 0 })).getReader();
    src.controller.enqueue(event({ error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } }));
    expect(await readAll(reader)).toContain('"code":"gemini_internal"');
    await new Promise((r) => setTimeout(r, 0));
    expect(src.cancelled).toHaveBeenCalledTimes(1);
  });

  it('ends the stream with a worker_fault error event if the conversion itself throws', async () => {
    const src = manualSource();
    const boom = () => {
      throw new Error('minting failed');
    };
    const reader = convertChat(src.stream, ctx({ keepAliveMs: 0, toolCallId: boom })).getReader();
    src.controller.enqueue(event({ candidates: [{ content: { parts: [{ functionCall: { name: 'f' } }], role: 'model' } }] }));
    const out = await readAll(reader);
    expect(out.trim().split('\n\n').map((f) => JSON.parse(f.slice(6)))).toEqual([
      { error: { message: 'Internal error in the OpenGemini Worker: minting failed', type: 'server_error', param: null, code: 'upstream_worker_fault' } },
    ]);
    await new Promise((r) => setTimeout(r, 0));
    expect(src.cancelled).toHaveBeenCalledTimes(1);
  });

  it('reads Gemini only while the client reads (backpressure)', async () => {
    let pulls = 0;
    const gemini = new ReadableStream<Uint8Array>({ pull: (c) => void (pulls++, c.enqueue(TEXT)) }, { highWaterMark: 0 });
    const reader = convertChat(gemini, ctx({ keepAliveMs: 0, silenceLimitMs: 0 })).getReader();
    await new Promise((r) => setTimeout(r, 5));
    expect(pulls).toBe(0);
    expect(await readUntil(reader, '"content":"hi"')).toContain('"content":"hi"');
    const read = pulls;
    await new Promise((r) => setTimeout(r, 5));
    expect(pulls).toBe(read);
    await reader.cancel();
  });
});

describe('silence limit', () => {
  it('ends a stream whose Gemini side went silent (keep-alives alone) with an error event, and cancels Gemini', async () => {
    vi.useFakeTimers();
    const src = manualSource();
    const reader = convertChat(src.stream, ctx({ keepAliveMs: 1000, silenceLimitMs: 5000 })).getReader();
    src.controller.enqueue(TEXT);
    const all = readAll(reader);
    await vi.advanceTimersByTimeAsync(4_900);
    expect(src.cancelled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(200);
    const out = await all;
    expect(out.match(/: keep-alive/g)?.length).toBeGreaterThanOrEqual(3);
    const last = JSON.parse(out.trim().split('\n\n').at(-1)!.slice('data: '.length));
    expect(last.error.code).toBe('gemini_deadline');
    expect(out).not.toContain('[DONE]');
    expect(src.cancelled).toHaveBeenCalled();
  });

  it('does not fire while Gemini keeps sending, however long the stream', async () => {
    vi.useFakeTimers();
    const src = manualSource();
    const reader = convertChat(src.stream, ctx({ keepAliveMs: 0, silenceLimitMs: 5000 })).getReader();
    const all = readAll(reader);
    for (let i = 0; i < 10; i++) {
      src.controller.enqueue(TEXT);
      await vi.advanceTimersByTimeAsync(4_000);
    }
    src.controller.enqueue(STOP);
    src.controller.close();
    const out = await all;
    expect(out).not.toContain('error');
    expect(out.trim().endsWith('data: [DONE]')).toBe(true);
  });
});
