// Media for every dialect: a part's media read from a neutral description (part.ts), data URLs,
// Gemini file URIs, media types, and remote fetching with the SSRF and size rules. Pure except
// fetch.ts, which is handed its fetch.
export { isFetchableHost, isPublicAddress } from './address';
export { type Media, isDataUrl, isGeminiFileUri, isHttpUrl, parseDataUrl } from './data-url';
export { DEFAULT_MEDIA_LIMITS, type MediaLimits, type MediaMap, type RemoteMediaRef, fetchRemoteMedia, fetchRequestMedia, fetchableUrl } from './fetch';
export { mimeFromFilename, sniffMime } from './mime';
export { type MediaSource, readMedia, remoteMediaRef } from './part';
