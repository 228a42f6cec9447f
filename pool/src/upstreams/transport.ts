// How a request reaches an upstream. Two implementations look the same to the attempt loop: an
// undici keep-alive Pool to a Worker over HTTP (here; through HTTPS_PROXY when one is set,
// egress.ts), and the Worker's handler run in-process in direct mode (direct.ts). Both hand back
// the status, the headers and the body as a Node stream, which proxy/attempt.ts reads the one way
// it reads every answer. The HTTP one also notes where the Worker answered from (place.ts).
import type { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { type Dispatcher, errors as undiciErrors } from 'undici';
import { type ProxySettings, upstreamDispatcher } from './egress';
import { placeOf, type WorkerPlace } from './place';

export interface HeaderGetter {
  get(name: string): string | null;
}

export interface UpstreamRequest {
  method: string;
  /** Path and query, starting with `/v1/` or `/v1beta/`. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
  /** Ends the request early: what HttpTransport hands undici (no AbortSignal made). */
  cancel: Cancel;
  /** The same as an AbortSignal, made when first read, for a transport that needs one (fetch). */
  readonly signal: AbortSignal;
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
 * to, and most attempts are never cancelled. A transport hooks itself in with `onCancel`; undici
 * takes the Cancel itself as its signal (it accepts an EventEmitter-like one: `aborted`,
 * `reason`, `once('abort')`, `removeListener`).
 */
export class Cancel {
  /** Why it was cancelled; undefined while it is not. */
  reason: unknown = undefined;
  private hook: ((reason: unknown) => void) | undefined;
  private listeners: (() => void)[] | undefined;
  private controller: AbortController | undefined;

  get cancelled(): boolean {
    return this.reason !== undefined;
  }

  /** The name undici reads. */
  get aborted(): boolean {
    return this.reason !== undefined;
  }

  /** Cancels once (a later call keeps the first reason). `reason` must not be undefined. */
  cancel(reason: unknown): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    const hook = this.hook;
    this.hook = undefined;
    hook?.(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const l of listeners) l();
  }

  /** What to run on cancellation (replaces an earlier hook); runs at once if already cancelled. */
  onCancel(hook: ((reason: unknown) => void) | undefined): void {
    if (hook && this.reason !== undefined) hook(this.reason);
    else this.hook = hook;
  }

  /** An 'abort' listener (the only event), run once on cancellation; none once cancelled. */
  on(_event: 'abort', listener: () => void): this {
    if (this.reason === undefined) (this.listeners ??= []).push(listener);
    return this;
  }

  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener);
  }

  removeListener(_event: 'abort', listener: () => void): this {
    const i = this.listeners ? this.listeners.indexOf(listener) : -1;
    if (i >= 0) this.listeners!.splice(i, 1);
    return this;
  }

  /** An AbortSignal that follows this (made once), for a transport that takes only that. */
  signal(): AbortSignal {
    if (!this.controller) {
      const ac = (this.controller = new AbortController());
      if (this.reason !== undefined) ac.abort(this.reason);
      else this.on('abort', () => ac.abort(this.reason));
    }
    return this.controller.signal;
  }
}

export interface Transport {
  send(req: UpstreamRequest): Promise<UpstreamReply>;
  /** Lets in-flight requests finish, then releases connections. */
  close(): Promise<void>;
  /** Where the upstream last answered from (a Worker's Cloudflare data centre); undefined when unknown. */
  readonly place?: WorkerPlace | undefined;
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
  /** HTTPS_PROXY, HTTP_PROXY, NO_PROXY (egress.ts); none: straight to the Worker. */
  proxy?: ProxySettings;
}

/** How often a Worker's place is read again from its answers (two header lookups per answer otherwise). */
const PLACE_REFRESH_MS = 5_000;

export class HttpTransport implements Transport {
  private readonly pool: Dispatcher;
  private readonly origin: string;
  private readonly prefix: string;
  place: WorkerPlace | undefined;

  constructor(baseUrl: string, opts: HttpTransportOptions) {
    const url = new URL(baseUrl);
    this.origin = url.origin;
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.pool = upstreamDispatcher(
      url.origin,
      {
        connections: opts.connections,
        connectTimeout: opts.connectTimeoutMs,
        headersTimeout: opts.headersTimeoutMs,
        bodyTimeout: opts.bodyTimeoutMs,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
      },
      opts.proxy ?? {},
    );
  }

  /** Notes where the Worker answered from (Cloudflare's cf-ray and cf-placement headers). */
  private noteAnswer(headers: HeaderGetter): void {
    const now = Date.now();
    if (this.place && now - this.place.seenAt < PLACE_REFRESH_MS) return;
    this.place = placeOf(headers, now) ?? this.place;
  }

  async send(req: UpstreamRequest): Promise<UpstreamReply> {
    const res = await this.pool.request({
      origin: this.origin,
      method: req.method as 'GET',
      path: this.prefix + req.path,
      headers: req.headers,
      body: req.body ?? null,
      // undici takes an EventEmitter-like signal: the Cancel itself, no AbortSignal made.
      signal: req.cancel as unknown as EventEmitter,
    });
    const headers = headerGetter(res.headers);
    this.noteAnswer(headers);
    return { status: res.statusCode, headers, body: res.body as unknown as Readable };
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
