// Telling Gemini's answers from 200s that are not answers, before the client's status and headers
// are sent where that is possible. Gemini sometimes answers 200 with an empty body, a stream of
// zero events, events without the `data:` prefix, `candidates: []` and no promptFeedback, or a
// connection that drops. None of it is the key's fault nor the Worker's: it is labelled
// gemini_bad_answer (502), and the pool tries the next key through the same Worker.
//
// Streams: the answer's head waits (at most FIRST_EVENT_WAIT_MS) for Gemini's first event that
// says something: candidates, a prompt block, or an error. A bad answer or an error found by then
// gets a real status and the x-opengemini-fault header; one found later ends the stream with an
// SSE error event carrying the same code (the converter's job). The wait is short so that a slow
// thinking model still gets its headers, and its keep-alives, early.
import type { Gemini } from '@opengemini/shared';
import { ApiError } from '../errors';
import { SseParser } from '../sse';
import { badAnswer, parseJson, readText } from './client';
import { classifyGeminiError } from './errors';

/** How long a stream's head waits for Gemini's first event, in ms. */
export const FIRST_EVENT_WAIT_MS = 2000;
/** Bytes looked at before giving up waiting for a telling event (the converter takes it from there). */
const MAX_PEEK_BYTES = 1024 * 1024;

type Event = Gemini.GenerateContentResponse & { error?: Gemini.GeminiErrorStatus };

const isAnswer = (r: Event): boolean => (Array.isArray(r.candidates) && r.candidates.length > 0) || r.promptFeedback !== undefined;

/** A generateContent body that is an answer: candidates, or a promptFeedback saying why not. */
export async function readAnswer(res: Response): Promise<Gemini.GenerateContentResponse> {
  return (await readAnswerText(res)).body;
}

/** readAnswer, keeping the text as Gemini sent it (the native passthrough relays it as is). */
export async function readAnswerText(res: Response): Promise<{ text: string; body: Gemini.GenerateContentResponse }> {
  const text = await readText(res);
  const body = parseJson<Event>(text, res.status);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badAnswer('Gemini returned a JSON body that is not an answer');
  if (!isAnswer(body)) throw badAnswer('Gemini answered without candidates or a reason for having none');
  return { text, body };
}

/** What one event says about the stream: 'answer' to stop waiting, 'nothing' to keep going. */
function judge(data: string): 'answer' | 'nothing' {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    throw badAnswer('Gemini sent a stream event that is not JSON');
  }
  if (!event || typeof event !== 'object' || Array.isArray(event)) throw badAnswer('Gemini sent a stream event that is not a JSON object');
  const e = event as Event;
  if (e.error !== undefined) throw classifyGeminiError(typeof e.error?.code === 'number' ? e.error.code : 500, e);
  return isAnswer(e) ? 'answer' : 'nothing';
}

type Read = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>;
const TIMED_OUT = Symbol('timed out');

function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  if (ms <= 0) return Promise.resolve(TIMED_OUT);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Waits for the first telling event of a Gemini SSE body, and returns a body that replays
 * everything read so far and then carries on. Throws (before any header is sent) when the stream
 * ends or breaks without an answer, sends garbage, or opens with an error event.
 */
export async function confirmStream(body: ReadableStream<Uint8Array>, waitMs = FIRST_EVENT_WAIT_MS): Promise<ReadableStream<Uint8Array>> {
  const reader = body.getReader();
  const parser = new SseParser();
  const seen: Uint8Array[] = [];
  let bytes = 0;
  let events = 0;
  let pending: Promise<Read> | undefined;
  const deadline = Date.now() + waitMs;
  try {
    for (;;) {
      pending = reader.read();
      const read = await within(pending, deadline - Date.now());
      if (read === TIMED_OUT) break; // slow to start, not wrong: its read is handed on
      pending = undefined;
      if (read.done) {
        const last = parser.end();
        for (const data of last) if (judge(data) === 'answer') return replay(reader, seen, undefined);
        events += last.length;
        if (bytes === 0) throw badAnswer('Gemini answered 200 with an empty stream');
        throw badAnswer(events === 0 ? 'Gemini sent a stream without data: events' : 'Gemini sent a stream without candidates');
      }
      seen.push(read.value);
      bytes += read.value.byteLength;
      const found = parser.push(read.value);
      events += found.length;
      for (const data of found) if (judge(data) === 'answer') return replay(reader, seen, undefined);
      if (bytes > MAX_PEEK_BYTES) break;
    }
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    if (err instanceof ApiError) throw err;
    throw badAnswer("Gemini's connection broke off before its first event", err);
  }
  return replay(reader, seen, pending);
}

/** The chunks already read, then a read already under way, then the rest of the body. */
function replay(reader: ReadableStreamDefaultReader<Uint8Array>, seen: Uint8Array[], pending: Promise<Read> | undefined): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const head = seen.shift();
        if (head) return controller.enqueue(head);
        const read = await (pending ?? reader.read());
        pending = undefined;
        if (read.done) controller.close();
        else controller.enqueue(read.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
