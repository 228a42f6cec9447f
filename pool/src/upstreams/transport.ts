// How a request reaches an upstream. Two implementations look the same to the attempt loop: an
// undici keep-alive Pool to a Worker over HTTP (here), and the Worker's handler run in-process in
// direct mode (direct.ts). Both hand back the status, the headers and the body as a Node stream,
// which proxy/attempt.ts reads the one way it reads every answer.
import { Readable } from 'node:stream';
import { Pool, errors as undiciErrors } from 'undici';

export interface HeaderGetter {
  get(name: string): string | null;
}

export interface UpstreamRequest {
  method: string;
  /** Path and query, starting with `/v1/` or `/v1beta/`. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
  signal: AbortSignal;
}

export interface UpstreamReply {
  status: number;
  headers: HeaderGetter;
  /** Destroying it releases the connection (and aborts the upstream request). */
  body: Readable;
}

/**
 * How the attempt loop ends an attempt early (its time budget ran out, the client left) without an
 * AbortController per attempt: an AbortSignal is an EventTarget, costly to make and to listen
 * to, and most attempts are never cancelled. A transport hooks itself in with `onCancel`.
 */
export class Cancel {
  /** Why it was cancelled; undefined while it is not. */
  reason: unknown = undefined;
  private hook: ((reason: unknown) => void) | undefined;

  get cancelled(): boolean {
    return this.reason !== undefined;
  }

  /** Cancels once (a later call keeps the first reason). `reason` must not be undefined. */
  cancel(reason: unknown): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    const hook = this.hook;
    this.hook = undefined;
    hook?.(reason);
  }

  /** What to run on cancellation (replaces an earlier hook); runs at once if already cancelled. */
  onCancel(hook: ((reason: unknown) => void) | undefined): void {
    if (hook && this.reason !== undefined) hook(this.reason);
    else this.hook = hook;
  }

  /** An AbortSignal that follows this, for a transport that takes one. */
  signal(): AbortSignal {
    const ac = new AbortController();
    this.onCancel((reason) => ac.abort(reason));
    return ac.signal;
  }
}

export interface Transport {
  send(req: UpstreamRequest): Promise<UpstreamReply>;
  /** Lets in-flight requests finish, then releases connections. */
  close(): Promise<void>;
}

/** Thrown (as the cause) when undici's connect or headers timeout fired: an upstream timeout. */
export function isTimeoutError(err: unknown): boolean {
  return (
    err instanceof undiciErrors.ConnectTimeoutError ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    (err as { name?: string })?.name === 'TimeoutError'
  );
}

/** undici's headers: lower-case names, arrays for repeated ones. */
export function headerGetter(h: Record<string, string | string[] | undefined>): HeaderGetter {
  return {
    get(name: string) {
      const v = h[name];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
}

export interface HttpTransportOptions {
  connections: number;
  connectTimeoutMs: number;
  /** Max wait for the status line: the request budget bounds it anyway. */
  headersTimeoutMs: number;
  /** Max silence between body chunks. */
  bodyTimeoutMs: number;
}

export class HttpTransport implements Transport {
  private readonly pool: Pool;
  private readonly prefix: string;

  constructor(baseUrl: string, opts: HttpTransportOptions) {
    const url = new URL(baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: opts.connections,
      connectTimeout: opts.connectTimeoutMs,
      headersTimeout: opts.headersTimeoutMs,
      bodyTimeout: opts.bodyTimeoutMs,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
    });
  }

  async send(req: UpstreamRequest): Promise<UpstreamReply> {
    const res = await this.pool.request({
      method: req.method as 'GET',
      path: this.prefix + req.path,
      headers: req.headers,
      body: req.body ?? null,
      signal: req.signal,
    });
    return { status: res.statusCode, headers: headerGetter(res.headers), body: res.body as unknown as Readable };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Adapts a Fetch API Response (direct mode) to an UpstreamReply. */
export function fromFetchResponse(res: Response): UpstreamReply {
  const body = res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([]);
  return { status: res.status, headers: res.headers, body };
}
