// Test helpers for talking to the mock over a real socket (fetch is undici's).

export const KEY = `AIza${'Test'.repeat(8)}abc`; // 39 chars: shaped like a real key
export const OTHER_KEY = `AIza${'Othr'.repeat(8)}xyz`;

export const userTurn = (text: string) => ({ role: 'user', parts: [{ text }] });
export const simpleRequest = { contents: [userTurn('hello there')] };

export function post(base: string, path: string, body: unknown, init: { key?: string | null; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  const key = init.key === undefined ? KEY : init.key;
  if (key !== null) headers['x-goog-api-key'] = key;
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(init.signal && { signal: init.signal }),
  });
}

export function get(base: string, path: string, key: string | null = KEY): Promise<Response> {
  return fetch(`${base}${path}`, { headers: key === null ? {} : { 'x-goog-api-key': key } });
}

/** Reads a body chunk by chunk, as the network delivered it. */
export async function readChunks(res: Response): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const reader = res.body?.getReader();
  if (!reader) return chunks;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

export const joinText = (chunks: readonly Uint8Array[]): string => Buffer.concat(chunks.map((c) => Buffer.from(c))).toString('utf8');

/** The JSON payloads of an SSE body framed with `framing`. */
export function sseEvents(text: string, framing = '\r\n\r\n'): unknown[] {
  return text
    .split(framing)
    .filter((e) => e !== '')
    .map((e) => {
      if (!e.startsWith('data: ')) throw new Error(`not an SSE data event: ${JSON.stringify(e)}`);
      return JSON.parse(e.slice('data: '.length)) as unknown;
    });
}
