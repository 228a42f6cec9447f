// How the pool reaches the outside world: the Workers, and Gemini itself in direct mode. The
// standard proxy variables are honoured the way curl and undici read them (lower case first):
// HTTPS_PROXY for https:// hosts, HTTP_PROXY for http:// ones, NO_PROXY for the hosts that go
// straight. A mainland server that reaches Google only through a local proxy client (Clash,
// v2ray...) can then use direct mode, or reach Workers that its own network cannot. undici's own
// EnvHttpProxyAgent does the routing; the variables are read once at start, like the rest of the
// configuration, and handed to it explicitly.
import { Pool, type Dispatcher, EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

const pick = (env: NodeJS.ProcessEnv, name: string) => (env[name.toLowerCase()] ?? env[name])?.trim() || undefined;

/** The proxy variables of `env`, lower case winning as in curl and undici; empty ones are unset. */
export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  const out: ProxySettings = {};
  const http = pick(env, 'HTTP_PROXY');
  const https = pick(env, 'HTTPS_PROXY');
  const no = pick(env, 'NO_PROXY');
  if (http) out.httpProxy = http;
  if (https) out.httpsProxy = https;
  if (no) out.noProxy = no;
  return out;
}

export const proxied = (s: ProxySettings) => s.httpProxy !== undefined || s.httpsProxy !== undefined;

/** Why a proxy variable cannot be used (not an http(s) URL), for the one line the pool stops with. */
export function proxyProblem(s: ProxySettings): string | undefined {
  for (const [name, value] of [
    ['HTTPS_PROXY', s.httpsProxy],
    ['HTTP_PROXY', s.httpProxy],
  ] as const) {
    if (value === undefined) continue;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      return `${name} must be a proxy URL such as http://127.0.0.1:7890 (got "${withoutCredentials(value)}")`;
    }
  }
  return undefined;
}

/** A proxy URL fit for a log line: user and password dropped. */
function withoutCredentials(value: string): string {
  return value.replace(/\/\/[^/@]*@/, '//');
}

/** One line for the start-up log: which proxies carry what; undefined when none is set. */
export function describeProxy(s: ProxySettings): string | undefined {
  if (!proxied(s)) return undefined;
  const parts = [s.httpsProxy && `https via ${withoutCredentials(s.httpsProxy)}`, s.httpProxy && `http via ${withoutCredentials(s.httpProxy)}`, s.noProxy && `not for ${s.noProxy}`];
  return `outbound proxy: ${parts.filter(Boolean).join(', ')}`;
}

/**
 * The dispatcher for one Worker. Without proxy variables, a plain keep-alive Pool to its origin
 * (the hot path stays as lean as it was); with them, undici's EnvHttpProxyAgent with the same
 * options, which sends the request through the proxy (a CONNECT tunnel) unless NO_PROXY covers
 * the host. Requests to it must carry `origin`.
 */
export function upstreamDispatcher(origin: string, opts: Pool.Options, proxy: ProxySettings): Dispatcher {
  if (!proxied(proxy)) return new Pool(origin, opts);
  return new EnvHttpProxyAgent({ ...opts, ...proxy });
}

/**
 * Direct mode's fetch through the proxy, undefined when no proxy is set (the global fetch is
 * used then). undici's own fetch, since the dispatcher is undici's: the converter calls it with a
 * URL string and a plain init, which both fetches take alike.
 */
export function proxiedFetch(proxy: ProxySettings): typeof fetch | undefined {
  if (!proxied(proxy)) return undefined;
  const dispatcher = new EnvHttpProxyAgent(proxy);
  return ((input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}
