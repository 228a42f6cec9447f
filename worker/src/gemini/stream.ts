// Gemini `streamGenerateContent?alt=sse` bytes -> neutral stream events, for every dialect.
//
// What a dialect's stream encoder receives, in order:
//   start                    once, before anything else of the answer (with the first usage seen)
//   text / calls / finish    per candidate, as Gemini sends them; neighbours of one kind in one
//                            Gemini event are merged (gemini/parts.ts); nothing after a finish
//   blocked                  the prompt was blocked (an event without candidates): candidate 0
//                            is over
//   end                      Gemini's body ended and every candidate finished; the last usage
//   error                    and nothing after it, for:
//     - an `{"error":...}` event from Gemini: classified as any Gemini error (errors.ts);
//     - an event larger than 16 MiB: gemini_internal;
//     - a 200 that is not an answer (gemini_bad_answer: Gemini's fault, never the key's or the
//       Worker's): an event that is not JSON, a body without candidates, a body ending before
//       every candidate has a finishReason or in the middle of an event, or failing (Gemini's
//       connection lost). A cut must never look like a normal end. Most of these are caught
//       before the client's head is sent, with a status and header (answer.ts);
//     - Gemini silent for too long (silence()), or a bug of ours (abort()).
//
// Nearly every event is read by the scanner (stream-scan.ts) without JSON.parse; the rest by
// JSON.parse and readParts. Both give the same events.
import type { Gemini } from '@opengemini/shared';
import { ApiError } from '../errors';
import { SseEventTooLargeError, SseParser } from '../sse';
import { classifyGeminiError } from './errors';
import { CallAllowance, type OutputCall, blockedPromptMessage, readParts } from './parts';
import { scanEvent } from './stream-scan';

/** A 200 from Gemini that is not an answer: Gemini's fault, not the key's nor the Worker's. */
const BAD_ANSWER = { kind: 'gemini', reason: 'bad_answer' } as const;

export type StreamEvent =
  | { type: 'start'; usage: Gemini.UsageMetadata | undefined }
  | TextEvent
  | { type: 'calls'; candidate: number; calls: OutputCall[] }
  | { type: 'finish'; candidate: number; reason: string }
  | { type: 'blocked'; candidate: 0; message: string }
  | { type: 'end'; usage: Gemini.UsageMetadata | undefined }
  | { type: 'error'; error: ApiError };

export interface TextEvent {
  type: 'text';
  candidate: number;
  /** A thought summary rather than answer text. */
  thought: boolean;
  /**
   * The text as JSON.stringify writes it, ready to be spliced into a dialect's JSON; '""' when
   * the event only carries a signature. The text itself is not decoded (that would cost a
   * JSON.parse per event): a dialect that needs it whole can join the pieces' insides
   * (json.slice(1, -1)) and parse once, at the end.
   */
  json: string;
  signature?: string | undefined;
  /** Gemini's logprobs for this candidate's event, on its first answer text. */
  logprobs?: Gemini.LogprobsResult | undefined;
}

export interface ReaderOptions {
  /** Read events with the scanner (stream-scan.ts) rather than JSON.parse; tests compare both
   * paths. Default true. */
  scan?: boolean;
  /** The client asked for one function call per turn: each answer's first call only (CallAllowance). */
  oneCallPerTurn?: boolean;
}

export class GeminiStreamReader {
  private readonly parser = new SseParser();
  private readonly scan: boolean;
  /** Candidates seen: whether each has finished. */
  private readonly candidates = new Map<number, boolean>();
  /** Per candidate, when the client asked for one call per turn. */
  private readonly allowances: Map<number, CallAllowance> | undefined;
  private started = false;
  private finished = false;
  /** The last usageMetadata: raw JSON when the scanner read it (parsed only when needed). */
  private usage: Gemini.UsageMetadata | string | undefined;

  constructor(options: ReaderOptions = {}) {
    this.scan = options.scan ?? true;
    this.allowances = options.oneCallPerTurn ? new Map() : undefined;
  }

  /** True once `end` or `error` was produced, or after abandon(). */
  get done(): boolean {
    return this.finished;
  }

  /** The client left: produce nothing more. */
  abandon(): void {
    this.finished = true;
  }

  /** Feeds Gemini bytes; returns the events they complete (often none). */
  push(bytes: Uint8Array): StreamEvent[] {
    if (this.finished) return [];
    let data: string[];
    try {
      data = this.parser.push(bytes);
    } catch (err) {
      return [this.parseFailure(err)];
    }
    return this.events(data, false);
  }

  /** Gemini's body ended: the last events, then `end`, or an error if the answer was cut. */
  end(): StreamEvent[] {
    if (this.finished) return [];
    let data: string[];
    try {
      data = this.parser.end();
    } catch (err) {
      return [this.parseFailure(err)];
    }
    const out = this.events(data, true);
    if (this.finished) return out;
    let complete = this.candidates.size > 0;
    for (const finished of this.candidates.values()) complete &&= finished;
    if (!complete) {
      const why = this.candidates.size === 0 ? 'The Gemini stream ended without an answer (no candidates)' : 'The Gemini stream ended before the answer was complete (no finishReason)';
      out.push(this.error(new ApiError(BAD_ANSWER, why)));
      return out;
    }
    this.finished = true;
    out.push({ type: 'end', usage: this.currentUsage() });
    return out;
  }

  /** Gemini's body failed (connection lost). */
  fail(reason: unknown): StreamEvent[] {
    if (this.finished) return [];
    const detail = reason instanceof Error ? reason.message : String(reason);
    return [this.error(new ApiError(BAD_ANSWER, `The Gemini stream broke off: ${detail}`, { cause: reason }))];
  }

  /** Gemini sent nothing for `ms`: the stream is abandoned. */
  silence(ms: number): StreamEvent[] {
    if (this.finished) return [];
    return [this.error(new ApiError({ kind: 'gemini', reason: 'deadline' }, `Gemini sent nothing for ${Math.round(ms / 1000)} s; the stream was ended`))];
  }

  /** Ends the stream with this error (a bug of ours, say). */
  abort(err: ApiError): StreamEvent[] {
    if (this.finished) return [];
    return [this.error(err)];
  }

  private events(data: string[], atEnd: boolean): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (const d of data) {
      this.event(d, atEnd, out);
      if (this.finished) break;
    }
    return out;
  }

  /** `atEnd`: the event was still open when the body ended, so a parse failure is a cut. */
  private event(data: string, atEnd: boolean, out: StreamEvent[]): void {
    const scanned = this.scan ? scanEvent(data) : null;
    if (scanned !== null) {
      if (scanned.usage !== undefined) this.usage = scanned.usage;
      if (!this.open(scanned.candidate, out)) return;
      if (scanned.json !== '""' || scanned.signature !== undefined) {
        const ev: TextEvent = { type: 'text', candidate: scanned.candidate, thought: scanned.thought, json: scanned.json };
        if (scanned.signature !== undefined) ev.signature = scanned.signature;
        out.push(ev);
      }
      if (scanned.finishReason !== undefined) this.finish(scanned.candidate, scanned.finishReason, out);
      return;
    }

    let res: (Gemini.GenerateContentResponse & { error?: Gemini.GeminiErrorStatus }) | null;
    try {
      res = JSON.parse(data);
    } catch {
      res = null;
    }
    if (!res || typeof res !== 'object' || Array.isArray(res)) {
      if (atEnd) out.push(this.error(new ApiError(BAD_ANSWER, 'The Gemini stream ended in the middle of an event')));
      else out.push(this.error(new ApiError(BAD_ANSWER, 'Gemini sent a stream event that is not a JSON object')));
      return;
    }
    if (res.error !== undefined) {
      const code = typeof res.error?.code === 'number' ? res.error.code : 500;
      out.push(this.error(classifyGeminiError(code, res)));
      return;
    }
    if (res.usageMetadata) this.usage = res.usageMetadata;
    const candidates = Array.isArray(res.candidates) ? res.candidates : [];
    if (candidates.length === 0) {
      const message = blockedPromptMessage(res.promptFeedback);
      // Without candidates or a block reason the event only carries metadata: nothing to send.
      if (message === null || !this.open(0, out)) return;
      this.candidates.set(0, true);
      out.push({ type: 'blocked', candidate: 0, message });
      return;
    }
    for (let i = 0; i < candidates.length; i++) {
      const cand = candidates[i];
      if (!cand || typeof cand !== 'object') continue;
      this.candidate(cand, typeof cand.index === 'number' ? cand.index : i, out);
    }
  }

  private allowance(index: number): CallAllowance {
    let allowance = this.allowances!.get(index);
    if (!allowance) this.allowances!.set(index, (allowance = new CallAllowance(true)));
    return allowance;
  }

  private candidate(cand: Gemini.Candidate, index: number, out: StreamEvent[]): void {
    if (!this.open(index, out)) return;
    let logprobs = cand.logprobsResult;
    for (const seg of readParts(cand.content?.parts)) {
      if (seg.kind === 'calls') {
        const calls = this.allowances ? this.allowance(index).take(seg.calls) : seg.calls;
        if (calls.length > 0) out.push({ type: 'calls', candidate: index, calls });
        continue;
      }
      const ev: TextEvent = { type: 'text', candidate: index, thought: seg.kind === 'thought', json: JSON.stringify(seg.text) };
      if (seg.signature !== undefined) ev.signature = seg.signature;
      if (logprobs && seg.kind === 'text' && seg.text !== '') {
        ev.logprobs = logprobs;
        logprobs = undefined;
      }
      out.push(ev);
    }
    if (cand.finishReason !== undefined) this.finish(index, cand.finishReason, out);
  }

  /**
   * Whether events of this candidate may be sent: it is a sane index (candidateCount is at most
   * 8; anything else is garbage) and has not finished. Sends `start` before the first of all.
   */
  private open(index: number, out: StreamEvent[]): boolean {
    const finished = this.candidates.get(index);
    if (finished === undefined) {
      if (!Number.isInteger(index) || index < 0 || index > 1000) return false;
      this.candidates.set(index, false);
    } else if (finished) {
      return false;
    }
    if (!this.started) {
      this.started = true;
      out.push({ type: 'start', usage: this.currentUsage() });
    }
    return true;
  }

  private finish(index: number, reason: string, out: StreamEvent[]): void {
    this.candidates.set(index, true);
    out.push({ type: 'finish', candidate: index, reason });
  }

  private currentUsage(): Gemini.UsageMetadata | undefined {
    if (typeof this.usage === 'string') this.usage = JSON.parse(this.usage) as Gemini.UsageMetadata;
    return this.usage;
  }

  private parseFailure(err: unknown): StreamEvent {
    const message = err instanceof SseEventTooLargeError ? `Gemini sent a stream event larger than ${err.limit} characters` : 'Gemini sent an unreadable stream';
    return this.error(new ApiError({ kind: 'gemini', reason: 'internal' }, message, { cause: err }));
  }

  private error(error: ApiError): StreamEvent {
    this.finished = true;
    return { type: 'error', error };
  }
}
