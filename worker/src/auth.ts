// Who may use this Worker, and with which Gemini key.
import { ApiError } from './errors';

export const SECRET_HEADER = 'x-opengemini-secret';

/**
 * The Gemini key of a request: `Authorization: Bearer KEY`, `x-goog-api-key: KEY`, `x-api-key: KEY`
 * (what Anthropic clients send: Claude Code's ANTHROPIC_API_KEY) or `?key=KEY`.
 * A Bearer value may list several keys separated by commas; one is picked at random per request
 * (handy for people who use the Worker without the pool). With WORKER_SECRET set, the Bearer
 * value may also be `SECRET:KEY` for clients that cannot send custom headers.
 */
export function extractKey(request: Request, url: URL, secret: string | undefined): { key: string; secretOk: boolean } {
  let secretOk = !secret || timingSafeEqual(request.headers.get(SECRET_HEADER) ?? '', secret);
  let raw = '';
  const auth = request.headers.get('authorization');
  if (auth && /^bearer\s+/i.test(auth)) raw = auth.replace(/^bearer\s+/i, '').trim();
  raw ||= request.headers.get('x-goog-api-key')?.trim() ?? request.headers.get('x-api-key')?.trim() ?? url.searchParams.get('key')?.trim() ?? '';
  if (secret && !secretOk && raw.startsWith(`${secret}:`)) {
    secretOk = true;
    raw = raw.slice(secret.length + 1);
  }
  const keys = raw.split(',').map((k) => k.trim()).filter(Boolean);
  const key = keys.length > 1 ? keys[Math.floor(Math.random() * keys.length)]! : (keys[0] ?? '');
  return { key, secretOk };
}

export function missingKey(): ApiError {
  return new ApiError(
    { kind: 'client', reason: 'missing_key' },
    'No Gemini API key: send it as "Authorization: Bearer <key>" (or x-api-key, x-goog-api-key, or ?key= on native paths).',
  );
}

export function badSecret(): ApiError {
  return new ApiError(
    { kind: 'upstream', reason: 'worker_auth' },
    `This Worker requires its secret in the ${SECRET_HEADER} header (WORKER_SECRET is set).`,
  );
}

/** Compares without an early exit, so timing does not reveal how much of the secret matched. */
export function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a.charCodeAt(i % (a.length || 1)) || 0) ^ b.charCodeAt(i);
  return diff === 0;
}
