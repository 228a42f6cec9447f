// Media in OpenAI content parts -> Gemini parts (pure): data URLs parsed in place, Gemini file
// and YouTube URIs passed by reference, any other http(s) URL fetched beforehand by the route
// (collectRemoteMedia here, then fetchRemoteMedia of ../../media with its rules) and inlined.
import type { Gemini, OpenAI } from '@opengemini/shared';
import { base64Head } from '../../base64';
import { badRequest, unsupported } from '../../errors';
import { type Media, type RemoteMediaRef, isDataUrl, isGeminiFileUri, isHttpUrl, mimeFromFilename, parseDataUrl, sniffMime } from '../../media';

/** Fetched media by URL. */
export type MediaMap = ReadonlyMap<string, Media>;

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
// Remote media to fetch first
// ---------------------------------------------------------------------------------------------

/** The http(s) media URLs of a request that must be fetched before mapping it, in order. */
export function collectRemoteMedia(req: OpenAI.ChatCompletionRequest): RemoteMediaRef[] {
  const refs: RemoteMediaRef[] = [];
  req.messages.forEach((msg, i) => {
    if (!Array.isArray(msg.content)) return;
    msg.content.forEach((part, j) => {
      if (part.type !== 'image_url') return;
      const url = part.image_url.url;
      if (!isHttpUrl(url) || isGeminiFileUri(url)) return;
      refs.push({ url, param: `messages[${i}].content[${j}].image_url.url`, name: `image_url at messages[${i}].content[${j}]` });
    });
  });
  return refs;
}
