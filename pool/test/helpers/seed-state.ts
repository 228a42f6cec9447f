// A state file for a pool that has been running for a day: hourly traffic, usage per key, model
// and client, so the dashboard has something to show (the browser test's screenshot). Written
// into DATA_DIR before the pool starts; the pool's own restore code reads it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fingerprint } from '@opengemini/shared';
import { pacificDay } from '../../src/accounting/pacific-day';
import { STATE_VERSION } from '../../src/state/state';
import type { Counters, Hour } from '../../src/accounting/usage';

const HOUR = 3_600_000;

export async function seedState(dataDir: string, keys: string[], clientKey: string, now = Date.now()): Promise<void> {
  const day = pacificDay(now);
  const hours: Record<string, Hour> = {};
  const last = now - (now % HOUR);
  for (let i = 1; i < 24; i++) {
    const start = last - i * HOUR;
    // A day's shape: quiet at night, busy in the afternoon, a burst of 429s once.
    const local = new Date(start).getUTCHours();
    const requests = Math.round(40 + 120 * Math.max(0, Math.sin(((local - 6) / 24) * 2 * Math.PI)) + ((i * 37) % 23));
    const errors = i % 7 === 0 ? 4 : i % 5 === 0 ? 1 : 0;
    hours[start] = { requests, ok: requests - errors, errors, rateLimited: i === 9 ? 14 : i % 4 === 0 ? 2 : 0, tokensIn: requests * 1450, tokensOut: requests * 380 };
  }
  const models = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.5-flash-lite'];
  const byKey: Record<string, Record<string, Counters>> = {};
  keys.forEach((k, i) => {
    const out: Record<string, Counters> = {};
    models.forEach((m, j) => {
      const requests = Math.max(0, 60 - i * 5 - j * 20 + ((i * 13) % 9));
      if (requests) out[m] = { requests, tokensIn: requests * 1400, tokensOut: requests * 390, rateLimited: j === 1 && i % 3 === 0 ? 2 : 0, errors: i % 4 === 0 ? 1 : 0 };
    });
    byKey[fingerprint(k)] = out;
  });
  const clientTotal = Object.values(byKey).flatMap((m) => Object.values(m)).reduce((t, c) => t + c.requests, 0);
  const clients = {
    [day]: {
      [fingerprint(clientKey)]: {
        'gemini-2.5-flash': { requests: clientTotal, tokensIn: clientTotal * 1400, tokensOut: clientTotal * 390, rateLimited: 0, errors: 3 },
      },
    },
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(
    join(dataDir, 'state.json'),
    JSON.stringify({ version: STATE_VERSION, savedAt: now, keys: {}, upstreams: {}, usage: { keys: { [day]: byKey }, clients, hours } }),
  );
}
