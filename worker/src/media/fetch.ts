// Fetching remote media (http(s) URLs in a request's content parts) before the request is
// mapped: the one place the converter fetches anything but Gemini. The client chooses the URL,
// so every rule here is about not being turned against the machine we run on:
// - http(s) to public addresses only. The literal host is checked here before every hop
//   (address.ts: loopback, private, link-local, unique-local, IPv4-mapped, `localhost`, numeric
//   spellings such as 127.1 or 2130706433). In Node (the pool's direct mode) the fetch passed in
//   is createNodeMediaFetch (node/media-fetch.ts), which also checks every address a name
//   resolves to and connects to that checked address, so DNS rebinding cannot slip past. workerd
//   has no DNS API: there the literal check is what we can do, and Cloudflare's own egress rules
//   keep Workers off private and loopback destinations.
// - Redirects are followed by hand (redirect: 'manual'), each hop checked again, at most
//   `maxRedirects` of them.
// - One byte budget for the whole request, all its parts together, counted as bytes arrive and
//   never read past; at most `maxCount` URLs; each fetch (redirects and body) within `timeoutMs`.
// - One neutral message for every failure to fetch, whatever the cause (refused address, closed
//   port, timeout, HTTP error): messages that differed would map the network for the caller.
import { badRequest, type ApiError } from '../errors';
import { ByteBudget, readCapped } from '../read-capped';
import { bytesToBase64 } from '../base64';
import { isFetchableHost } from './address';
import type { Media } from './data-url';
import { GENERIC_MIME, acceptedRemoteMime, normalizeMime, sniffMime } from './mime';

/** One URL to fetch, and how errors name it. */
export interface RemoteMediaRef {
  url: string;
  /** The request field, for the error's `param`: `messages[2].content[1].image_url.url`. */
  param: string;
  /** How messages name it: `image_url at messages[2].content[1]`. */
  name: string;
}

export interface MediaLimits {
  /** Bytes of all the remote media of one request together. Gemini takes 20 MB inline. */
  totalBytes: number;
  /** Per URL, from the first request to the last byte (redirects included), in ms. */
  timeoutMs: number;
  /** Most URLs fetched for one request. */
  maxCount: number;
  /** Most redirects followed per URL. */
  maxRedirects: number;
}

/** A request's fetched media, by URL. */
export type MediaMap = ReadonlyMap<string, Media>;

export const DEFAULT_MEDIA_LIMITS: MediaLimits = { totalBytes: 20 * 1024 * 1024, timeoutMs: 10_000, maxCount: 16, maxRedirects: 5 };

const ACCEPT = 'image/*,application/pdf,audio/*,video/*;q=0.9,*/*;q=0.5';

/**
 * Fetches every URL in parallel, within the limits; the first failure cancels the others and
 * becomes a 400 naming the part. Keyed by URL (a URL listed twice is fetched once).
 */
export async function fetchRemoteMedia(refs: readonly RemoteMediaRef[], fetchFn: typeof fetch, limits: MediaLimits = DEFAULT_MEDIA_LIMITS): Promise<Map<string, Media>> {
  const unique = [...new Map(refs.map((r) => [r.url, r])).values()];
  const over = unique[limits.maxCount];
  if (over) throw badRequest(`At most ${limits.maxCount} remote media URLs are fetched per request; send the others as data: URLs.`, over.param);
  const budget = new ByteBudget(limits.totalBytes);
  const stop = new AbortController();
  try {
    const entries = await Promise.all(unique.map(async (ref) => [ref.url, await fetchOne(ref, fetchFn, limits, budget, stop.signal)] as const));
    return new Map(entries);
  } finally {
    stop.abort(); // no-op when all succeeded; cancels the rest after a failure
  }
}

/** The media a request names, fetched with the target's media fetch (its Gemini fetch when it
 * has none); undefined when it names none. */
export async function fetchRequestMedia(refs: readonly RemoteMediaRef[], target: { fetch: typeof fetch; mediaFetch?: typeof fetch | undefined }): Promise<MediaMap | undefined> {
  return refs.length > 0 ? fetchRemoteMedia(refs, target.mediaFetch ?? target.fetch) : undefined;
}

const cannotFetch = (ref: RemoteMediaRef): ApiError => badRequest(`Could not fetch ${ref.name}.`, ref.param);

const tooLarge = (ref: RemoteMediaRef, limits: MediaLimits): ApiError =>
  badRequest(`The remote media of one request may be ${Math.floor(limits.totalBytes / 1048576)} MiB in total; ${ref.name} goes past that. Send smaller files, or fewer.`, ref.param);

async function fetchOne(ref: RemoteMediaRef, fetchFn: typeof fetch, limits: MediaLimits, budget: ByteBudget, stop: AbortSignal): Promise<Media> {
  // A timer of our own, not AbortSignal.any([AbortSignal.timeout(...)]): Node lets a timeout
  // signal that nothing else references be collected, and then it never fires.
  const abort = new AbortController();
  const onStop = () => abort.abort(stop.reason);
  stop.addEventListener('abort', onStop, { once: true });
  const timer = setTimeout(() => abort.abort(new DOMException('remote media timed out', 'TimeoutError')), limits.timeoutMs);
  try {
    return await fetchWithin(ref, fetchFn, limits, budget, abort.signal);
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  }
}

async function fetchWithin(ref: RemoteMediaRef, fetchFn: typeof fetch, limits: MediaLimits, budget: ByteBudget, signal: AbortSignal): Promise<Media> {
  const res = await follow(ref, fetchFn, limits.maxRedirects, signal);
  // Content-Length can lie or be absent: it only lets us refuse early; the read is capped anyway.
  if (Number(res.headers.get('content-length')) > budget.remaining) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge(ref, limits);
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readCapped(res.body, budget);
  } catch {
    throw cannotFetch(ref);
  }
  if (!bytes) throw tooLarge(ref, limits);
  const declared = normalizeMime((res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase());
  const mimeType = GENERIC_MIME.has(declared) ? sniffMime(bytes) : declared;
  if (!mimeType || !acceptedRemoteMime(mimeType)) {
    throw badRequest(`${ref.name} is not an image or other media Gemini reads (content-type ${declared || 'missing'}).`, ref.param);
  }
  if (bytes.length === 0) throw badRequest(`${ref.name} is empty.`, ref.param);
  return { mimeType, data: bytesToBase64(bytes) };
}

/** The URL if it may be fetched (http(s), a host that passes isFetchableHost), else undefined. */
export function fetchableUrl(url: string, base?: string): URL | undefined {
  let u: URL;
  try {
    u = new URL(url, base);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  return isFetchableHost(u.hostname) ? u : undefined;
}

/** Fetches, following redirects by hand and checking every hop; a 2xx Response or a throw. */
async function follow(ref: RemoteMediaRef, fetchFn: typeof fetch, maxRedirects: number, signal: AbortSignal): Promise<Response> {
  let target = fetchableUrl(ref.url);
  for (let hop = 0; target && hop <= maxRedirects; hop++) {
    let res: Response;
    try {
      res = await fetchFn(target.href, { redirect: 'manual', signal, headers: { accept: ACCEPT } });
    } catch {
      throw cannotFetch(ref);
    }
    if (res.ok) return res;
    await res.body?.cancel().catch(() => undefined);
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (location === null) break;
    target = fetchableUrl(location, target.href);
  }
  throw cannotFetch(ref);
}
