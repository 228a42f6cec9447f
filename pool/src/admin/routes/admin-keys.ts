// /admin/keys*: the key table (filter, sort, page), bulk add, delete, disable / enable, clear
// cooldowns, check (models-list probes with progress), delete all disabled, export. Adding and
// deleting edit key.txt (atomically, comments kept) and reload it; disabling is kept in the
// state file. Keys are named by fingerprint everywhere, except in the export, whose job is to
// hand the keys back to the operator who owns them.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { apiError } from '@opengemini/shared';
import { sendAdminError } from '../admin-guard';
import { type KeyQuery, type KeyState, OPERATOR, type Sort, keyRow, queryRows } from '../admin-views';
import { badRequest } from '../../http';
import { FileEditError } from '../file-editor';
import type { PoolContext } from '../../proxy';
import type { KeyEntry } from '../../keys';
import { meaningfulLines } from '../../keys';
import { addKeys, removeKeys } from '../line-edit';
import type { AdminServices } from './admin';
import { KEY_STATES, hints, schemas } from './schemas';

interface Deps {
  ctx: PoolContext;
  services: AdminServices;
}

/** Largest paste: far above any real pool, small enough to answer in a second. */
export const MAX_PASTE_WORDS = 100_000;

type Selection = { entries: KeyEntry[]; unknown: string[] };

/** A selection body, as the route's schema lets it through (schemas.ts selection()). */
type SelectionBody = { keys?: string[]; state?: (typeof KEY_STATES)[number] };

/** The refusal when a selection names keys and none is known; undefined when it names any known key. */
function refuseAllUnknown(reply: FastifyReply, sel: Selection) {
  if (sel.entries.length || !sel.unknown.length) return undefined;
  return sendAdminError(reply, apiError('unknown_key', `No key with fingerprint ${sel.unknown.join(', ')}.`));
}

/**
 * `{"keys": [fingerprints]}` or `{"state": "disabled"}`: the keys an action applies to. The
 * route's schema has already refused a body that is not an object, keys that are not a list of
 * strings and a state that is not one of KEY_STATES.
 */
function select(ctx: PoolContext, body: SelectionBody, required: boolean): Selection | string {
  const now = ctx.now();
  if (body.keys !== undefined) {
    const entries: KeyEntry[] = [];
    const unknown: string[] = [];
    for (const fp of new Set(body.keys)) {
      const e = ctx.keys.get(fp);
      if (e) entries.push(e);
      else unknown.push(fp);
    }
    return { entries, unknown };
  }
  if (body.state !== undefined) {
    const entries = ctx.keys.all().filter((e) => {
      if (body.state === 'all') return true;
      const state: KeyState = e.disabled ? 'disabled' : [...e.cooldowns.values()].some((c) => c.until > now) ? 'cooling' : 'ok';
      return state === body.state;
    });
    return { entries, unknown: [] };
  }
  return required ? 'name the keys: {"keys": ["…abcd#12ab34", ...]} or {"state": "disabled"}' : { entries: [...ctx.keys.all()], unknown: [] };
}

/** The pasted text: a JSON {"text": "..."} or {"keys": [...]}, or a text/plain body. */
function pasted(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as { text?: unknown; keys?: unknown };
  if (typeof b.text === 'string') return b.text;
  if (Array.isArray(b.keys) && b.keys.every((k) => typeof k === 'string')) return (b.keys as string[]).join('\n');
  return undefined;
}

export async function keyRoutes(app: FastifyInstance, { ctx, services }: Deps): Promise<void> {
  const { files, budgets, checker } = services;
  const keyFile = ctx.config.KEY_FILE;
  const writeFailed = (err: unknown) => apiError('write_failed', err instanceof FileEditError ? err.message : `could not update ${keyFile}: ${(err as Error).message}`);

  app.get<{ Querystring: Record<string, string | undefined> }>('/admin/keys', { schema: schemas.listKeys }, async (request, reply) => {
    const q = request.query;
    const query: KeyQuery = {};
    // state, sort and order are checked against their enums by the route's schema.
    if (q.state !== undefined) query.state = q.state as KeyQuery['state'] & string;
    if (q.sort !== undefined) query.sort = q.sort as Sort;
    if (q.order !== undefined) query.order = q.order as 'asc' | 'desc';
    for (const [name, min, max] of [['offset', 0, 1e9], ['limit', 1, 1000]] as const) {
      const raw = q[name];
      if (raw === undefined) continue;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) return sendAdminError(reply, badRequest(`${name} must be a whole number from ${min} to ${max}`, name));
      query[name] = n;
    }
    if (q.q) query.q = q.q.slice(0, 200);
    const now = ctx.now();
    const rows = ctx.keys.all().map((e) => keyRow(e, ctx.usage, budgets, now));
    const { matched, items } = queryRows(rows, query);
    return { total: rows.length, matched, offset: query.offset ?? 0, limit: query.limit ?? 50, counts: ctx.keys.counts(now), items };
  });

  app.post<{ Body: unknown }>('/admin/keys', { schema: schemas.addKeys, config: { schemaHint: hints.addKeys } }, async (request, reply) => {
    const text = pasted(request.body);
    if (text === undefined) return sendAdminError(reply, badRequest('Send the keys as {"text": "one key per line"}, {"keys": ["...", ...]} or a text/plain body.', 'text'));
    if (meaningfulLines(text).next().done) return sendAdminError(reply, badRequest('The paste is empty: put one Gemini API key per line.', 'text'));
    const words = text.split(/[\s,;]+/).length;
    if (words > MAX_PASTE_WORDS) return sendAdminError(reply, badRequest(`Too many lines at once (${words}); send at most ${MAX_PASTE_WORDS}.`, 'text'));
    try {
      const report = await files.edit(keyFile, (current) => {
        const r = addKeys(current, text);
        return { text: r.text, result: r.report };
      }, services.reloadKeys);
      request.log.info({ route: '/admin/keys', added: report.added.length, duplicates: report.duplicates.length, malformed: report.malformed.length }, 'keys added');
      return { added: report.added.length, addedKeys: report.added, duplicates: report.duplicates, malformed: report.malformed, total: ctx.keys.size };
    } catch (err) {
      return sendAdminError(reply, writeFailed(err));
    }
  });

  const deleteKeys = async (fps: Set<string>, route: string, log: FastifyInstance['log']) => {
    const removed = await files.edit(keyFile, (current) => {
      const r = removeKeys(current, fps);
      return { text: r.text, result: r.removed };
    }, services.reloadKeys);
    log.info({ route, deleted: removed.length }, 'keys deleted');
    return [...new Set(removed)];
  };

  app.post<{ Body: SelectionBody }>('/admin/keys/delete', { schema: schemas.select, config: { schemaHint: hints.select } }, async (request, reply) => {
    const sel = select(ctx, request.body, true);
    if (typeof sel === 'string') return sendAdminError(reply, badRequest(sel, 'keys'));
    const refused = refuseAllUnknown(reply, sel);
    if (refused) return refused;
    try {
      const deleted = await deleteKeys(new Set(sel.entries.map((e) => e.fp)), '/admin/keys/delete', request.log);
      return { deleted, unknown: sel.unknown, total: ctx.keys.size };
    } catch (err) {
      return sendAdminError(reply, writeFailed(err));
    }
  });

  app.post('/admin/keys/delete-disabled', async (request, reply) => {
    const disabled = ctx.keys.all().filter((e) => e.disabled);
    if (!disabled.length) return { deleted: [], unknown: [], total: ctx.keys.size };
    try {
      const deleted = await deleteKeys(new Set(disabled.map((e) => e.fp)), '/admin/keys/delete-disabled', request.log);
      return { deleted, unknown: [], total: ctx.keys.size };
    } catch (err) {
      return sendAdminError(reply, writeFailed(err));
    }
  });

  /** disable / enable / clear-cooldown: in memory and the state file, key.txt untouched. */
  type ActionBody = SelectionBody & { note?: string; model?: string };
  const act = (route: string, schema: object, required: boolean, apply: (e: KeyEntry, body: ActionBody) => boolean) =>
    app.post<{ Body: ActionBody }>(route, { schema, config: { schemaHint: hints.select } }, async (request, reply) => {
      const body = request.body;
      const sel = select(ctx, body, required);
      if (typeof sel === 'string') return sendAdminError(reply, badRequest(sel, 'keys'));
      const refused = refuseAllUnknown(reply, sel);
      if (refused) return refused;
      const changed = sel.entries.filter((e) => apply(e, body)).map((e) => e.fp);
      await ctx.state.flushNow();
      request.log.info({ route, changed: changed.length }, 'keys changed');
      return { changed, unknown: sel.unknown, counts: ctx.keys.counts(ctx.now()) };
    });

  act('/admin/keys/disable', schemas.disable, true, (e, body) => {
    if (e.disabled?.reason === OPERATOR) return false;
    const note = body.note?.trim() ? `: ${body.note.trim().slice(0, 200)}` : '';
    ctx.keys.disable(e, OPERATOR, `Disabled by the operator${note}`, ctx.now());
    return true;
  });
  act('/admin/keys/enable', schemas.select, true, (e) => ctx.keys.enable(e));
  // The schema refuses an empty or non-string model: no model clears every model.
  act('/admin/keys/clear-cooldown', schemas.clearCooldown, true, (e, body) => ctx.keys.clearCooldowns(e, body.model) > 0);

  app.post<{ Body: SelectionBody }>('/admin/keys/check', { schema: schemas.select, config: { schemaHint: hints.select } }, async (request, reply) => {
    const sel = select(ctx, request.body, false);
    if (typeof sel === 'string') return sendAdminError(reply, badRequest(sel, 'keys'));
    const refused = refuseAllUnknown(reply, sel);
    if (refused) return refused;
    const job = checker.start(sel.entries);
    if (!job) return sendAdminError(reply, apiError('check_running', 'A key check is already running: follow it with GET /admin/keys/check.'));
    request.log.info({ route: '/admin/keys/check', keys: job.total }, 'key check started');
    return reply.code(202).send({ ...job, unknown: sel.unknown });
  });

  app.get('/admin/keys/check', async (_request, reply) => {
    const job = checker.job;
    if (!job) return sendAdminError(reply, apiError('no_check', 'No key check has run since the pool started: POST /admin/keys/check starts one.'));
    return job;
  });

  app.post<{ Body: SelectionBody }>('/admin/keys/export', { schema: schemas.select, config: { schemaHint: hints.select } }, async (request, reply) => {
    const sel = select(ctx, request.body, false);
    if (typeof sel === 'string') return sendAdminError(reply, badRequest(sel, 'keys'));
    const now = ctx.now();
    const lines = [`# OpenGemini pool keys, exported ${new Date(now).toISOString()} (${sel.entries.length} keys)`];
    for (const e of sel.entries) {
      const cooling = [...e.cooldowns.entries()].filter(([, c]) => c.until > now).map(([m, c]) => `${m} ${c.reason}`);
      const note = e.disabled ? `  # disabled: ${e.disabled.reason}` : cooling.length ? `  # cooling: ${cooling.join(', ')}` : '';
      lines.push(`${e.key}${note}`);
    }
    // The one answer that holds keys: never cached, never logged (the log line has no body).
    request.log.info({ route: '/admin/keys/export', keys: sel.entries.length }, 'keys exported');
    return reply
      .header('content-type', 'text/plain; charset=utf-8')
      .header('content-disposition', 'attachment; filename="key.txt"')
      .header('cache-control', 'no-store')
      .send(`${lines.join('\n')}\n`);
  });
}
