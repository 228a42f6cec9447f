// The admin JSON API, /admin/*: everything the dashboard does, for scripts too (documented in
// docs/admin-api.md). Guarded by the admin key (Bearer or x-admin-key) or a dashboard session.
// This file: the overview, usage, the budgets, reset and reload; keys, upstreams and client keys
// have their own files. Errors are OpenAI's envelope with a stable code and the field at fault.
import type { FastifyInstance } from 'fastify';
import type { AdminGuard } from '../admin-guard';
import { sendAdminError } from '../admin-guard';
import { MODEL_FAMILIES, apiError, modelFamily } from '@opengemini/shared';
import type { Budgets } from '../../keys';
import type { ClientKeys } from '../../http';
import { badRequest } from '../../http';
import type { FileEditor } from '../file-editor';
import type { PoolContext } from '../../proxy';
import type { KeyChecker } from '../key-check';
import { nextPacificMidnight } from '../../accounting';
import type { ReloadReport } from '../../sources';
import type { SaveHealth } from '../../state';
import { type Counters, type Hour, type Usage, zeroHour } from '../../accounting';
import { fastifyErrorHandler } from '../../http/fastify-errors';
import { hints, schemas } from './schemas';
import { clientRoutes } from './admin-clients';
import { keyRoutes } from './admin-keys';
import { upstreamRoutes } from './admin-upstreams';

/** What the extended admin API needs besides the forward context (built by pool.ts). */
export interface AdminServices {
  files: FileEditor;
  budgets: Budgets;
  checker: KeyChecker;
  accessKey: string;
  /** Re-read key.txt / upstreams.txt / client_keys.txt after an edit. */
  reloadKeys(): Promise<unknown>;
  reloadUpstreams(): Promise<unknown>;
  reloadClientKeys(): Promise<unknown>;
}

export interface AdminOptions {
  ctx: PoolContext;
  clientKeys: ClientKeys;
  guard: AdminGuard;
  mode: () => string;
  reload: () => Promise<ReloadReport>;
  services: AdminServices | undefined;
  saveHealth: () => SaveHealth;
}

export function summary(c: Counters, rateLimited: number) {
  const ok = c.requests - c.errors - c.rateLimited;
  return {
    requests: c.requests,
    ok,
    successRate: c.requests ? ok / c.requests : null,
    tokensIn: c.tokensIn,
    tokensOut: c.tokensOut,
    rateLimited,
    errors: c.errors + c.rateLimited,
  };
}

function hourSummary(h: Hour) {
  return { requests: h.requests, ok: h.ok, successRate: h.requests ? h.ok / h.requests : null, tokensIn: h.tokensIn, tokensOut: h.tokensOut, rateLimited: h.rateLimited, errors: h.errors };
}

export function overview(ctx: PoolContext, usage: Usage, budgets: Budgets | undefined, mode: string, save: SaveHealth = { saved: true }) {
  const now = ctx.now();
  const day = usage.dayOf(now);
  const series = usage.series(now, 24);
  const last24 = zeroHour();
  for (const { counters: h } of series) {
    last24.requests += h.requests;
    last24.ok += h.ok;
    last24.errors += h.errors;
    last24.rateLimited += h.rateLimited;
    last24.tokensIn += h.tokensIn;
    last24.tokensOut += h.tokensOut;
  }
  const atLimit: Record<string, number> = {};
  if (budgets?.active) {
    for (const e of ctx.keys.all()) {
      for (const [family, u] of Object.entries(budgets.use(e.fp, now))) if (u.spent >= u.limit) atLimit[family] = (atLimit[family] ?? 0) + 1;
    }
  }
  return {
    mode,
    now: new Date(now).toISOString(),
    day,
    nextReset: new Date(nextPacificMidnight(now)).toISOString(),
    today: summary(usage.clientTotalDay(day), usage.totalDay(day).rateLimited),
    last24h: hourSummary(last24),
    series: series.map(({ start, counters }) => ({ start: new Date(start).toISOString(), ...hourSummary(counters) })),
    keys: ctx.keys.counts(now),
    upstreams: { total: ctx.upstreams.size, up: ctx.upstreams.upCount(now) },
    budgets: { active: budgets?.active ?? false, keysAtLimit: atLimit },
    allTime: usage.allTimeFolded(),
    // `saved: false` is shown on the page as "degraded: state not saved", with the reason.
    state: save.saved ? { saved: true } : { saved: false, since: new Date(save.since).toISOString(), error: save.error, attempts: save.attempts },
  };
}

export async function adminRoutes(app: FastifyInstance, opts: AdminOptions): Promise<void> {
  const { ctx, services } = opts;
  app.addHook('onRequest', opts.guard.hook);
  app.addHook('onSend', async (_request, reply, payload) => {
    // Operator data is never cached by a browser or a proxy.
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });
  // No body is an empty one: the schemas check `{}` (a missing required field is named), and the
  // calls whose body is optional (reset, check, export, create a client key) work without one.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined) request.body = {};
  });
  // Fastify's own errors (a body or querystring against its schema, malformed JSON, body too
  // large) in the API's envelope; schema refusals name the field.
  app.setErrorHandler(fastifyErrorHandler('openai'));

  app.post<{ Body: { key?: string } | undefined; Querystring: { fingerprint?: string } }>('/admin/reset', { schema: schemas.reset }, async (request, reply) => {
    const fp = request.body?.key ?? request.query.fingerprint;
    if (!ctx.keys.reset(fp)) {
      return sendAdminError(reply, apiError('unknown_key', `No key with fingerprint ${fp} (see /status).`));
    }
    await ctx.state.flushNow();
    request.log.info({ route: '/admin/reset', key: fp ?? 'all' }, 'keys reset');
    return { reset: fp ?? 'all' };
  });

  app.post('/admin/reload', async () => opts.reload());

  app.get('/admin/overview', async () => overview(ctx, ctx.usage, services?.budgets, opts.mode(), opts.saveHealth()));

  app.get<{ Querystring: { days?: string } }>('/admin/usage', { schema: schemas.usage }, async (request, reply) => {
    const days = request.query.days === undefined ? ctx.config.USAGE_DAYS : Number(request.query.days);
    if (!Number.isInteger(days) || days < 1 || days > 366) return sendAdminError(reply, badRequest('days must be a whole number from 1 to 366', 'days'));
    const kept = ctx.usage.keptDays().slice(-days);
    const keys = ctx.usage.table('keys');
    const clients = ctx.usage.table('clients');
    return {
      days: kept.map((day) => ({ day, keys: keys[day] ?? {}, clients: clients[day] ?? {} })),
      folded: ctx.usage.allTimeFolded(),
      retentionDays: ctx.config.USAGE_DAYS,
    };
  });

  if (!services) return;
  const { budgets } = services;

  app.get('/admin/budgets', async () => ({ families: MODEL_FAMILIES, ...budgets.get(), examples: { 'gemini-2.5-pro': modelFamily('gemini-2.5-pro'), 'gemini-2.5-flash': modelFamily('gemini-2.5-flash'), 'gemini-2.5-flash-lite': modelFamily('gemini-2.5-flash-lite') } }));
  app.put<{ Body: unknown }>('/admin/budgets', { schema: schemas.budgets, config: { schemaHint: hints.budgets } }, async (request, reply) => {
    const parsed = budgets.validate(request.body);
    if (typeof parsed === 'string') return sendAdminError(reply, badRequest(parsed, 'budgets'));
    try {
      await budgets.set(parsed);
    } catch (err) {
      return sendAdminError(reply, apiError('write_failed', `could not save ${budgets.path}: ${(err as Error).message}`));
    }
    request.log.info({ route: '/admin/budgets', defaults: parsed.defaults, perKey: Object.keys(parsed.perKey).length }, 'budgets saved');
    return { families: MODEL_FAMILIES, ...budgets.get() };
  });

  await keyRoutes(app, { ctx, services });
  await upstreamRoutes(app, { ctx, services, mode: opts.mode });
  await clientRoutes(app, { ctx, clientKeys: opts.clientKeys, services });
}
