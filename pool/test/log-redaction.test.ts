import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from '../src/log';

const gemini = `AIza${'Q'.repeat(35)}`;
const client = `sk-${'ab'.repeat(24)}`;

describe('no secret reaches a log line', () => {
  it('scrubs Google keys to fingerprints and sk- keys entirely', () => {
    const line = scrubSecrets(`failed with ${gemini} for ${client}`);
    expect(line).not.toContain(gemini);
    expect(line).not.toContain(client);
    expect(line).toContain('[key …QQQQ#');
    expect(line).toContain('sk-[redacted]');
  });

  it('whatever is logged (messages, objects, errors, request headers and URLs) comes out clean', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (l: string) => lines.push(l) });
    log.info(`key ${gemini}`);
    log.warn({ detail: { nested: gemini }, client }, 'object');
    log.error({ err: new Error(`Google said api_key:${gemini}`) }, 'error');
    log.info({ req: { method: 'GET', url: `/v1beta/models?key=${client}`, headers: { authorization: `Bearer ${client}`, 'x-goog-api-key': gemini } } }, 'request');
    const all = lines.join('');
    expect(lines).toHaveLength(4);
    expect(all).not.toContain(gemini);
    expect(all).not.toContain(client);
    expect(all).not.toContain('?key=');
  });
});
