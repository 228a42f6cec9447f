// upstreams: Worker URLs, their breakers and the transports that reach them (HTTP, direct).
export { DIRECT_ID, DirectTransport } from './direct';
export { normaliseUpstreamUrl, parseUpstreamFile } from './list-file';
export { Cancel, HttpTransport, isTimeoutError, type HeaderGetter, type Transport, type UpstreamReply, type UpstreamRequest } from './transport';
export { UpstreamSet, type Upstream, type UpstreamDef, type UpstreamSnapshot } from './upstreams';
