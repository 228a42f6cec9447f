// Where a Worker runs, read from Cloudflare's own answer headers: `cf-ray` ends in the code of the
// data centre that took the request (`8f1c2a3b4d5e6f70-HKG`), and a placed Worker's answers carry
// `cf-placement` (`remote-ORD`: it ran in ORD, not at the edge; `local-HKG`: it stayed). Google
// judges the location the Worker calls from, so this is what explains "User location is not
// supported": a Worker that runs in HKG is refused, whichever VPS calls it. Pure.
import type { HeaderGetter } from './transport';

export interface WorkerPlace {
  /** Data centre (IATA code) the Worker ran in: cf-placement's when placed, the edge's otherwise. */
  colo: string;
  /** Data centre that took the request (cf-ray's suffix). */
  edge: string;
  /** cf-placement's kind: `remote` (moved by placement), `local` (placement kept it at the edge), absent without placement. */
  placement?: 'remote' | 'local';
  /** When an answer last said so (ms). */
  seenAt: number;
}

const RAY = /^[0-9a-f]{8,32}-([A-Z]{3})$/i;
const PLACEMENT = /^(remote|local)-([A-Z]{3})$/i;

/** The place an answer's headers name; undefined for an answer that did not come through Cloudflare. */
export function placeOf(headers: HeaderGetter, now: number): WorkerPlace | undefined {
  const ray = RAY.exec(headers.get('cf-ray')?.trim() ?? '');
  if (!ray) return undefined;
  const edge = ray[1]!.toUpperCase();
  const placed = PLACEMENT.exec(headers.get('cf-placement')?.trim() ?? '');
  if (!placed) return { colo: edge, edge, seenAt: now };
  return { colo: placed[2]!.toUpperCase(), edge, placement: placed[1]!.toLowerCase() as 'remote' | 'local', seenAt: now };
}

/** "HKG", "ORD (placed; edge HKG)", "HKG (placement kept it at the edge)": for /status and the dashboard. */
export function describePlace(p: WorkerPlace): string {
  if (p.placement === 'remote') return `${p.colo} (placed; edge ${p.edge})`;
  if (p.placement === 'local') return `${p.colo} (placement kept it at the edge)`;
  return p.colo;
}

/**
 * What to do about a Worker Google refuses for its location. Run next to a cloud region in a
 * country Gemini serves: worker/wrangler.toml sets one; on a pasted Worker it is a dashboard
 * setting.
 */
export function regionBlockedHint(place: WorkerPlace | undefined): string {
  const where = place ? `runs in ${place.colo}` : 'runs where Google does not serve Gemini';
  return `${where}: set placement (Settings -> Runtime -> Placement -> a region such as gcp:us-central1, or [placement] in wrangler.toml) and redeploy`;
}

/** What /status and the dashboard show of an upstream's place; fields absent when unknown. */
export interface PlaceView {
  /** describePlace(): "HKG", "ORD (placed; edge HKG)". */
  runsIn?: string;
  /** The data centre alone, for filtering and tests. */
  colo?: string;
  /** What to do, when Google refused its location on its last answer. */
  hint?: string;
}

interface Placed {
  id: string;
  transport: { readonly place?: WorkerPlace | undefined };
  stats: { regionBlocked: boolean };
}

/** `directId`: the id of the in-process direct upstream (this server, not a Worker). */
export function placeView(u: Placed, directId: string): PlaceView {
  const place = u.transport.place;
  const view: PlaceView = place ? { runsIn: describePlace(place), colo: place.colo } : {};
  if (u.stats.regionBlocked) view.hint = u.id === directId ? DIRECT_BLOCKED_HINT : regionBlockedHint(place);
  return view;
}

const DIRECT_BLOCKED_HINT = "Google refuses this server's location: list Workers in upstreams.txt, or set HTTPS_PROXY to a proxy in a country Gemini serves";

/** The warning when every upstream is region-blocked: no other upstream can take their keys. */
export function allRegionBlockedMessage(upstreams: readonly Placed[], directId: string): string {
  if (upstreams.length === 1 && upstreams[0]!.id === directId) return `direct mode: ${DIRECT_BLOCKED_HINT}`;
  const colos = [...new Set(upstreams.map((u) => u.transport.place?.colo).filter((c): c is string => c !== undefined))];
  const where = colos.length ? ` (they run in ${colos.join(', ')})` : '';
  return `every Worker is region-blocked${where}: Google does not serve Gemini where they run, so moving keys between them cannot help; set placement on each (Settings -> Runtime -> Placement -> a region such as gcp:us-central1, or [placement] in wrangler.toml) and redeploy`;
}

/** allRegionBlockedMessage() when every upstream is region-blocked now; undefined otherwise. */
export function regionWarning(set: { allRegionBlocked(): boolean; all(): readonly Placed[] }, directId: string): string | undefined {
  return set.allRegionBlocked() ? allRegionBlockedMessage(set.all(), directId) : undefined;
}
