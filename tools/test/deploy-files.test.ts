// The deployment files (Dockerfile, docker-compose.yml, the systemd unit, install.sh, the
// example files) are read here and held to the start-up code they configure: every variable they
// set exists in the pool's config schema, ports match its default, paths agree with each other,
// the health check hits the route the pool serves, and the scripts parse (shellcheck too, where
// installed). A rename in config.ts or a moved file breaks this test, not a user's deployment.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { MAX_REQUEST_BYTES } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../pool/src/config';
import { parseKeyFile } from '../../pool/src/keys/key-file';
import { parseUpstreamFile } from '../../pool/src/upstreams/list-file';
import { repoRoot } from '../src/oracles/paths';

const read = (path: string) => readFileSync(resolve(repoRoot, path), 'utf8');
const known = new Set(Object.keys(configSchema.properties));
/** Variables that are Node's, not the pool's, and the standard proxy variables (read by upstreams/egress.ts). */
const NODE_VARS = new Set(['NODE_ENV']);
const PROXY_VARS = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'];
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

  it('passes systemd-analyze verify where systemd is installed', (ctx) => {
    if (!has('systemd-analyze')) return ctx.skip('systemd-analyze not installed: unit verification skipped');
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

  it('pool.env.example names only variables the pool knows (its config, and the proxy variables egress.ts reads)', () => {
    const names = [...read('deploy/pool.env.example').matchAll(/^#?([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(3);
    const egress = read('pool/src/upstreams/egress.ts');
    for (const name of PROXY_VARS) expect(egress, name).toContain(`'${name}'`);
    expect(names).toEqual(expect.arrayContaining(PROXY_VARS));
    for (const name of names) if (!PROXY_VARS.includes(name)) expect(known, name).toContain(name);
  });
});

describe('install.sh and Node in a home directory', () => {
  /**
   * Runs install.sh as root with `node` resolved from `nodeDir` first, every folder it writes in a
   * temporary one, and stand-ins for systemctl (does nothing) and useradd (says it was called, then
   * fails): whatever the script gets to, it changes nothing on this machine.
   */
  function runInstall(nodeDir: string, tmp: string) {
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'systemctl'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    writeFileSync(join(bin, 'useradd'), '#!/bin/sh\necho "useradd called" >&2\nexit 1\n', { mode: 0o755 });
    return spawnSync('bash', [resolve(repoRoot, 'deploy/install.sh')], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${nodeDir}:${bin}:${process.env.PATH}`,
        OPENGEMINI_PREFIX: join(tmp, 'opt'),
        OPENGEMINI_CONFIG_DIR: join(tmp, 'etc'),
        OPENGEMINI_STATE_DIR: join(tmp, 'var'),
        OPENGEMINI_UNIT_DIR: join(tmp, 'unit'),
      },
    });
  }
  /** Why install.sh cannot run here, if it cannot. */
  const notRunnable = (): string | undefined => {
    if (process.getuid?.() !== 0) return 'not root: the install.sh run is skipped (it refuses to run otherwise)';
    if (!existsSync(resolve(repoRoot, 'pool/dist/main.js'))) return 'pool/dist/main.js not built: the install.sh run is skipped';
    return undefined;
  };
  const userExists = spawnSync('id', ['-u', 'opengemini']).status === 0;

  it('refuses a Node under /root or /home (where nvm puts it): the service user cannot reach it', (ctx) => {
    const why = notRunnable();
    if (why) return ctx.skip(why);
    // A home directory of root's, as nvm's ~/.nvm/versions/node/... would be.
    const tmp = mkdtempSync(join('/root', '.opengemini-install-test-'));
    try {
      writeFileSync(join(tmp, 'node'), `#!/bin/sh\nexec ${process.execPath} "$@"\n`, { mode: 0o755 });
      const r = runInstall(tmp, tmp);
      expect(r.stderr).toContain(`install: node is at ${tmp}/node, inside a home directory the service cannot use: install Node.js system-wide`);
      expect(r.stderr).not.toContain('useradd called');
      expect(r.status).toBe(1);
      expect(existsSync(join(tmp, 'opt'))).toBe(false);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('accepts a system-wide Node and goes on to set up the service user', (ctx) => {
    const why = notRunnable() ?? (userExists ? 'the opengemini user exists on this machine: the acceptance run is skipped' : undefined);
    if (why) return ctx.skip(why);
    const tmp = mkdtempSync(join(tmpdir(), 'install-'));
    try {
      const r = runInstall(dirname(process.execPath), tmp);
      expect(r.stderr).not.toContain('node is at');
      expect(r.stderr).toContain('useradd called');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('install.sh and the CI scripts', () => {
  const scripts = ['deploy/install.sh', '.ci/run', '.ci/node24.sh'];

  it.each(scripts)('%s parses (bash -n)', (script) => {
    execFileSync('bash', ['-n', resolve(repoRoot, script)]);
  });

  it('passes shellcheck where it is installed', (ctx) => {
    if (!has('shellcheck')) return ctx.skip('shellcheck not installed (apt-get install shellcheck): skipped');
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
    expect(samples.upstreams).toEqual([{ url: 'https://gemini-a.example.com' }, { url: 'https://gemini-b.example.com', secret: 'change-me' }]);
  });
});

// ---- nginx in front of the pool ------------------------------------------------------------------

const nginxSnippet = read('deploy/nginx-opengemini.conf');
/** The values of one nginx directive in the snippet, comments dropped. */
const nginxDirective = (name: string) => [...nginxSnippet.replace(/#.*$/gm, '').matchAll(new RegExp(`^[ \\t]*${name}[ \\t]+([^;{}\\n]*);`, 'gm'))].map((m) => m[1]!.trim());
/** nginx sizes and times: 32m is 32 MiB, 600s is 600 000 ms. */
const nginxSize = (v: string) => Number(v.slice(0, -1)) * { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[v.at(-1)!.toLowerCase() as 'k' | 'm' | 'g'];
const nginxMs = (v: string) => Number(/^(\d+)s$/.exec(v)?.[1]) * 1000;

/**
 * `nginx -t` on a throwaway main configuration that includes `site` inside http {}, the way
 * Debian's /etc/nginx/nginx.conf includes conf.d/*.conf, with a self-signed certificate in place
 * of the snippet's. Undefined where nginx or openssl is missing.
 */
function nginxTest(site: string): { status: number | null; output: string } | undefined {
  const nginx = ['/usr/sbin/nginx', 'nginx'].find((bin) => (bin.startsWith('/') ? existsSync(bin) : has(bin)));
  if (!nginx) return void console.warn('nginx not installed (apt-get install nginx): `nginx -t` of deploy/nginx-opengemini.conf skipped');
  if (!has('openssl')) return void console.warn('openssl not installed: `nginx -t` of deploy/nginx-opengemini.conf skipped');
  const dir = mkdtempSync(join(tmpdir(), 'nginx-'));
  try {
    const [crt, key] = [join(dir, 'site.crt'), join(dir, 'site.key')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=gemini.example.com', '-keyout', key, '-out', crt], { stdio: 'ignore' });
    writeFileSync(join(dir, 'site.conf'), site.replace(/^(\s*ssl_certificate)\s+\S+;/m, `$1 ${crt};`).replace(/^(\s*ssl_certificate_key)\s+\S+;/m, `$1 ${key};`));
    writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n  include ${dir}/site.conf;\n}\n`);
    const r = spawnSync(nginx, ['-t', '-p', dir, '-e', 'stderr', '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('deploy/nginx-opengemini.conf', () => {
  it('takes the same largest body as the pool, so nginx neither refuses less nor passes more', () => {
    expect(nginxDirective('client_max_body_size').map(nginxSize)).toEqual([MAX_REQUEST_BYTES]);
  });

  it('streams: no response or request buffering, read timeouts longer than the pool waits', () => {
    for (const name of ['proxy_buffering', 'proxy_request_buffering', 'proxy_cache', 'gzip']) expect(nginxDirective(name), name).toEqual(['off']);
    const longestPoolWait = Math.max(Number(defaults['REQUEST_TIMEOUT_MS']!.default), Number(defaults['STREAM_IDLE_TIMEOUT_MS']!.default));
    for (const name of ['proxy_read_timeout', 'proxy_send_timeout']) expect(nginxMs(nginxDirective(name)[0] ?? ''), name).toBeGreaterThanOrEqual(longestPoolWait);
  });

  it('passes to the pool on loopback at its default port, saying the scheme and keeping connections open', () => {
    expect(nginxDirective('server')).toEqual([`127.0.0.1:${String(defaults['PORT']!.default)}`]);
    expect(nginxDirective('proxy_pass')).toEqual(['http://opengemini_pool']);
    expect(nginxDirective('proxy_http_version')).toEqual(['1.1']);
    expect(nginxDirective('proxy_set_header')).toEqual(expect.arrayContaining(['X-Forwarded-Proto $scheme', 'Connection ""', 'Host $host']));
    // Not 443: without an ICP filing, mainland clouds block 80 and 443 (the comment says so).
    expect(nginxDirective('listen')).toEqual(['8443 ssl', '[::]:8443 ssl']);
  });

  it('passes `nginx -t` with Debian\'s nginx, and a broken copy does not', (ctx) => {
    const good = nginxTest(nginxSnippet);
    if (!good) return ctx.skip('nginx not installed: `nginx -t` skipped');
    expect(good.output).toContain('syntax is ok');
    expect(good.status).toBe(0);
    const broken = nginxTest(nginxSnippet.replace('proxy_buffering off;', 'proxy_buffering sometimes;'));
    expect(broken!.output).toMatch(/invalid value "sometimes"/);
    expect(broken!.status).not.toBe(0);
  });
});

// ---- Caddy in front of the pool ------------------------------------------------------------------

const caddySnippet = read('deploy/Caddyfile.opengemini');
/** The arguments of one Caddyfile directive, comments dropped. */
const caddyDirective = (name: string) => [...caddySnippet.replace(/#.*$/gm, '').matchAll(new RegExp(`^[ \\t]*${name}[ \\t]+([^{\\n]*?)[ \\t]*\\{?$`, 'gm'))].map((m) => m[1]!);

/**
 * `caddy validate` of `site` with Debian's caddy (its Caddyfile adapter), with HOME and the XDG
 * folders in a throwaway directory so nothing is written to the machine's. Undefined where caddy
 * is missing.
 */
function caddyValidate(site: string): { status: number | null; output: string } | undefined {
  if (!has('caddy')) return void console.warn('caddy not installed (apt-get install caddy): `caddy validate` of deploy/Caddyfile.opengemini skipped');
  const dir = mkdtempSync(join(tmpdir(), 'caddy-'));
  try {
    const file = join(dir, 'Caddyfile');
    writeFileSync(file, site);
    const env = { PATH: process.env['PATH'] ?? '', HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
    const r = spawnSync('caddy', ['validate', '--config', file, '--adapter', 'caddyfile'], { encoding: 'utf8', env, timeout: 30_000 });
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('deploy/Caddyfile.opengemini', () => {
  it('takes the same largest body as the pool, flushes stream events at once and waits longer than the pool does', () => {
    expect(caddyDirective('max_size')).toEqual([`${MAX_REQUEST_BYTES / 1024 / 1024}MiB`]);
    expect(caddyDirective('flush_interval')).toEqual(['-1']);
    const longestPoolWait = Math.max(Number(defaults['REQUEST_TIMEOUT_MS']!.default), Number(defaults['STREAM_IDLE_TIMEOUT_MS']!.default));
    const readTimeout = /^(\d+)m$/.exec(caddyDirective('read_timeout')[0] ?? '');
    expect(Number(readTimeout?.[1]) * 60_000).toBeGreaterThanOrEqual(longestPoolWait);
  });

  it('passes to the pool on loopback at its default port, on 8443 like the nginx file', () => {
    expect(caddyDirective('reverse_proxy')).toEqual([`127.0.0.1:${String(defaults['PORT']!.default)}`]);
    expect(caddySnippet).toMatch(/^gemini\.example\.com:8443 \{$/m);
  });

  it("passes `caddy validate` with Debian's caddy, and a broken copy does not", (ctx) => {
    const good = caddyValidate(caddySnippet);
    if (!good) return ctx.skip('caddy not installed: `caddy validate` skipped');
    expect(good.output).toContain('Valid configuration');
    expect(good.status).toBe(0);
    const broken = caddyValidate(caddySnippet.replace('flush_interval -1', 'flush_interval sometimes'));
    expect(broken!.output).toMatch(/bad duration value 'sometimes'/);
    expect(broken!.status).not.toBe(0);
  });
});
