// The logger (pino, given to Fastify as its logger): one line per request, never a secret.
// Three layers: nothing logs headers or query strings in the first place (the req serializer
// keeps the method and the path only); known secret header paths are redacted; and every line is
// scrubbed of anything key-shaped on its way out, so even an error message echoing a key is safe.
import { pino, type DestinationStream, type Logger } from 'pino';
import { scrubHeldKeys } from './keys';

const CLIENT_KEY_PATTERN = /sk-[A-Za-z0-9_-]{16,}/g;

/** Removes held keys and Google-shaped ones (as fingerprints) and sk- client keys from a line of text. */
export function scrubSecrets(text: string): string {
  const scrubbed = scrubHeldKeys(text);
  return scrubbed.includes('sk-') ? scrubbed.replace(CLIENT_KEY_PATTERN, 'sk-[redacted]') : scrubbed;
}

/** Wraps a destination so every line is scrubbed before it is written. */
export function scrubbingStream(dest: { write(line: string): unknown }): DestinationStream {
  return { write: (line: string) => void dest.write(scrubSecrets(line)) };
}

export interface RequestLike {
  method?: string;
  url?: string;
}

export function createLogger(level: string, dest: { write(line: string): unknown } = process.stdout): Logger {
  return pino(
    {
      level,
      base: null,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-goog-api-key"]', 'req.headers["x-api-key"]', 'req.headers["x-opengemini-secret"]', 'req.headers["x-admin-key"]', 'headers.authorization'],
        censor: '[redacted]',
      },
      serializers: {
        // The path only: a query string may carry ?key=.
        req: (req: RequestLike) => ({ method: req.method, url: (req.url ?? '').split('?')[0] }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    scrubbingStream(dest),
  );
}
