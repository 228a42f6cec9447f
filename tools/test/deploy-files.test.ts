// The deployment files (Dockerfile, docker-compose.yml, the systemd unit, install.sh, the
// example files) are read here and held to the start-up code they configure: every variable they
// set exists in the pool's config schema, ports match its default, paths agree with each other,
// the health check hits the route the pool serves, and the scripts parse (shellcheck too, where
// installed). A rename in config.ts or a moved file breaks this test, not a user's deployment.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../pool/src/config';
import { parseKeyFile } from '../../pool/src/keys/key-file';
import { parseUpstreamFile } from '../../pool/src/upstreams/list-file';
import { repoRoot } from '../src/oracles/paths';

const read = (path: string) => readFileSync(resolve(repoRoot, path), 'utf8');
const known = new Set(Object.keys(configSchema.properties));
/** Variables that are Node's, not the pool's. */
const NODE_VARS = new Set(['NODE_ENV']);
const defaults = configSchema.properties as Record<string, { default: unknown }>;

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

// ---- Dockerfile --------------------------------------------------------------------------------

const dockerfile = read('Dockerfile');
/** Instructions with continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stages = instructions.reduce<string[][]>((acc, line) => {
  if (/^FROM\s/i.test(line)) acc.push([]);
  acc.at(-1)?.push(line);
  return acc;
}, []);
const runtime = stages.at(-1) ?? [];
const dockerEnv: Record<string, string> = {};
for (const line of runtime.filter((l) => /^ENV\s/.test(l))) {
  for (const m of line.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|\S+)/g)) dockerEnv[m[1]!] = m[2]!.replace(/^"|"$/g, '');
}

describe('Dockerfile', () => {
  it('is multi-stage: built with pnpm through npx, run from a small Node image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]!.some((l) => /^RUN npx -y pnpm@10 install --frozen-lockfile/.test(l))).toBe(true);
    expect(stages[0]!.some((l) => /^RUN npx -y pnpm@10 .*@opengemini\/pool.* build/.test(l))).toBe(true);
    expect(runtime[0]).toMatch(/^FROM node:(2[02468])[-.\w]*(alpine|slim)/);
  });

  it('copies every workspace package manifest before installing (a new package would break the frozen install)', () => {
    const block = /^packages:\n((?:\s+-.*\n)+)/m.exec(read('pnpm-workspace.yaml'))?.[1] ?? '';
    const workspace = [...block.matchAll(/^\s+-\s+(\S+)\s*$/gm)].map((m) => m[1]!.replace(/['"]/g, ''));
    expect(workspace.length).toBeGreaterThan(0);
    for (const pkg of workspace) expect(stages[0], `COPY ${pkg}/package.json`).toContain(`COPY ${pkg}/package.json ${pkg}/`);
  });

  it('ships only the pool bundle and runs it as a non-root user', () => {
    const copies = runtime.filter((l) => /^COPY\s/.test(l));
    expect(copies).toEqual(['COPY --from=build /src/pool/dist/main.js /app/main.js']);
    expect(runtime.find((l) => /^CMD\s/.test(l))).toBe('CMD ["node", "/app/main.js"]');
    const user = runtime.filter((l) => /^USER\s/.test(l)).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)(:|$)/);
  });

  it('sets only variables the pool knows, with the default port exposed', () => {
    for (const name of Object.keys(dockerEnv)) if (!NODE_VARS.has(name)) expect(known, name).toContain(name);
    expect(dockerEnv['PORT']).toBe(String(defaults['PORT']!.default));
    expect(runtime).toContain(`EXPOSE ${String(defaults['PORT']!.default)}`);
    expect(dockerEnv['HOST']).toBe('0.0.0.0');
  });

  it('checks health on /health with node (the image has no curl)', () => {
    const hc = runtime.find((l) => /^HEALTHCHECK\s/.test(l))!;
    expect(hc).toMatch(/CMD \["node", "-e", ".*\/health/);
    expect(hc).not.toMatch(/curl|wget/);
    expect(hc).toContain('process.env.PORT || 7777');
  });

  it('.dockerignore keeps secrets, state and local builds out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['key.txt', 'upstreams.txt', 'access_key.txt', 'client_keys.txt', 'data', '**/node_modules', '**/dist', '.git']) expect(ignored).toContain(entry);
  });
});

// ---- docker-compose.yml ------------------------------------------------------------------------

const compose = read('docker-compose.yml');
const composeEnv: Record<string, string> = {};
const envBlock = /^ {4}environment:\n((?: {6}.+\n)+)/m.exec(compose)?.[1] ?? '';
for (const m of envBlock.matchAll(/^ {6}([A-Z_][A-Z0-9_]*):\s*(.*)$/gm)) composeEnv[m[1]!] = m[2]!.replace(/^"|"$/g, '');
const volumes = [...(/^ {4}volumes:\n((?: {6}- .+\n)+)/m.exec(compose)?.[1] ?? '').matchAll(/^ {6}- (\S+)$/gm)].map((m) => m[1]!);
const mountTarget = (v: string) => v.split(':')[1]!;
const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

describe('docker-compose.yml', () => {
  it('sets only variables the pool knows, the same paths as the Dockerfile', () => {
    expect(Object.keys(composeEnv).length).toBeGreaterThan(0);
    for (const name of Object.keys(composeEnv)) expect(known, name).toContain(name);
    for (const name of ['KEY_FILE', 'UPSTREAM_FILE', 'CLIENT_KEYS_FILE', 'ACCESS_KEY_FILE', 'DATA_DIR']) expect(composeEnv[name], name).toBe(dockerEnv[name]);
  });

  it('publishes the port the pool listens on and checks /health on it', () => {
    const port = composeEnv['PORT'] ?? String(defaults['PORT']!.default);
    expect(compose).toMatch(new RegExp(`- "\\d+:${port}"`));
    const hc = /healthcheck:\n\s+test: (.+)/.exec(compose)![1]!;
    expect(hc).toContain(`http://127.0.0.1:${port}/health`);
    expect(hc).toMatch(/"node", "-e"/);
  });

  it('mounts the folder of key.txt and upstreams.txt (writable: the dashboard edits them) and a volume for the client key and state', () => {
    const config = volumes.find((v) => mountTarget(v) === posix.dirname(composeEnv['KEY_FILE']!))!;
    expect(config).toBeDefined();
    expect(config).not.toMatch(/:ro$/);
    for (const name of ['KEY_FILE', 'UPSTREAM_FILE', 'CLIENT_KEYS_FILE']) expect(posix.dirname(composeEnv[name]!), name).toBe(mountTarget(config));
    const data = volumes.find((v) => v !== config)!;
    for (const name of ['DATA_DIR', 'ACCESS_KEY_FILE']) expect(under(composeEnv[name]!, mountTarget(data)), name).toBe(true);
    // A named volume: Docker creates it writable for the image's user (a bind mount would be root's).
    expect(compose).toMatch(new RegExp(`^volumes:\\n\\s+${data.split(':')[0]}:`, 'm'));
  });
});

// ---- systemd unit and install script -------------------------------------------------------------

const unit = read('deploy/opengemini-pool.service');
const directive = (name: string) => [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]!);
const unitEnv = Object.fromEntries(directive('Environment').map((v) => v.split(/=(.*)/s).slice(0, 2) as [string, string]));
const install = read('deploy/install.sh');
const installDefault = (name: string) => new RegExp(`^${name}="\\$\\{OPENGEMINI_\\w+:-(.+)\\}"$`, 'm').exec(install)?.[1];

describe('systemd unit', () => {
  it('runs as the non-root opengemini user, restarts on failure, from a working directory', () => {
    expect(directive('User')).toEqual(['opengemini']);
    expect(directive('Group')).toEqual(['opengemini']);
    expect(directive('Restart')).toEqual(['on-failure']);
    expect(directive('WorkingDirectory')).toHaveLength(1);
    expect(directive('EnvironmentFile')).toEqual(['-/etc/opengemini/pool.env']);
  });

  it('sets only variables the pool knows; every file the pool writes is in the one writable folder', () => {
    for (const name of Object.keys(unitEnv)) if (!NODE_VARS.has(name)) expect(known, name).toContain(name);
    const writable = directive('ReadWritePaths');
    expect(writable).toHaveLength(1);
    // The state and the client key, and the lists the dashboard edits.
    for (const name of ['DATA_DIR', 'ACCESS_KEY_FILE', 'KEY_FILE', 'UPSTREAM_FILE', 'CLIENT_KEYS_FILE']) expect(under(unitEnv[name]!, writable[0]!), name).toBe(true);
    expect(directive('WorkingDirectory')).toEqual(writable);
    expect(directive('EnvironmentFile')[0]).toBe(`-${installDefault('CONFIG_DIR')}/pool.env`);
  });

  it('is hardened', () => {
    for (const [name, value] of [
      ['NoNewPrivileges', 'true'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'true'],
      ['PrivateTmp', 'true'],
      ['CapabilityBoundingSet', ''],
    ]) expect(directive(name!), name).toEqual([value]);
    // Node's JIT needs writable executable memory.
    expect(directive('MemoryDenyWriteExecute')).toEqual([]);
  });

  it('starts the file install.sh installs, from the folders install.sh creates', () => {
    expect(installDefault('PREFIX')).toBe('/opt/opengemini');
    expect(directive('ExecStart')).toEqual([`/usr/bin/node ${installDefault('PREFIX')}/main.js`]);
    expect(directive('ReadWritePaths')).toEqual([installDefault('STATE_DIR')]);
    expect(install).toContain('bundle="$repo/pool/dist/main.js"');
    for (const example of ['key.txt.example', 'upstreams.txt.example', 'deploy/pool.env.example']) {
      expect(install).toContain(`"$repo/${example}"`);
      expect(existsSync(resolve(repoRoot, example)), example).toBe(true);
    }
  });

  it('passes systemd-analyze verify where systemd is installed', () => {
    if (!has('systemd-analyze')) return console.warn('systemd-analyze not installed: unit verification skipped');
    const dir = mkdtempSync(join(tmpdir(), 'unit-'));
    try {
      // This machine's node, so the check does not depend on where Node is installed.
      const file = join(dir, 'opengemini-pool.service');
      writeFileSync(file, unit.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
      const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      expect(r.stderr.trim()).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pool.env.example names only variables the pool knows', () => {
    const names = [...read('deploy/pool.env.example').matchAll(/^#?([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(3);
    for (const name of names) expect(known, name).toContain(name);
  });
});

describe('install.sh and the CI scripts', () => {
  const scripts = ['deploy/install.sh', '.ci/run', '.ci/node24.sh'];

  it.each(scripts)('%s parses (bash -n)', (script) => {
    execFileSync('bash', ['-n', resolve(repoRoot, script)]);
  });

  it('passes shellcheck where it is installed', () => {
    if (!has('shellcheck')) return console.warn('shellcheck not installed (apt-get install shellcheck): skipped');
    const r = spawnSync('shellcheck', scripts.map((s) => resolve(repoRoot, s)), { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

// ---- example files -------------------------------------------------------------------------------

/** The example's commented sample lines, uncommented (what a user does after copying it). */
const uncommented = (text: string) =>
  text
    .split('\n')
    .filter((l) => /^# (AIza|https?:)/.test(l))
    .map((l) => l.slice(2))
    .join('\n');

describe('key.txt.example and upstreams.txt.example', () => {
  it('the pool points users to key.txt.example when key.txt is missing, and it exists', () => {
    expect(read('pool/src/sources/sources.ts')).toContain('copy key.txt.example to key.txt');
    expect(existsSync(resolve(repoRoot, 'key.txt.example'))).toBe(true);
  });

  it('key.txt.example as copied holds no key (the pool says so) and its samples, uncommented, are two valid keys', () => {
    const text = read('key.txt.example');
    expect(parseKeyFile(text)).toEqual({ keys: [], problems: [] });
    const samples = parseKeyFile(uncommented(text));
    expect(samples.problems).toEqual([]);
    expect(samples.keys).toHaveLength(2);
  });

  it('upstreams.txt.example as copied means direct mode, and its samples are two Workers, one with a secret', () => {
    const text = read('upstreams.txt.example');
    expect(parseUpstreamFile(text)).toEqual({ upstreams: [], problems: [] });
    const samples = parseUpstreamFile(uncommented(text));
    expect(samples.problems).toEqual([]);
    expect(samples.upstreams).toEqual([{ url: 'https://gemini-a.your-account.workers.dev' }, { url: 'https://gemini-b.your-account.workers.dev', secret: 'change-me' }]);
  });
});
