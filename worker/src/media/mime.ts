// Media types: from magic bytes, from a file name, and which ones Gemini takes inline.

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

export const GENERIC_MIME = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);
/** Common misspellings clients send. */
const MIME_ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'audio/mpeg': 'audio/mp3', 'audio/x-wav': 'audio/wav', 'audio/wave': 'audio/wav' };

export function normalizeMime(mime: string): string {
  return MIME_ALIASES[mime] ?? mime;
}

/** What Gemini takes inline from a fetched URL: images, PDFs, audio, video. */
export function acceptedRemoteMime(mime: string): boolean {
  return mime.startsWith('image/') || mime.startsWith('audio/') || mime.startsWith('video/') || mime === 'application/pdf';
}
