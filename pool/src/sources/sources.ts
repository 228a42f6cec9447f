// Loading key.txt and upstreams.txt into the live KeyRing and UpstreamSet, at start and on every
// reload (file watcher or POST /admin/reload). Unchanged keys and upstreams keep their health;
// removed upstreams are closed once their in-flight requests finish. No upstreams -> direct mode.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { DIRECT_ID, DirectTransport } from '../upstreams';
import { holdKeys, parseKeyFile } from '../keys';
import type { KeyRing } from '../keys';
import { parseUpstreamFile } from '../upstreams';
import { describeProxy, HttpTransport, type ProxySettings, proxiedFetch, proxyProblem, proxySettings } from '../upstreams';
import type { UpstreamDef, UpstreamSet } from '../upstreams';

export type Mode = 'direct' | 'workers';

/** A problem that stops the pool from starting: its message is the one line shown. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface ReloadReport {
  keys: { loaded: number; added: number; removed: number; kept: number; problems: string[] } | { error: string };
  upstreams: { mode: Mode; loaded: number; added: number; removed: number; kept: number; problems: string[] } | { error: string };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export class Sources {
  mode: Mode = 'direct';
  /** Direct mode's fetch: the one given (tests), else through the proxy when one is set, else the global fetch. */
  private readonly fetchForDirect: typeof fetch | undefined;

  constructor(
    private readonly config: Config,
    private readonly keys: KeyRing,
    private readonly upstreams: UpstreamSet,
    private readonly log: Logger,
    /** Direct mode's fetch (tests point it elsewhere); the global fetch by default. */
    directFetch?: typeof fetch,
    /** HTTPS_PROXY, HTTP_PROXY, NO_PROXY: read from the environment once, at start. */
    private readonly proxy: ProxySettings = proxySettings(process.env),
  ) {
    const problem = proxyProblem(proxy);
    if (problem) throw new StartupError(problem);
    this.fetchForDirect = directFetch ?? proxiedFetch(proxy);
  }

  /** The start-up log line naming the outbound proxy (credentials dropped); undefined without one. */
  get egress(): string | undefined {
    return describeProxy(this.proxy);
  }

  /**
   * Reads key.txt and applies it. At start a missing or keyless file is fatal (StartupError); on reload a
   * missing or keyless file keeps the current keys (an editor may be halfway through replacing it:
   * editors truncate, then write), unless `deliberate` (the dashboard deleted the last keys).
   */
  async loadKeys(initial: boolean, deliberate = false): Promise<ReloadReport['keys']> {
    const text = await readOptional(this.config.KEY_FILE);
    if (text === undefined) {
      const message = `${this.config.KEY_FILE} not found: copy key.txt.example to key.txt and put one Gemini API key per line (or set KEY_FILE)`;
      if (initial) throw new StartupError(message);
      this.log.warn(`${message}; keeping the ${this.keys.size} key(s) already loaded`);
      return { error: message };
    }
    const { keys, problems } = parseKeyFile(text);
    for (const p of problems) this.log.warn(`${this.config.KEY_FILE} ${p.message}`);
    if (initial && keys.length === 0) {
      throw new StartupError(`${this.config.KEY_FILE} holds no usable key: put one Gemini API key per line (see key.txt.example)`);
    }
    if (!initial && !deliberate && keys.length === 0 && this.keys.size > 0) {
      const message = `${this.config.KEY_FILE} is empty: keeping the ${this.keys.size} keys loaded; delete keys in the dashboard or leave at least one`;
      this.log.warn(message);
      return { error: message };
    }
    const r = this.keys.replace(keys);
    if (!initial && (r.added || r.removed)) this.log.info(`${this.config.KEY_FILE} reloaded: ${keys.length} key(s), ${r.added} added, ${r.removed} removed`);
    return { loaded: keys.length, ...r, problems: problems.map((p) => p.message) };
  }

  /** Reads upstreams.txt (absent or empty: direct mode) and applies it. */
  async loadUpstreams(initial: boolean): Promise<ReloadReport['upstreams']> {
    const text = (await readOptional(this.config.UPSTREAM_FILE)) ?? '';
    const { upstreams, problems } = parseUpstreamFile(text);
    for (const p of problems) this.log.warn(`${this.config.UPSTREAM_FILE} ${p.message}`);
    const c = this.config;
    const defs: UpstreamDef[] = upstreams.length
      ? upstreams.map((u) => ({
          id: u.url,
          secret: u.secret ?? (c.WORKER_SECRET || undefined),
          transport: () =>
            new HttpTransport(u.url, {
              connections: c.UPSTREAM_CONNECTIONS,
              connectTimeoutMs: c.CONNECT_TIMEOUT_MS,
              headersTimeoutMs: c.REQUEST_TIMEOUT_MS,
              bodyTimeoutMs: c.STREAM_IDLE_TIMEOUT_MS,
              proxy: this.proxy,
            }),
        }))
      : [{ id: DIRECT_ID, secret: undefined, transport: () => new DirectTransport(c.GEMINI_BASE_URL, { idleTimeoutMs: c.STREAM_IDLE_TIMEOUT_MS, ...(this.fetchForDirect ? { fetch: this.fetchForDirect } : {}) }) }];
    // Worker secrets are held keys too: an upstream that echoes one must not show it to anyone.
    holdKeys(defs.flatMap((d) => (d.secret ? [d.secret] : [])));
    const r = this.upstreams.replace(defs);
    const mode: Mode = upstreams.length ? 'workers' : 'direct';
    if (!initial && (r.added || r.removed.length)) {
      this.log.info(`${this.config.UPSTREAM_FILE} reloaded: ${mode === 'direct' ? 'direct mode' : `${upstreams.length} upstream(s)`}, ${r.added} added, ${r.removed.length} removed`);
    }
    this.mode = mode;
    // Removed upstreams: undici's close() lets in-flight requests and streams finish first.
    for (const u of r.removed) void u.transport.close();
    return { mode, loaded: defs.length, added: r.added, kept: r.kept, removed: r.removed.length, problems: problems.map((p) => p.message) };
  }

  async reload(): Promise<ReloadReport> {
    const keys = await this.loadKeys(false).catch((err: Error) => ({ error: err.message }));
    const upstreams = await this.loadUpstreams(false).catch((err: Error) => ({ error: err.message }));
    return { keys, upstreams };
  }
}
