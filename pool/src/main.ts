// `node pool/dist/main.js`: start-up in order (config -> state -> keys -> upstreams -> server ->
// signals), a banner with the mode, the counts, the base URL and the client key, and a clean
// shutdown on SIGTERM/SIGINT. Every start-up failure is one line on stderr and exit code 1.
import { ConfigError, loadConfig } from './config';
import { createLogger, logOutput } from './log';
import { startPool } from './pool';
import { StartupError } from './sources';

function fail(message: string): never {
  process.stderr.write(`opengemini pool: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config;
  try {
    config = await loadConfig(process.env);
  } catch (err) {
    fail(err instanceof ConfigError ? err.message : `could not read the configuration: ${(err as Error).message}`);
  }
  const logger = createLogger(config.LOG_LEVEL);

  let pool;
  try {
    pool = await startPool(config, { logger });
  } catch (err) {
    if (err instanceof StartupError) fail(err.message);
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') fail(`port ${config.PORT} is already in use (set PORT to another port)`);
    if (e.code === 'EACCES' && e.syscall === 'listen') fail(`${e.message} (permissions; for ports below 1024 run as root or set PORT)`);
    fail(e.message);
  }
  const { ctx } = pool;

  const counts = ctx.keys.counts(Date.now());
  const mode = pool.mode() === 'direct' ? 'direct (no upstreams.txt entries: calling Gemini from this server)' : `workers (${ctx.upstreams.size} upstream(s) from ${config.UPSTREAM_FILE})`;
  logger.info({ mode: pool.mode(), keys: counts.total, disabled: counts.disabled, upstreams: ctx.upstreams.size }, 'pool started');
  // The banner is for the operator's terminal, deliberately not a log line: it shows the client
  // key so it can be pasted into a client. It never shows a Gemini key. After the lines before it.
  logOutput().flush();
  process.stdout.write(
    [
      '',
      `  OpenGemini pool  mode: ${mode}`,
      `  keys: ${counts.total} loaded (${counts.disabled} disabled, ${counts.cooling} cooling)`,
      `  base URL: ${pool.url}/v1`,
      `  API key:  ${pool.accessKey}${pool.accessKeyCreated ? `   (new, saved to ${config.ACCESS_KEY_FILE})` : ''}`,
      `  dashboard: ${pool.url}/   (sign in with ${config.ADMIN_KEY ? 'ADMIN_KEY' : 'the API key'})`,
      '',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    pool.close().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
