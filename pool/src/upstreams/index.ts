// upstreams: Worker URLs, their breakers and the transports that reach them (HTTP, direct).
export { DIRECT_ID, DirectTransport } from './direct';
export { normaliseUpstreamUrl, parseUpstreamFile } from './list-file';
export { Cancel, HttpTransport, isTimeoutError, type HeaderGetter, type Transport, type UpstreamReply, type UpstreamRequest } from './transport';
export { REGION_BLOCKED, UpstreamSet, type Upstream, type UpstreamDef, type UpstreamEvents, type UpstreamSnapshot } from './upstreams';
export { describeProxy, proxiedFetch, proxyProblem, proxySettings, type ProxySettings } from './egress';
export { allRegionBlockedMessage, describePlace, placeOf, placeView, regionBlockedHint, regionWarning, type PlaceView, type WorkerPlace } from './place';
