// Media in OpenAI content parts -> Gemini parts: data URLs parsed in place, Gemini file and
// YouTube URIs passed by reference, any other http(s) URL fetched beforehand by the handler
// (collectRemoteMedia + fetchRemoteMedia) with a size cap and a timeout, and inlined.
import { readCapped } from '../../read-capped';
import { base64Head, bytesToBase64 } from '../../base64';
import type { Gemini, OpenAI } from '@opengemini/shared';
import { badRequest, unsupported } from '../../errors';

export interface Media {
  mimeType: string;
  /** Standard base64. */
  data: string;
}
export type MediaMap = ReadonlyMap<string, Media>;

export interface MediaLimits {
  /** Largest body read per URL, in bytes. Gemini's whole request is capped at 20 MB inline. */
  maxBytes: number;
  /** Per URL, from the request to the last byte, in ms. */
  timeoutMs: number;
  /** Most URLs fetched for one request. */
  maxCount: number;
}

export const DEFAULT_MEDIA_LIMITS: MediaLimits = { maxBytes: 20 * 1024 * 1024, timeoutMs: 10_000, maxCount: 16 };

// ---------------------------------------------------------------------------------------------
// Bytes, base64, media types
// ---------------------------------------------------------------------------------------------


const at = (b: Uint8Array, offset: number, text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (b[offset + i] !== text.charCodeAt(i)) return false;
  return true;
};

/** The media type from magic bytes, for bodies served as application/octet-stream. */
export function sniffMime(b: Uint8Array): string | undefined {
  if (b[0] === 0x89 && at(b, 1, 'PNG')) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (at(b, 0, 'GIF8')) return 'image/gif';
  if (at(b, 0, 'RIFF') && at(b, 8, 'WEBP')) return 'image/webp';
  if (at(b, 0, 'RIFF') && at(b, 8, 'WAVE')) return 'audio/wav';
  if (at(b, 0, '%PDF')) return 'application/pdf';
  if (at(b, 4, 'ftyp')) {
    if (at(b, 8, 'heic') || at(b, 8, 'heix')) return 'image/heic';
    if (at(b, 8, 'mif1') || at(b, 8, 'heif')) return 'image/heif';
    if (at(b, 8, 'qt')) return 'video/quicktime';
    return 'video/mp4';
  }
  if (at(b, 0, 'ID3') || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0)) return 'audio/mp3';
  if (at(b, 0, 'OggS')) return 'audio/ogg';
  if (at(b, 0, 'fLaC')) return 'audio/flac';
  if (at(b, 0, 'FORM') && at(b, 8, 'AIFF')) return 'audio/aiff';
  return undefined;
}

const EXTENSION_MIME: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  markdown: 'text/markdown',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  ts: 'text/x-typescript',
  py: 'text/x-python',
  csv: 'text/csv',
  json: 'application/json',
  xml: 'text/xml',
  rtf: 'text/rtf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  wav: 'audio/wav',
  mp3: 'audio/mp3',
  aiff: 'audio/aiff',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  mpeg: 'video/mpeg',
  mov: 'video/quicktime',
  avi: 'video/avi',
  webm: 'video/webm',
  wmv: 'video/wmv',
  flv: 'video/x-flv',
  '3gp': 'video/3gpp',
};

export function mimeFromFilename(name: string | undefined): string | undefined {
  const dot = name?.lastIndexOf('.') ?? -1;
  return dot >= 0 ? EXTENSION_MIME[name!.slice(dot + 1).toLowerCase()] : undefined;
}

/** OpenAI's input_audio formats -> media types Gemini lists for audio. */
const AUDIO_MIME: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mp3',
  mpeg: 'audio/mp3',
  aiff: 'audio/aiff',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
};

const GENERIC_MIME = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);
/** Common misspellings clients send. */
const MIME_ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'audio/mpeg': 'audio/mp3', 'audio/x-wav': 'audio/wav', 'audio/wave': 'audio/wav' };

function normalizeMime(mime: string): string {
  return MIME_ALIASES[mime] ?? mime;
}

/** What Gemini takes inline from a fetched URL: images, PDFs, audio, video. */
function acceptedRemoteMime(mime: string): boolean {
  return mime.startsWith('image/') || mime.startsWith('audio/') || mime.startsWith('video/') || mime === 'application/pdf';
}

// ---------------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------------

const isHttpUrl = (url: string): boolean => /^https?:\/\//i.test(url);
const isDataUrl = (url: string): boolean => url.length > 5 && url.slice(0, 5).toLowerCase() === 'data:';

/** URIs Gemini reads itself (files uploaded with the Files API, YouTube videos): never fetched. */
export function isGeminiFileUri(url: string): boolean {
  return /^https:\/\/generativelanguage\.googleapis\.com\/v1[a-z0-9]*\/files\/[^/?#]+$/i.test(url) || /^https:\/\/(?:www\.|m\.)?(?:youtube\.com\/(?:watch|shorts\/|live\/)|youtu\.be\/)/i.test(url);
}

/**
 * Parses a data URL into inline data. Base64 payloads are used as they are (no copy, no scan:
 * they can be megabytes); percent-encoded ones are encoded. A missing or generic media type is
 * taken from `filename`, then from the payload's magic bytes.
 */
export function parseDataUrl(url: string, param: string, filename?: string): Media {
  const comma = url.indexOf(',');
  if (!isDataUrl(url) || comma < 0) throw badRequest('Malformed data URL: expected data:<media type>;base64,<data>.', param);
  const meta = url.slice(5, comma).split(';');
  const isBase64 = meta.some((p, i) => i > 0 && p.trim().toLowerCase() === 'base64');
  let data = url.slice(comma + 1);
  if (!isBase64) {
    let text = data;
    try {
      text = decodeURIComponent(data);
    } catch {
      // not percent-encoded after all: take it literally
    }
    data = bytesToBase64(new TextEncoder().encode(text));
  }
  if (data.length === 0) throw badRequest('The data URL is empty.', param);
  let mime = normalizeMime((meta[0] ?? '').trim().toLowerCase());
  if (GENERIC_MIME.has(mime)) {
    const found = mimeFromFilename(filename) ?? sniffMime(base64Head(data));
    if (!found) throw badRequest('The data URL has no media type and its content is not a recognised format; use data:<media type>;base64,...', param);
    mime = found;
  }
  return { mimeType: mime, data };
}

// ---------------------------------------------------------------------------------------------
// Content part -> Gemini part
// ---------------------------------------------------------------------------------------------

/** One non-text content part as a Gemini part. `param` names the part (`messages[1].content[2]`). */
export function mediaPart(part: OpenAI.ImageUrlPart | OpenAI.InputAudioPart | OpenAI.FilePart, param: string, media: MediaMap | undefined): Gemini.Part {
  switch (part.type) {
    case 'image_url':
      return imagePart(part.image_url.url, `${param}.image_url.url`, media);
    case 'input_audio': {
      const { data, format } = part.input_audio;
      if (isDataUrl(data)) return { inlineData: parseDataUrl(data, `${param}.input_audio.data`) };
      const mimeType = AUDIO_MIME[format.toLowerCase()];
      if (!mimeType) throw badRequest(`Unsupported audio format '${format}'; use one of ${Object.keys(AUDIO_MIME).join(', ')}.`, `${param}.input_audio.format`);
      if (data.length === 0) throw badRequest('The audio data is empty.', `${param}.input_audio.data`);
      return { inlineData: { mimeType, data } };
    }
    case 'file':
      return filePart(part.file, `${param}.file`);
  }
}

function imagePart(url: string, param: string, media: MediaMap | undefined): Gemini.Part {
  if (isDataUrl(url)) return { inlineData: parseDataUrl(url, param) };
  if (isGeminiFileUri(url)) return { fileData: { fileUri: url } };
  if (isHttpUrl(url)) {
    const fetched = media?.get(url);
    if (!fetched) throw badRequest('This image URL was not fetched; the converter cannot inline it.', param);
    return { inlineData: { mimeType: fetched.mimeType, data: fetched.data } };
  }
  throw badRequest('An image URL must be an http(s) URL or a data: URL.', param);
}

function filePart(file: OpenAI.FilePart['file'], param: string): Gemini.Part {
  const { file_data: data, file_id: id, filename } = file;
  if (typeof data === 'string' && data.length > 0) {
    if (isDataUrl(data)) return { inlineData: parseDataUrl(data, `${param}.file_data`, filename) };
    // Bare base64 (some clients): the media type comes from the filename or the bytes.
    const mimeType = mimeFromFilename(filename) ?? sniffMime(base64Head(data));
    if (!mimeType) throw badRequest('Cannot tell the media type of file_data: send a data URL (data:<media type>;base64,...) or a filename with a known extension.', `${param}.file_data`);
    return { inlineData: { mimeType, data } };
  }
  if (typeof id === 'string' && id.length > 0) {
    // A Gemini Files API name or URI is usable as is; OpenAI file ids are not ours to resolve.
    const uri = /^files\/[^/]+$/.test(id) ? `https://generativelanguage.googleapis.com/v1beta/${id}` : id;
    if (isGeminiFileUri(uri)) {
      const fileData: Gemini.FileData = { fileUri: uri };
      const mimeType = mimeFromFilename(filename);
      if (mimeType) fileData.mimeType = mimeType;
      return { fileData };
    }
    throw unsupported('file_id must name a Gemini file (files/<id> or its https://generativelanguage.googleapis.com URI); send other files inline as file_data.', `${param}.file_id`);
  }
  throw badRequest('A file part needs file_data or file_id.', param);
}

// ---------------------------------------------------------------------------------------------
// Fetching remote media
// ---------------------------------------------------------------------------------------------

/** Where each collected URL first appears, for error params; keyed by the array handed out. */
const PARAMS = new WeakMap<readonly string[], ReadonlyMap<string, string>>();

/** The distinct http(s) media URLs of a request that must be fetched before mapping it. */
export function collectRemoteMedia(req: OpenAI.ChatCompletionRequest): string[] {
  const urls: string[] = [];
  const params = new Map<string, string>();
  req.messages.forEach((msg, i) => {
    if (!Array.isArray(msg.content)) return;
    msg.content.forEach((part, j) => {
      if (part.type !== 'image_url') return;
      const url = part.image_url.url;
      if (!isHttpUrl(url) || isGeminiFileUri(url) || params.has(url)) return;
      params.set(url, `messages[${i}].content[${j}].image_url.url`);
      urls.push(url);
    });
  });
  PARAMS.set(urls, params);
  return urls;
}

/**
 * Fetches every URL in parallel, each within the size cap and the timeout; the first failure
 * cancels the others and becomes a 400 naming the part and the reason.
 */
export async function fetchRemoteMedia(urls: readonly string[], fetchFn: typeof fetch, limits: MediaLimits = DEFAULT_MEDIA_LIMITS): Promise<Map<string, Media>> {
  const params = PARAMS.get(urls);
  const paramOf = (url: string | undefined): string => (url !== undefined ? params?.get(url) : undefined) ?? 'messages';
  if (urls.length > limits.maxCount) {
    throw badRequest(`At most ${limits.maxCount} remote media URLs are fetched per request; send the others as data: URLs.`, paramOf(urls[limits.maxCount]));
  }
  const stop = new AbortController();
  try {
    const entries = await Promise.all(urls.map(async (url) => [url, await fetchOne(url, paramOf(url), fetchFn, limits, stop.signal)] as const));
    return new Map(entries);
  } finally {
    stop.abort(); // no-op when all succeeded; cancels the rest after a failure
  }
}

async function fetchOne(url: string, param: string, fetchFn: typeof fetch, limits: MediaLimits, stop: AbortSignal): Promise<Media> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const failed = (err: unknown): never => {
    if (timeout.aborted) throw badRequest(`Fetching ${shortUrl(url)} timed out after ${limits.timeoutMs / 1000} s.`, param);
    const why = err instanceof Error ? err.message : String(err);
    throw badRequest(`Could not fetch ${shortUrl(url)}: ${why}.`, param);
  };
  let res: Response;
  try {
    res = await fetchFn(url, { signal: AbortSignal.any([timeout, stop]), redirect: 'follow', headers: { accept: 'image/*,application/pdf,audio/*,video/*;q=0.9,*/*;q=0.5' } });
  } catch (err) {
    return failed(err);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw badRequest(`Could not fetch ${shortUrl(url)}: HTTP ${res.status}.`, param);
  }
  const tooLarge = () => badRequest(`${shortUrl(url)} is larger than ${Math.floor(limits.maxBytes / 1048576)} MiB.`, param);
  // Content-Length can lie or be absent: it only lets us refuse early; the read is capped anyway.
  if (Number(res.headers.get('content-length')) > limits.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readCapped(res.body, limits.maxBytes);
  } catch (err) {
    return failed(err);
  }
  if (!bytes) throw tooLarge();
  const declared = normalizeMime((res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase());
  const mimeType = GENERIC_MIME.has(declared) ? sniffMime(bytes) : declared;
  if (!mimeType || !acceptedRemoteMime(mimeType)) {
    throw badRequest(`${shortUrl(url)} is not an image or other media Gemini reads (content-type ${declared || 'missing'}).`, param);
  }
  if (bytes.length === 0) throw badRequest(`${shortUrl(url)} is empty.`, param);
  return { mimeType, data: bytesToBase64(bytes) };
}

/** URLs in messages stay short: they may carry tokens in their query. */
function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname.length > 60 ? `${u.pathname.slice(0, 57)}...` : u.pathname}`;
  } catch {
    return 'the URL';
  }
}
