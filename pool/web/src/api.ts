// Calls to the admin API. The session cookie rides along (same origin); every call also sends
// x-requested-with and a JSON content type, which the server requires of cookie-authenticated
// changes (cross-site request forgery protection). A 401 sends the page back to sign-in.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => {};
export function whenSignedOut(fn: () => void): void {
  onUnauthorized = fn;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { 'x-requested-with': 'opengemini-dashboard', accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(path, init);
  if (res.status === 401 && path !== 'admin/session') onUnauthorized();
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    let code: string | undefined;
    if (type.includes('json')) {
      const e = (await res.json()) as { error?: { message?: string; code?: string } };
      message = e.error?.message ?? message;
      code = e.error?.code;
    }
    throw new ApiError(res.status, message, code);
  }
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}
