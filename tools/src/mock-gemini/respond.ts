// Writing one answer: the head (recorded for assertions) and a JSON body, and Google's error
// bodies, optionally wrapped in an array as some Google front ends (and the JSON-array stream)
// do.
import type { ServerResponse } from 'node:http';
import type { GeminiError } from './errors';
import type { RecordedRequest } from './types';

/** One request being answered. */
export interface Exchange {
  res: ServerResponse;
  record: RecordedRequest;
  url: URL;
  /** Aborted when the mock closes. */
  signal: AbortSignal;
}

const JSON_TYPE = 'application/json; charset=UTF-8';

/** Writes the status line and headers, and records the status. */
export function writeHead(ex: Exchange, status: number, headers: Record<string, string>): void {
  ex.record.status = status;
  ex.res.writeHead(status, { server: 'scaffolding on HTTPServer2', 'x-content-type-options': 'nosniff', ...headers });
}

/** Sends a body: objects as pretty JSON (as Google does), strings verbatim. */
export function sendBody(ex: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  writeHead(ex, status, { 'content-type': JSON_TYPE, ...headers });
  ex.res.end(text);
}

/** The head and the first half of a JSON body, then a dead socket: a connection lost mid-answer. */
export function sendHalfThenDrop(ex: Exchange, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body, null, 2));
  writeHead(ex, 200, { 'content-type': JSON_TYPE, 'content-length': String(text.length) });
  ex.res.write(text.subarray(0, text.length >> 1), () => ex.res.socket?.destroy());
}

/** True for streamGenerateContent without alt=sse: its errors come as `[{"error": ...}]`. */
export const isJsonArrayStream = (ex: Exchange): boolean =>
  ex.record.action === 'streamGenerateContent' && ex.url.searchParams.get('alt') !== 'sse';

export function sendError(ex: Exchange, err: GeminiError, wrapInArray = false): void {
  sendBody(ex, err.status, wrapInArray || isJsonArrayStream(ex) ? [err.body] : err.body);
}
