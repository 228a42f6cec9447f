// Reading a client's JSON body: bounded in size, with errors that say what is wrong.
import { ApiError, badRequest } from './errors';
import { readCapped } from './read-capped';

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
  } else {
    const bytes = await readCapped(request.body, maxBytes);
    if (!bytes) throw tooLarge(maxBytes);
    text = new TextDecoder().decode(bytes);
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

function tooLarge(maxBytes: number): ApiError {
  return new ApiError({ kind: 'client', reason: 'too_large' }, `The request body is larger than ${maxBytes / 1024 / 1024} MiB.`);
}
