// Reading a client's body: bounded by MAX_REQUEST_BYTES, the one body limit of both tiers
// (@opengemini/shared limits.ts), refused before a byte is read when Content-Length says it is
// larger, and cut off at the limit when there is no length to go by; errors say what is wrong.
import { MAX_REQUEST_BYTES } from '@opengemini/shared';
import { ApiError, badRequest } from './errors';
import { readCapped } from './read-capped';

/** The body as bytes, at most `maxBytes` of them; 413 otherwise, before reading where it can. */
export async function readBodyBytes(request: Request, maxBytes = MAX_REQUEST_BYTES): Promise<Uint8Array> {
  if (Number(request.headers.get('content-length')) > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readCapped(request.body, maxBytes);
  if (!bytes) throw tooLarge(maxBytes);
  return bytes;
}

export async function readJsonBody(request: Request, maxBytes = MAX_REQUEST_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > maxBytes) throw tooLarge(maxBytes);
  // Length known and within bounds (both runtimes hold a body to its content-length): the
  // runtime's own decoder is the fastest path in workerd and in Node. Otherwise, read capped.
  const text = declared > 0 && !request.headers.has('content-encoding') ? await request.text() : new TextDecoder().decode(await readBodyBytes(request, maxBytes));
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
  return new ApiError({ kind: 'client', reason: 'too_large' }, `The request body is larger than ${maxBytes / 1024 / 1024} MiB, the most this server reads.`);
}
