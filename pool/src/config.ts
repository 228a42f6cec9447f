// The pool's configuration: environment variables validated once at start by @fastify/env
// (env-schema + Ajv with coercion and defaults), then frozen. A bad value becomes ONE line naming
// the variable (ConfigError); main.ts prints it and exits 1.
import Fastify from 'fastify';
import fastifyEnv from '@fastify/env';

export interface Config {
  readonly PORT: number;
  readonly HOST: string;
  readonly KEY_FILE: string;
  readonly UPSTREAM_FILE: string;
  readonly ACCESS_KEY_FILE: string;
  /** Extra client keys, one per line (optional file). */
  readonly CLIENT_KEYS_FILE: string;
  /** Extra client keys, comma separated. */
  readonly CLIENT_KEYS: string;
  readonly DATA_DIR: string;
  /** Protects /status and /admin/*; when empty, any client key does. */
  readonly ADMIN_KEY: string;
  readonly LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Attempts per request (instant refusals such as a 429 or a dead key not counted); 0 =
   * automatic: min(keys + upstreams, 5). */
  readonly MAX_ATTEMPTS: number;
  /** One time budget per request across all its attempts, up to the first byte sent (ms). */
  readonly REQUEST_TIMEOUT_MS: number;
  /** Longest one attempt may take to its answer (a whole answer, or a stream's first event)
   * before the request moves to another Worker or key (ms); 0 = the whole remaining budget.
   * A hung Worker, or one trickling bytes, holds a request no longer than this. Non-streamed
   * answers arrive whole, so keep it above the slowest. */
  readonly ATTEMPT_TIMEOUT_MS: number;
  /** When every key is cooling down and one frees up within this long (ms), wait for it rather
   * than answer 429 (within REQUEST_TIMEOUT_MS; cancelled if the client leaves); 0 = never wait. */
  readonly MAX_KEY_WAIT_MS: number;
  /** TCP + TLS connect timeout per upstream (ms). */
  readonly CONNECT_TIMEOUT_MS: number;
  /** Longest silence allowed inside a committed stream before it is cut (ms). */
  readonly STREAM_IDLE_TIMEOUT_MS: number;
  /** Cooldown of a (key, model) after a 429 that carries no retry delay (ms). */
  readonly QUOTA_COOLDOWN_MS: number;
  /** Cooldown of a (key, model) after a Gemini 500/503/504 (ms). */
  readonly GEMINI_COOLDOWN_MS: number;
  /** Consecutive upstream failures that open its circuit breaker. */
  readonly BREAKER_FAILURES: number;
  /** First wait before a half-open probe; doubles on each failed probe up to the max (ms). */
  readonly BREAKER_BACKOFF_MS: number;
  readonly BREAKER_MAX_BACKOFF_MS: number;
  /** Keep-alive connections per upstream (undici Pool). */
  readonly UPSTREAM_CONNECTIONS: number;
  /** Shared secret sent as x-opengemini-secret to every upstream (a line's secret= wins). */
  readonly WORKER_SECRET: string;
  /** Gemini's base URL in direct mode (no upstreams). */
  readonly GEMINI_BASE_URL: string;
  /** How long /v1/models answers are reused (ms); 0 disables the cache. */
  readonly MODELS_CACHE_MS: number;
  /** Debounce of state writes (ms). Disabled keys are written at once regardless. */
  readonly STATE_FLUSH_MS: number;
  /** Polling interval of the key/upstream file watcher, besides fs.watch (ms). */
  readonly WATCH_POLL_MS: number;
  /** Bounded wait for in-flight requests and streams on SIGTERM/SIGINT (ms). */
  readonly SHUTDOWN_GRACE_MS: number;
  /** Longest wait for a client's request headers (ms): a connection that trickles them is closed. */
  readonly HEADERS_TIMEOUT_MS: number;
  /** Longest time a client may take to send its request body once its headers are in (ms): past
   * it, 408 in the route's error format and the connection closed. The answer, however long a
   * stream lasts, is not limited by it. */
  readonly BODY_TIMEOUT_MS: number;
  /** Days of usage counters kept (Pacific days); older days are folded into all-time totals. */
  readonly USAGE_DAYS: number;
  /** Wrong admin keys allowed per client address in 10 minutes (wrong client keys: ten times as
   * many), with no limit across addresses (admin/guess-limit.ts). Behind a reverse proxy every
   * client shares one address. */
  readonly SIGN_IN_FAILURES: number;
  /** How long a dashboard sign-in lasts (ms). */
  readonly SESSION_TTL_MS: number;
  /** GET /metrics: `admin` (the admin key or a dashboard session, like /status), `public`, or `off`. */
  readonly METRICS: 'admin' | 'public' | 'off';
  /** Key checks (models-list probes) run at once. */
  readonly CHECK_CONCURRENCY: number;
  /** Default daily request budgets per key and model family, e.g. `pro=50,flash=1500`, used until
   * budgets are saved from the dashboard or the admin API (DATA_DIR/budgets.json). */
  readonly KEY_BUDGETS: string;
  /** Right after start, in the background, ask each Worker for a models list with one usable key:
   * its place and a region block show in /status from the start, and every Worker refused for its
   * location is warned about at once (admin/startup-check.ts). No effect in direct mode. */
  readonly STARTUP_CHECK: boolean;
}

const int = (def: number, minimum: number, maximum = 2_147_483_647) => ({ type: 'integer', default: def, minimum, maximum });
const str = (def: string) => ({ type: 'string', default: def });

export const configSchema = {
  type: 'object',
  properties: {
    PORT: int(7777, 0, 65535),
    HOST: { type: 'string', default: '0.0.0.0', minLength: 1 },
    KEY_FILE: str('./key.txt'),
    UPSTREAM_FILE: str('./upstreams.txt'),
    ACCESS_KEY_FILE: str('./access_key.txt'),
    CLIENT_KEYS_FILE: str('./client_keys.txt'),
    CLIENT_KEYS: str(''),
    DATA_DIR: str('./data'),
    ADMIN_KEY: str(''),
    LOG_LEVEL: { type: 'string', default: 'info', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    MAX_ATTEMPTS: int(0, 0, 20),
    REQUEST_TIMEOUT_MS: int(120_000, 100),
    ATTEMPT_TIMEOUT_MS: int(60_000, 0),
    MAX_KEY_WAIT_MS: int(10_000, 0),
    CONNECT_TIMEOUT_MS: int(5_000, 10),
    STREAM_IDLE_TIMEOUT_MS: int(300_000, 100),
    QUOTA_COOLDOWN_MS: int(60_000, 0),
    GEMINI_COOLDOWN_MS: int(5_000, 0),
    BREAKER_FAILURES: int(2, 1, 100),
    BREAKER_BACKOFF_MS: int(5_000, 10),
    BREAKER_MAX_BACKOFF_MS: int(300_000, 10),
    // HTTP/1.1: every open stream holds a connection, and a request past the limit waits in a
    // queue, so the limit must exceed the streams a user can have open at once.
    UPSTREAM_CONNECTIONS: int(1024, 1, 100_000),
    WORKER_SECRET: str(''),
    GEMINI_BASE_URL: { type: 'string', default: 'https://generativelanguage.googleapis.com', pattern: '^https?://' },
    MODELS_CACHE_MS: int(60_000, 0),
    STATE_FLUSH_MS: int(2_000, 0),
    WATCH_POLL_MS: int(2_000, 50),
    SHUTDOWN_GRACE_MS: int(10_000, 0),
    HEADERS_TIMEOUT_MS: int(30_000, 100),
    BODY_TIMEOUT_MS: int(120_000, 100),
    USAGE_DAYS: int(7, 1, 366),
    SIGN_IN_FAILURES: int(10, 1, 100_000),
    SESSION_TTL_MS: int(12 * 3_600_000, 60_000),
    METRICS: { type: 'string', default: 'admin', enum: ['admin', 'public', 'off'] },
    CHECK_CONCURRENCY: int(4, 1, 64),
    KEY_BUDGETS: { type: 'string', default: '', pattern: '^\\s*([a-z-]+\\s*=\\s*[0-9]+\\s*(,\\s*|$))*$' },
    STARTUP_CHECK: { type: 'boolean', default: true },
  },
} as const;

/** A configuration error: its message is the one line shown to the user. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

interface AjvError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Turns env-schema's Ajv error into one line naming the variable and, when short, its value. */
function oneLine(err: unknown, env: Record<string, string | undefined>): string {
  const first = (err as { errors?: AjvError[] }).errors?.[0];
  if (!first) return `Invalid configuration: ${(err as Error).message}`;
  const name = first.instancePath?.replace(/^\//, '') || String(first.params?.['additionalProperty'] ?? '?');
  const raw = env[name];
  const shown = raw === undefined ? '' : ` (got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 57)}...` : raw)})`;
  const allowed = Array.isArray(first.params?.['allowedValues']) ? `: one of ${(first.params['allowedValues'] as string[]).join(', ')}` : '';
  return `Invalid configuration: ${name} ${first.message ?? 'is invalid'}${allowed}${shown}`;
}

/** Validates `env` (only the variables the schema knows) and returns a frozen Config. */
export async function loadConfig(env: Record<string, string | undefined> = process.env): Promise<Config> {
  const data: Record<string, string> = {};
  for (const name of Object.keys(configSchema.properties)) {
    const value = env[name];
    // An empty variable means "unset" for numbers (`PORT= node ...`), not "zero".
    if (value !== undefined && !(value === '' && configSchema.properties[name as keyof Config].type === 'integer')) data[name] = value;
  }
  const app = Fastify({ logger: false });
  try {
    await app.register(fastifyEnv, { schema: structuredClone(configSchema), data, env: false });
    await app.ready();
    const config = { ...(app as unknown as { config: Config }).config };
    if (config.BREAKER_MAX_BACKOFF_MS < config.BREAKER_BACKOFF_MS) {
      throw new ConfigError('Invalid configuration: BREAKER_MAX_BACKOFF_MS must be >= BREAKER_BACKOFF_MS');
    }
    return Object.freeze(config);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(oneLine(err, env));
  } finally {
    await app.close();
  }
}
