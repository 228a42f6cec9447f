// Media in OpenAI content parts -> the core's media parts (pure), through the media reader every
// dialect uses (../../media/part.ts): this file only says where each chat part keeps its URL,
// data or file id. Remote URLs are fetched beforehand by the route (collectRemoteMedia here, then
// fetchRequestMedia of ../../media with its rules).
import type { OpenAI } from '@opengemini/shared';
import { badRequest } from '../../errors';
import type { MediaPart } from '../../gemini/conversation';
import { type MediaMap, type RemoteMediaRef, isDataUrl, readMedia, remoteMediaRef } from '../../media';

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

/** One non-text content part as a media part. `param` names the part (`messages[1].content[2]`). */
export function mediaPart(part: OpenAI.ImageUrlPart | OpenAI.InputAudioPart | OpenAI.FilePart, param: string, media: MediaMap | undefined): MediaPart {
  switch (part.type) {
    case 'image_url':
      return readMedia({ url: part.image_url.url }, `${param}.image_url.url`, media);
    case 'input_audio': {
      const { data, format } = part.input_audio;
      const mimeType = AUDIO_MIME[format.toLowerCase()];
      // A data URL says its own type; bare base64 takes the format's.
      if (!mimeType && !isDataUrl(data)) throw badRequest(`Unsupported audio format '${format}'; use one of ${Object.keys(AUDIO_MIME).join(', ')}.`, `${param}.input_audio.format`);
      return readMedia({ data, mimeType }, `${param}.input_audio.data`, media);
    }
    case 'file': {
      const { file_data: data, file_id: id, filename } = part.file;
      if (typeof data === 'string' && data.length > 0) return readMedia({ data, filename }, `${param}.file.file_data`, media);
      if (typeof id === 'string' && id.length > 0) return readMedia({ fileId: id, filename }, `${param}.file.file_id`, media);
      throw badRequest('A file part needs file_data or file_id.', `${param}.file`);
    }
  }
}

/** The http(s) media URLs of a request that must be fetched before mapping it, in order. */
export function collectRemoteMedia(req: OpenAI.ChatCompletionRequest): RemoteMediaRef[] {
  const refs: RemoteMediaRef[] = [];
  req.messages.forEach((msg, i) => {
    if (!Array.isArray(msg.content)) return;
    msg.content.forEach((part, j) => {
      if (part.type !== 'image_url') return;
      const ref = remoteMediaRef(part.image_url.url, `messages[${i}].content[${j}].image_url.url`, `image_url at messages[${i}].content[${j}]`);
      if (ref) refs.push(ref);
    });
  });
  return refs;
}
