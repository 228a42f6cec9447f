// How a request reaches an upstream. Two implementations look the same to forward.ts: an undici
// keep-alive Pool to a Worker over HTTP (here), and the Worker's handler run in-process in direct
// mode (direct.ts). Both hand back the status, the headers and the body as a Node stream.
import { Readable } from 'node:stream';
import { type Dispatcher, Pool, errors as undiciErrors, util as undiciUtil } from 'undici';

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
 * How forward() ends an attempt early (its time budget ran out, the client left) without an
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

/** A request whose answer is read whole (not a stream): see Transport.fetchWhole. */
export interface WholeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
  cancel: Cancel;
  /** The most bytes accepted for an answer with this status; past it the request fails. */
  limit(status: number): number;
}

export interface WholeReply {
  status: number;
  headers: HeaderGetter;
  body: Buffer;
}

export interface Transport {
  send(req: UpstreamRequest): Promise<UpstreamReply>;
  /**
   * Optional fast path for answers read whole: the same request as send(), but the body arrives
   * as one Buffer, with no stream, no async iterator and no AbortSignal in between. Rejects with
   * `cancel.reason` when cancelled, with the transport's error otherwise.
   */
  fetchWhole?(req: WholeRequest): Promise<WholeReply>;
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

/**
 * undici's raw header list (name, value, name, value...) read on demand: an answer is asked for
 * one or two names, so the full object undici would build for each is not worth it. Repeated
 * names are joined like headerGetter() joins them.
 */
export function rawHeaderGetter(raw: readonly (Buffer | string)[]): HeaderGetter {
  return {
    get(name: string) {
      let out: string | null = null;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        if (undiciUtil.headerNameToString(raw[i]!) !== name) continue;
        const v = raw[i + 1]!;
        const text = typeof v === 'string' ? v : v.toString('latin1');
        out = out === null ? text : `${out}, ${text}`;
      }
      return out;
    },
  };
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

  fetchWhole(req: WholeRequest): Promise<WholeReply> {
    return new Promise((resolve, reject) => {
      const opts: Dispatcher.DispatchOptions = { method: req.method as 'GET', path: this.prefix + req.path, headers: req.headers, body: req.body ?? null };
      this.pool.dispatch(opts, new WholeHandler(req, resolve, reject));
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** `upstream body larger than N bytes`: the answer went past WholeRequest.limit. */
export function tooLarge(limit: number): Error {
  return new Error(`upstream body larger than ${limit} bytes`);
}

/** Collects one answer for fetchWhole (undici's dispatch handler protocol). */
class WholeHandler implements Dispatcher.DispatchHandler {
  private abort: ((err: Error) => void) | undefined;
  private status = 0;
  private headers: HeaderGetter | undefined;
  private limit = 0;
  private size = 0;
  private chunks: Buffer[] = [];
  private settled = false;

  constructor(
    private readonly req: WholeRequest,
    private readonly resolve: (r: WholeReply) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    // Cancelled while queued for a connection: fail now; undici drops it when it gets one.
    req.cancel.onCancel((reason) => {
      this.fail(reason);
      this.abort?.(reason as Error);
    });
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.settled) abort(this.req.cancel.reason as Error);
    else this.abort = abort;
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    if (status < 200) return true; // 1xx: the real answer follows
    this.status = status;
    this.headers = rawHeaderGetter(rawHeaders);
    this.limit = this.req.limit(status);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > this.limit) {
      const err = tooLarge(this.limit);
      this.fail(err);
      this.abort?.(err);
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settled = true;
    this.req.cancel.onCancel(undefined);
    const { chunks, size } = this;
    this.resolve({ status: this.status, headers: this.headers ?? headerGetter({}), body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
  }

  onError(err: Error): void {
    this.fail(err);
  }

  private fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.req.cancel.onCancel(undefined);
    this.chunks = [];
    this.reject(err);
  }
}

/** Adapts a Fetch API Response (direct mode) to an UpstreamReply. */
export function fromFetchResponse(res: Response): UpstreamReply {
  const body = res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([]);
  return { status: res.status, headers: res.headers, body };
}
