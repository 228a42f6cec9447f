// Gemini's error bodies -> the tier contract. Reads Google's structured details (QuotaFailure,
// RetryInfo, ErrorInfo) first and falls back to the canonical status and, only for cases Google
// gives no structure for (leaked keys, region blocks), to its fixed wording.
import { type Fault, type Gemini, type QuotaReason, nextPacificMidnight, parseDuration, scrubKeys } from '@opengemini/shared';
import { ApiError } from '../errors';

type Detail = Gemini.GeminiErrorDetail & Record<string, unknown>;

/** Unwraps `{"error":{...}}` and the array-wrapped `[{"error":{...}}]` some front ends send. */
export function geminiErrorStatus(body: unknown): Gemini.GeminiErrorStatus | undefined {
  const first = Array.isArray(body) ? body[0] : body;
  const error = (first as { error?: unknown } | null | undefined)?.error;
  return error && typeof error === 'object' ? (error as Gemini.GeminiErrorStatus) : undefined;
}

function detailsOf(status: Gemini.GeminiErrorStatus | undefined, type: string): Detail[] {
  const details = Array.isArray(status?.details) ? (status.details as Detail[]) : [];
  return details.filter((d) => typeof d?.['@type'] === 'string' && d['@type'].endsWith(type));
}

/** The quota kind from QuotaFailure quotaIds; per-day wins over per-minute (it lasts longer). */
export function quotaReason(quotaIds: string[]): QuotaReason {
  if (quotaIds.some((id) => /PerDay/i.test(id))) return 'per_day';
  if (quotaIds.some((id) => /Token/i.test(id) && /PerMinute/i.test(id))) return 'tokens_per_minute';
  if (quotaIds.some((id) => /PerMinute/i.test(id))) return 'per_minute';
  return 'unknown';
}

/** Classifies a Gemini error into a contract fault (pure; exported for table tests). */
export function geminiFault(httpStatus: number, status: Gemini.GeminiErrorStatus | undefined, now = Date.now()): Fault {
  const canonical = status?.status ?? '';
  const message = status?.message ?? '';
  const reasons = detailsOf(status, 'google.rpc.ErrorInfo').map((d) => String(d.reason ?? ''));

  if (httpStatus === 429 || canonical === 'RESOURCE_EXHAUSTED') {
    const quotaIds = detailsOf(status, 'google.rpc.QuotaFailure').flatMap((d) =>
      Array.isArray(d.violations) ? d.violations.map((v: { quotaId?: unknown }) => String(v?.quotaId ?? '')) : [],
    );
    const f: Fault = { kind: 'quota', reason: quotaReason(quotaIds) };
    const delay = detailsOf(status, 'google.rpc.RetryInfo').map((d) => parseDuration(d.retryDelay)).find((ms) => ms !== undefined);
    if (delay !== undefined) f.retryAfterMs = delay;
    // A daily quota resets at midnight Pacific time, whatever RetryInfo says (often "0s", which
    // would send clients straight back into the same 429).
    if (f.reason === 'per_day') f.retryAfterMs = Math.max(delay ?? 0, nextPacificMidnight(now) - now);
    const id = quotaIds.find((q) => q);
    if (id) f.quotaId = id;
    return f;
  }
  if (reasons.includes('API_KEY_INVALID') || /API key not valid/i.test(message)) return { kind: 'key', reason: 'invalid' };
  if (reasons.includes('API_KEY_EXPIRED') || /API key expired/i.test(message)) return { kind: 'key', reason: 'expired' };
  if (/location is not supported|not available in your country/i.test(message)) return { kind: 'upstream', reason: 'region_blocked' };
  if (httpStatus === 401 || canonical === 'UNAUTHENTICATED') return { kind: 'key', reason: 'invalid' };
  if (httpStatus === 403 || canonical === 'PERMISSION_DENIED') {
    if (/unregistered callers/i.test(message)) return { kind: 'client', reason: 'missing_key' };
    if (/leaked/i.test(message)) return { kind: 'key', reason: 'leaked' };
    if (reasons.includes('CONSUMER_SUSPENDED') || /suspended/i.test(message)) return { kind: 'key', reason: 'suspended' };
    // A request naming something another project owns (an uploaded file, a cached content, a
    // tuned model) is denied for that request, not for the key: disabling keys over it would
    // let one bad request kill every good key in turn.
    if (/\b(files?|cached ?contents?|tuned ?models?|corpora|corpus)\b/i.test(message)) return { kind: 'client', reason: 'bad_request' };
    return { kind: 'key', reason: 'permission_denied' };
  }
  if (httpStatus === 404 || canonical === 'NOT_FOUND') return { kind: 'client', reason: 'not_found' };
  if (httpStatus === 413) return { kind: 'client', reason: 'too_large' };
  if (httpStatus === 503 || canonical === 'UNAVAILABLE') return { kind: 'gemini', reason: 'unavailable' };
  if (httpStatus === 504 || canonical === 'DEADLINE_EXCEEDED') return { kind: 'gemini', reason: 'deadline' };
  if (httpStatus >= 500) return { kind: 'gemini', reason: 'internal' };
  return { kind: 'client', reason: 'bad_request' };
}

/** The request field a Gemini 400 is about, in the client's terms where we can tell. */
function paramFor(f: Fault, message: string): string | null {
  if (f.kind === 'client' && f.reason === 'not_found' && /models\//.test(message)) return 'model';
  return null;
}

/** Turns a Gemini error (status + parsed body, or undefined for an unreadable body) into an ApiError. */
export function classifyGeminiError(httpStatus: number, body: unknown): ApiError {
  const status = geminiErrorStatus(body);
  const f = geminiFault(httpStatus, status);
  // Scrub before cutting: a cut through a key would leave a piece the pattern no longer matches.
  const message = status?.message ? scrubKeys(status.message) : typeof body === 'string' && body ? scrubKeys(body).slice(0, 500) : `Gemini answered HTTP ${httpStatus}`;
  const err = new ApiError(f, message, { param: paramFor(f, message) });
  return f.kind === 'client' && f.reason === 'bad_request' && httpStatus === 403 ? new ApiError(f, message, { status: 403 }) : err;
}

/** Reads a failed Gemini response's body (bounded) and classifies it. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (an HTML error page from a front end): classified by status alone
  }
  return classifyGeminiError(res.status, body);
}
