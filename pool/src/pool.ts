// Assembling a running pool from a Config, in start-up order: state -> keys -> upstreams ->
// client keys -> server -> watchers. main.ts adds printing and signals; tests call this directly.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ClientKeys, loadClientKeys, loadOrCreateAccessKey } from './http';
import { effectiveAdminKey } from './admin';
import { buildApp } from './http';
import { Budgets, parseLimitsText } from './keys';
import type { Config } from './config';
import { FileEditor } from './admin';
import type { PoolContext } from './proxy';
import { checkWorkersAtStart, KeyChecker } from './admin';
import { FileKeys, KeyRing, holdKeys } from './keys';
import { PoolMetrics } from './accounting';
import type { AdminServices } from './admin';
import { Sessions, loadSessionSecret } from './admin';
import { type Mode, Sources, StartupError } from './sources';
import { FileStateStore, type PersistedState, STATE_VERSION, StateKeeper } from './state';
import { allRegionBlockedMessage, DIRECT_ID, UpstreamSet } from './upstreams';
import { Usage } from './accounting';
import { type Watcher, watchContent } from './sources';

export interface PoolOptions {
  logger: Logger;
  /** Direct mode's fetch (tests); the global fetch by default. */
  directFetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
}

export interface RunningPool {
  app: FastifyInstance;
  ctx: PoolContext;
  sources: Sources;
  /** `http://host:port` as listening (a wildcard host shown as 127.0.0.1). */
  url: string;
  accessKey: string;
  accessKeyCreated: boolean;
  mode(): Mode;
  /** Stops accepting, lets in-flight requests finish (at most SHUTDOWN_GRACE_MS), saves state. */
  close(): Promise<void>;
}

export async function startPool(config: Config, opts: PoolOptions): Promise<RunningPool> {
  const log = opts.logger;
  const now = opts.now ?? Date.now;

  // 1. State (read now, applied once keys and upstreams exist).
  const store = new FileStateStore(config.DATA_DIR, (m) => log.warn(m));
  const saved = await store.load();

  // 2. Keys and 3. upstreams.
  const keys = new KeyRing();
  const upstreams = new UpstreamSet(
    { threshold: config.BREAKER_FAILURES, backoffMs: config.BREAKER_BACKOFF_MS, maxBackoffMs: config.BREAKER_MAX_BACKOFF_MS },
    { allRegionBlocked: (list) => log.warn(allRegionBlockedMessage(list, DIRECT_ID)) },
  );
  const sources = new Sources(config, keys, upstreams, log, opts.directFetch);
  if (sources.egress) log.info(sources.egress);
  await sources.loadKeys(true);
  await sources.loadUpstreams(true);

  const usage = new Usage(config.USAGE_DAYS);
  if (saved) {
    keys.restore(saved.keys, now());
    upstreams.restore(saved.upstreams);
    usage.restore(saved.usage);
  }
  // Which key each uploaded file belongs to; operator rights come from the client keys (step 4).
  const files = new FileKeys((fp) => clientKeys.isOperator(fp), now);
  if (saved) files.restore(saved.files);
  // Sessions exist from step 4 on (they need the admin key); saves before that carry the saved list on.
  let sessions: Sessions | undefined;
  const collect = (): PersistedState => ({ version: STATE_VERSION, savedAt: now(), keys: keys.snapshot(now()), upstreams: upstreams.snapshot(), usage: usage.snapshot(), files: files.snapshot(), sessions: sessions?.snapshot() ?? saved?.sessions ?? [] });
  const keeper = new StateKeeper(store, collect, config.STATE_FLUSH_MS, (m) => log.warn(m));
  const initialBudgets = parseLimitsText(config.KEY_BUDGETS);
  if (typeof initialBudgets === 'string') {
    // Some messages name the field already (`KEY_BUDGETS.ultra: ...`): name the variable once.
    throw new StartupError(`Invalid configuration: KEY_BUDGETS ${initialBudgets.replace(/^KEY_BUDGETS\.?/, '')}`);
  }
  const budgets = new Budgets(config.DATA_DIR, usage);
  await budgets.load(initialBudgets, (m) => log.warn(m));
  keys.useBudget(budgets);
  const ctx: PoolContext = { config, keys, upstreams, usage, state: keeper, now, random: opts.random ?? Math.random, files };
  ctx.metrics = new PoolMetrics(ctx);

  // 4. Client keys.
  const access = await loadOrCreateAccessKey(config.ACCESS_KEY_FILE);
  // The main key has operator rights on native routes; extra keys only with `[operator]` in their label.
  const clientKeyLists = async (): Promise<[string[], string[]]> => {
    const { keys, operators } = await loadClientKeys(access.key, config.CLIENT_KEYS_FILE, config.CLIENT_KEYS);
    return [keys, operators];
  };
  const clientKeys = new ClientKeys(...(await clientKeyLists()));
  const adminKey = effectiveAdminKey(config.ADMIN_KEY, access.key);
  // The admin key and the default Worker secret are scrubbed like every key the pool holds
  // (config is read once; upstreams.txt's own secrets are held as it is loaded, in Sources).
  holdKeys([config.ADMIN_KEY, config.WORKER_SECRET].filter(Boolean));
  // Wrong keys are limited per address, not across addresses (one guesser must not lock the
  // operator out), so many addresses together can try many keys: the admin key must be long.
  if (config.ADMIN_KEY && config.ADMIN_KEY.length < 16) log.warn('ADMIN_KEY is shorter than 16 characters: use a long random one (e.g. `openssl rand -hex 24`), as guesses from many addresses are not limited together');
  // A sign-out is saved at once, like a disabled key: a kept copy of the cookie must stay dead.
  sessions = new Sessions(await loadSessionSecret(config.DATA_DIR, (m) => log.warn(m)), adminKey, config.SESSION_TTL_MS, now, () => keeper.flushNow());
  sessions.restore(saved?.sessions);
  // One save now: a read-only or full DATA_DIR shows in /health from the start, not at the first
  // disabled key.
  await keeper.flushNow();

  // 5. Server.
  const reload = async () => {
    const report = await sources.reload();
    clientKeys.replace(...(await clientKeyLists()));
    models.clear();
    keeper.schedule();
    return report;
  };
  const reloadClientKeys = async () => clientKeys.replace(...(await clientKeyLists()));
  const services: AdminServices = {
    files: new FileEditor(),
    budgets,
    checker: new KeyChecker(ctx, config.CHECK_CONCURRENCY, () => void keeper.flushNow()),
    accessKey: access.key,
    // The dashboard's own edits are deliberate: deleting the last keys there empties the pool.
    reloadKeys: () => sources.loadKeys(false, true).then(() => keeper.schedule()),
    reloadUpstreams: () => sources.loadUpstreams(false).then(() => models.clear()),
    reloadClientKeys,
  };
  const { app, models } = buildApp({ ctx, clientKeys, logger: log, mode: () => sources.mode, reload, sessions, accessKey: access.key, services, saveHealth: () => keeper.health });
  // Once the server has stopped (in-flight requests done): save the state, release connections.
  app.addHook('onClose', async () => {
    await keeper.close();
    await upstreams.close();
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  // From the socket, not the URL: `new URL('http://h:80').port` is '' for the default port.
  const port = (app.server.address() as AddressInfo).port;
  const shownHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;

  // 6. Watchers: edits to key.txt / upstreams.txt / client_keys.txt apply within seconds.
  const watchers: Watcher[] = [
    watchContent(config.KEY_FILE, () => void sources.loadKeys(false).then(() => keeper.schedule()).catch((e: Error) => log.warn(`reload of ${config.KEY_FILE} failed: ${e.message}`)), { pollMs: config.WATCH_POLL_MS }),
    watchContent(config.UPSTREAM_FILE, () => void sources.loadUpstreams(false).then(() => models.clear()).catch((e: Error) => log.warn(`reload of ${config.UPSTREAM_FILE} failed: ${e.message}`)), { pollMs: config.WATCH_POLL_MS }),
    watchContent(config.CLIENT_KEYS_FILE, () => void reloadClientKeys().catch((e: Error) => log.warn(`reload of ${config.CLIENT_KEYS_FILE} failed: ${e.message}`)), { pollMs: config.WATCH_POLL_MS }),
  ];

  // 7. The start-up check, in the background: start and /health never wait for it.
  let startupCheck: Promise<void> | undefined;
  const startupTimer = config.STARTUP_CHECK && sources.mode === 'workers'
    ? setTimeout(() => {
        startupCheck = checkWorkersAtStart(ctx, log).catch((e: Error) => log.warn(`start-up check failed: ${e.message}`));
      }, 0)
    : undefined;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      clearTimeout(startupTimer);
      for (const w of watchers) w.close();
      // Stop accepting; busy connections (streams) get SHUTDOWN_GRACE_MS to finish.
      const grace = new Promise<'timeout'>((r) => setTimeout(r, config.SHUTDOWN_GRACE_MS, 'timeout').unref());
      // A keep-alive connection whose stream just ended would otherwise hold close() open until
      // its idle timeout: close connections as soon as they go idle.
      const sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
      const closed = app.close(); // then its onClose hook saves the state
      const how = await Promise.race([closed.then(() => 'closed' as const), grace]);
      if (how === 'timeout') {
        log.warn(`in-flight requests still running after SHUTDOWN_GRACE_MS (${config.SHUTDOWN_GRACE_MS} ms): closing them`);
        app.server.closeAllConnections();
      }
      await closed;
      clearInterval(sweeper);
      // Its probes end with the transports (closed by onClose); their settling lands before we return.
      await startupCheck;
    })());

  return { app, ctx, sources, url: `http://${shownHost}:${port}`, accessKey: access.key, accessKeyCreated: access.created, mode: () => sources.mode, close };
}
