// /admin/clients*: the client keys (fingerprints, where each comes from, its label and usage
// today), create one (appended to client_keys.txt; the answer shows the new key once, the only
// time it is ever shown), revoke one (its line removed; it stops working at once).
import { readFile } from 'node:fs/promises';
import { apiError, fingerprint } from '@opengemini/shared';
import type { FastifyInstance } from 'fastify';
import type { ClientKeys } from '../../http';
import { generateAccessKey } from '../../http';
import { sendAdminError } from '../admin-guard';
import { addClientKey, cleanLabel, listClientKeys, removeClientKey } from '../client-admin';
import { FileEditError } from '../file-editor';
import type { PoolContext } from '../../proxy';
import { type Counters, zeroCounters } from '../../accounting';
import type { AdminServices } from './admin';
import { hints, schemas } from './schemas';

interface Deps {
  ctx: PoolContext;
  clientKeys: ClientKeys;
  services: AdminServices;
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

export async function clientRoutes(app: FastifyInstance, { ctx, services }: Deps): Promise<void> {
  const file = ctx.config.CLIENT_KEYS_FILE;

  const list = async () => {
    const now = ctx.now();
    const day = ctx.usage.dayOf(now);
    const today = ctx.usage.clientDay(day);
    const week: Record<string, Counters> = {};
    for (const d of ctx.usage.keptDays()) {
      for (const [fp, c] of Object.entries(ctx.usage.clientDay(d))) {
        const w = (week[fp] ??= zeroCounters());
        w.requests += c.requests;
        w.tokensIn += c.tokensIn;
        w.tokensOut += c.tokensOut;
        w.rateLimited += c.rateLimited;
        w.errors += c.errors;
      }
    }
    return listClientKeys(services.accessKey, await readOrEmpty(file), ctx.config.CLIENT_KEYS).map((c) => ({
      ...c,
      revocable: c.source === 'client_keys_file',
      today: today[c.key] ?? zeroCounters(),
      models: ctx.usage.clientModels(day, c.key),
      kept: week[c.key] ?? zeroCounters(),
    }));
  };

  app.get('/admin/clients', async () => ({ file, clients: await list() }));

  // The schemas refuse a body that is not an object, a label that is not a string, and a
  // revocation without a fingerprint (the preValidation hook makes no body an empty one).
  app.post<{ Body: { label?: string } }>('/admin/clients', { schema: schemas.addClient, config: { schemaHint: hints.addClient } }, async (request, reply) => {
    const label = cleanLabel(request.body.label ?? '');
    const key = generateAccessKey();
    try {
      await services.files.edit(file, (text) => ({ text: addClientKey(text, key, label), result: undefined }), services.reloadClientKeys);
    } catch (err) {
      return sendAdminError(reply, apiError('write_failed', err instanceof FileEditError ? err.message : (err as Error).message));
    }
    request.log.info({ route: '/admin/clients', client: fingerprint(key) }, 'client key created');
    void reply.header('cache-control', 'no-store');
    return { key, fingerprint: fingerprint(key), label, note: 'Shown once: copy it now. The pool keeps it in client_keys.txt and shows only its fingerprint from now on.' };
  });

  app.post<{ Body: { key: string } }>('/admin/clients/revoke', { schema: schemas.revokeClient, config: { schemaHint: hints.revokeClient } }, async (request, reply) => {
    const fp = request.body.key;
    const found = (await list()).find((c) => c.key === fp);
    if (!found) return sendAdminError(reply, apiError('unknown_client_key', `No client key with fingerprint ${fp}.`));
    if (found.source !== 'client_keys_file') {
      const where = found.source === 'env' ? 'the CLIENT_KEYS variable' : `${ctx.config.ACCESS_KEY_FILE} (replace that file and restart to change the main key)`;
      return sendAdminError(reply, apiError('not_revocable', `This key comes from ${where}; only keys in ${file} can be revoked here.`));
    }
    try {
      await services.files.edit(file, (text) => {
        const r = removeClientKey(text, fp);
        return { text: r.text, result: r.removed };
      }, services.reloadClientKeys);
    } catch (err) {
      return sendAdminError(reply, apiError('write_failed', err instanceof FileEditError ? err.message : (err as Error).message));
    }
    request.log.info({ route: '/admin/clients/revoke', client: fp }, 'client key revoked');
    return { revoked: fp, clients: await list() };
  });
}
