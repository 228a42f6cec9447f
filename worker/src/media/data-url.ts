// Media URLs a client can send: data: URLs (parsed in place), Gemini file and YouTube URIs
// (passed to Gemini by reference), and http(s) URLs (fetched: fetch.ts).
import { base64Head, bytesToBase64 } from '../base64';
import { badRequest } from '../errors';
import { GENERIC_MIME, mimeFromFilename, normalizeMime, sniffMime } from './mime';

/** Inline bytes as Gemini takes them. */
export interface Media {
  mimeType: string;
  /** Standard base64. */
  data: string;
}

export const isHttpUrl = (url: string): boolean => /^https?:\/\//i.test(url);
export const isDataUrl = (url: string): boolean => url.length > 5 && url.slice(0, 5).toLowerCase() === 'data:';

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
