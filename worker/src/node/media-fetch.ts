// The converter's remote-media fetch for Node (the pool's direct mode), where the converter runs
// on the operator's own server. The Worker's literal host checks (media/address.ts) cannot see
// what a name resolves to: `img.example.com` may point at 127.0.0.1 or 169.254.169.254, or
// answer one address to a first lookup and another to the next (DNS rebinding). So the name is
// resolved at connect time by a lookup that refuses unless EVERY address it returns is public,
// and the socket connects to exactly the addresses that were checked: there is no second lookup.
// IP literals never reach a lookup; fetchRemoteMedia has already judged them.
// Node-only (node:dns, undici): never imported by the Worker bundle.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, fetch as undiciFetch } from 'undici';
import { isPublicAddress } from '../media/address';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** node:dns lookup's shape with `all: true`, which is all this module calls. */
export type Resolver = (hostname: string, options: LookupOptions & { all: true }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

export interface NodeMediaFetchOptions {
  /** Resolves names; default node:dns lookup (the system resolver). Tests pass their own. */
  resolve?: Resolver;
  /** Connect timeout per hop, in ms (default 5000); the whole fetch is timed by its caller. */
  connectTimeoutMs?: number;
}

class RefusedAddressError extends Error {
  readonly code = 'EREFUSEDADDRESS';
  constructor() {
    super('refused: the name does not resolve to public addresses only');
  }
}

/** A lookup for net.connect / tls.connect that only ever hands back checked public addresses. */
export function publicOnlyLookup(resolve: Resolver = dnsLookup as unknown as Resolver) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) return callback(new RefusedAddressError(), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** A fetch for fetchRemoteMedia that connects to public addresses only. */
export function createNodeMediaFetch(options: NodeMediaFetchOptions = {}): typeof fetch {
  const agent = new Agent({
    connect: { lookup: publicOnlyLookup(options.resolve), timeout: options.connectTimeoutMs ?? 5000 },
    // Media hosts are rarely asked twice: do not keep their sockets around.
    keepAliveTimeout: 1000,
  });
  return ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as string, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
}
