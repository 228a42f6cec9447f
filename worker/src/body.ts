// Reading a client's JSON body: bounded in size, with errors that say what is wrong.
import { ApiError, badRequest } from './errors';

/** 32 MiB: room for a few inline images or a PDF; Gemini's own inline limit is 20 MB. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export async function readJsonBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > maxBytes) throw tooLarge(maxBytes);
  let text: string;
  if (declared > 0 && !request.headers.has('content-encoding')) {
    // Length known and within bounds (the runtime enforces content-length): the runtime's own
    // decoder is the fastest path in workerd and in Node.
    text = await request.text();
  } else if (request.body) {
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
    text = decodeUtf8(chunks, total);
  } else {
    text = '';
  }
  if (!text.trim()) throw badRequest('The request body is empty; expected a JSON object.');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw badRequest(`The request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request body must be a JSON object.');
  return body;
}

function decodeUtf8(chunks: Uint8Array[], total: number): string {
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0]);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError({ kind: 'client', reason: 'too_large' }, `The request body is larger than ${maxBytes / 1024 / 1024} MiB.`);
}
