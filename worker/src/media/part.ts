// A media part of any dialect -> the core's MediaPart (pure). Each dialect says where its part's
// bytes are in these neutral terms, naming its own field for errors; the rules are the same for all:
// - a URL: a data: URL is parsed in place, a Gemini file or YouTube URI passed by reference, any
//   other http(s) URL fetched before mapping (remoteMediaRef, then fetch.ts with its rules) and
//   inlined;
// - data: a data: URL, or bare base64 whose media type is declared, or told by the filename,
//   or by the bytes themselves;
// - a file id: a Gemini Files API name (files/<id>) or its URI, by reference.
import type { Gemini } from '@opengemini/shared';
import { base64Head } from '../base64';
import { badRequest, unsupported } from '../errors';
import type { MediaPart } from '../gemini/conversation';
import { isDataUrl, isGeminiFileUri, isHttpUrl, parseDataUrl } from './data-url';
import type { MediaMap, RemoteMediaRef } from './fetch';
import { mimeFromFilename, sniffMime } from './mime';

/** Where a part's media is, whatever the dialect called it. */
export type MediaSource =
  | { url: string }
  | { data: string; mimeType?: string | undefined; filename?: string | undefined }
  | { fileId: string; filename?: string | undefined };

/**
 * The media part for a source; `param` is the client's field that holds the URL, data or id
 * (`messages[1].content[2].image_url.url`), named by every error. `fetched`: the request's remote
 * media, fetched beforehand by URL.
 */
export function readMedia(source: MediaSource, param: string, fetched: MediaMap | undefined): MediaPart {
  if ('url' in source) return fromUrl(source.url, param, fetched);
  if ('data' in source) return { kind: 'media', inlineData: fromData(source, param) };
  return { kind: 'media', fileData: fromFileId(source.fileId, source.filename, param) };
}

/** The URL as one to fetch before mapping, or undefined when it is read in place or by Gemini. */
export function remoteMediaRef(url: string, param: string, name: string): RemoteMediaRef | undefined {
  return isHttpUrl(url) && !isGeminiFileUri(url) ? { url, param, name } : undefined;
}

function fromUrl(url: string, param: string, fetched: MediaMap | undefined): MediaPart {
  if (isDataUrl(url)) return { kind: 'media', inlineData: parseDataUrl(url, param) };
  if (isGeminiFileUri(url)) return { kind: 'media', fileData: { fileUri: url } };
  if (isHttpUrl(url)) {
    const media = fetched?.get(url);
    if (!media) throw badRequest('This media URL was not fetched; the converter cannot inline it.', param);
    return { kind: 'media', inlineData: { mimeType: media.mimeType, data: media.data } };
  }
  throw badRequest('A media URL must be an http(s) URL or a data: URL.', param);
}

function fromData(source: { data: string; mimeType?: string | undefined; filename?: string | undefined }, param: string): Gemini.Blob {
  const { data, filename } = source;
  if (isDataUrl(data)) return parseDataUrl(data, param, filename);
  if (data.length === 0) throw badRequest('The media data is empty.', param);
  const mimeType = source.mimeType || mimeFromFilename(filename) || sniffMime(base64Head(data));
  if (!mimeType) throw badRequest('Cannot tell the media type of this data: send a data URL (data:<media type>;base64,...) or a filename with a known extension.', param);
  return { mimeType, data };
}

/** Gemini's own files only: an OpenAI or Anthropic file id is not ours to resolve. */
function fromFileId(id: string, filename: string | undefined, param: string): Gemini.FileData {
  const uri = /^files\/[^/]+$/.test(id) ? `https://generativelanguage.googleapis.com/v1beta/${id}` : id;
  if (!isGeminiFileUri(uri)) {
    throw unsupported('file_id must name a Gemini file (files/<id> or its https://generativelanguage.googleapis.com URI); send other files inline as file_data.', param);
  }
  const fileData: Gemini.FileData = { fileUri: uri };
  const mimeType = mimeFromFilename(filename);
  if (mimeType) fileData.mimeType = mimeType;
  return fileData;
}
