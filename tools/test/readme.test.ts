// The READMEs against the code they describe, so they cannot drift: the configuration table lists
// every variable of the pool (pool/src/config.ts, with its default) and of the Worker
// (WorkerEnv in worker/src/handler.ts) and nothing else; every message the pool can stop with at
// start is quoted in the troubleshooting section; the test command is the one CI runs; the two
// languages have the same sections; relative links point at files that exist; the mainland path
// quotes the placement, the nginx file and the limits the code has, and its tar commands work.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '@opengemini/shared';
import { configSchema } from '../../pool/src/config';
import { repoRoot } from '../src/oracles/paths';

const read = (path: string) => readFileSync(resolve(repoRoot, path), 'utf8');
const READMES = ['README.md', 'README.zh-CN.md'] as const;

const poolVars = configSchema.properties as Record<string, { default: unknown }>;
/** The Worker's variables: the fields of WorkerEnv. */
const workerVars = [...(/export interface WorkerEnv \{([\s\S]*?)\n\}/.exec(read('worker/src/handler.ts'))?.[1] ?? '').matchAll(/^\s+([A-Z_][A-Z0-9_]*)\?:/gm)].map((m) => m[1]!);
const WORKER_DEFAULTS: Record<string, string> = { GEMINI_BASE_URL: 'https://generativelanguage.googleapis.com', SSE_KEEPALIVE_MS: '15000', WORKER_SECRET: '' };

interface Row {
  name: string;
  tier: 'pool' | 'worker';
  defaultCell: string;
}

/** Rows of the configuration table: `| \`NAME\` | tier | default | what |`, in the section after the heading. */
function configRows(text: string, heading: RegExp): Row[] {
  const start = text.search(heading);
  expect(start, `no configuration heading ${heading}`).toBeGreaterThanOrEqual(0);
  const section = text.slice(start, text.indexOf('\n## ', start + 1));
  const rows: Row[] = [];
  for (const m of section.matchAll(/^\| `([A-Z_][A-Z0-9_]*)` \| ([^|]+) \| ([^|]*) \|/gm)) {
    const tierCell = m[2]!.trim();
    const tier = /^(pool|轮询池)$/.test(tierCell) ? 'pool' : tierCell === 'Worker' ? 'worker' : undefined;
    expect(tier, `tier of ${m[1]}: ${tierCell}`).toBeDefined();
    rows.push({ name: m[1]!, tier: tier!, defaultCell: m[3]!.trim() });
  }
  return rows;
}

/** What the default column must say: the literal in backticks, or a dash for none. */
function expectDefault(row: Row, value: unknown): void {
  if (value === '' || value === undefined) expect(row.defaultCell, `${row.name} (${row.tier}) has no default`).toBe('—');
  else expect(/^`([^`]*)`/.exec(row.defaultCell)?.[1], `default of ${row.name} (${row.tier})`).toBe(String(value));
}

/**
 * The fixed text of every message the pool stops with at start: the string and template literals
 * handed to fail(), StartupError, ConfigError and the access key's Error, cut at each `${…}`,
 * longest piece kept.
 */
function startupMessageFragments(): string[] {
  const fragments = new Set<string>();
  for (const file of ['pool/src/main.ts', 'pool/src/sources/sources.ts', 'pool/src/config.ts', 'pool/src/http/access-key.ts', 'pool/src/pool.ts']) {
    for (const line of read(file).split('\n')) {
      if (!/\bfail\(|StartupError\(|ConfigError\(|throw new Error\(|const message = /.test(line)) continue;
      for (const lit of line.matchAll(/`((?:[^`\\]|\\.)*)`|'((?:[^'\\]|\\.)*)'/g)) {
        const body = lit[1] ?? lit[2] ?? '';
        const longest = body
          .split(/\$\{(?:[^{}]|\{[^{}]*\})*\}/)
          .map((s) => s.trim())
          .sort((a, b) => b.length - a.length)[0];
        if (longest && longest.length >= 12) fragments.add(longest);
      }
    }
  }
  return [...fragments];
}

describe.each(READMES)('%s', (file) => {
  const text = read(file);
  const rows = configRows(text, file === 'README.md' ? /^## Configuration$/m : /^## 配置项$/m);

  it('lists every pool variable of config.ts with its default', () => {
    for (const [name, schema] of Object.entries(poolVars)) {
      const row = rows.find((r) => r.name === name && r.tier === 'pool');
      expect(row, `${name} is missing from the configuration table`).toBeDefined();
      expectDefault(row!, schema.default);
    }
  });

  it('lists every Worker variable with its default', () => {
    expect(workerVars.sort()).toEqual(Object.keys(WORKER_DEFAULTS).sort());
    for (const name of workerVars) {
      const row = rows.find((r) => r.name === name && r.tier === 'worker');
      expect(row, `${name} (Worker) is missing from the configuration table`).toBeDefined();
      expectDefault(row!, WORKER_DEFAULTS[name]);
    }
  });

  it('lists no variable the code does not read, and none twice', () => {
    for (const row of rows) expect(row.tier === 'pool' ? Object.keys(poolVars) : workerVars, `${row.name} (${row.tier})`).toContain(row.name);
    expect(new Set(rows.map((r) => `${r.tier}:${r.name}`)).size).toBe(rows.length);
  });

  it('quotes every message the pool can stop with at start', () => {
    const fragments = startupMessageFragments();
    expect(fragments.length).toBeGreaterThanOrEqual(8);
    for (const fragment of fragments) expect(text, `start-up message not documented: ${fragment}`).toContain(fragment);
  });

  it('gives the demo and the test command CI runs, and how to start the pool', () => {
    expect(read('.ci/run')).toMatch(/^npx -y pnpm@10 test \|\| status=\$\?$/m);
    expect(text).toContain('npx -y pnpm@10 install && npx -y pnpm@10 test');
    expect(text).toContain('npx -y pnpm@10 install && npx -y pnpm@10 demo');
    expect(text).toContain('node pool/dist/main.js');
  });

  it('links only files that exist, the dashboard screenshot among them', () => {
    const targets = [...text.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t));
    expect(targets).toContain('docs/dashboard.png');
    for (const t of targets) expect(existsSync(resolve(repoRoot, t)), t).toBe(true);
  });

  it('explains WORKER_SECRET both ways, the per-line secret= and the printed key', () => {
    for (const needle of ['x-opengemini-secret', 'Bearer <secret>:<gemini key>', 'secret=', 'access_key.txt', 'GOOGLE_GEMINI_BASE_URL', 'httpOptions', 'SSE_KEEPALIVE_MS', 'wrangler deploy', 'worker/dist/worker.js']) {
      expect(text, needle).toContain(needle);
    }
  });
});

describe('README.md and README.zh-CN.md', () => {
  const headings = (text: string) => text.split('\n').filter((l) => /^#{2,3} /.test(l)).map((l) => l.split(' ')[0]);

  it('have the same sections, in the same order', () => {
    expect(headings(read('README.zh-CN.md'))).toEqual(headings(read('README.md')));
  });

  it('have the same configuration table', () => {
    const en = configRows(read('README.md'), /^## Configuration$/m);
    const zh = configRows(read('README.zh-CN.md'), /^## 配置项$/m);
    expect(zh).toEqual(en);
  });
});

// ---- the mainland path (issue 12) ------------------------------------------------------------------

/** The fenced code blocks of `text` with their language tag. */
const codeBlocks = (text: string) => [...text.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm)].map((m) => ({ lang: m[2]!, body: m[3]!.replace(new RegExp(`^${m[1]}`, 'gm'), '') }));
/** `name value;` lines of an nginx text, comments dropped, as [name, value]. */
const nginxLines = (text: string) => [...text.replace(/#.*$/gm, '').matchAll(/^[ \t]*([a-z_0-9]+)[ \t]+([^;{}\n]*);/gm)].map((m) => [m[1]!, m[2]!.trim()] as const);
/** A Caddyfile without its comment lines and blank lines, as the READMEs quote it. */
const withoutCaddyComments = (text: string) => text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).map((l) => `${l}\n`).join('');
const placementRegion = /^\[placement\]\n(?:.*\n)*?region = "([^"]+)"/m.exec(read('worker/wrangler.toml'))?.[1];

describe.each(READMES)('%s, the mainland path', (file) => {
  const text = read(file);
  const zh = file === 'README.zh-CN.md';

  it('gives the placement worker/wrangler.toml sets, and the dashboard steps for a pasted Worker', () => {
    expect(placementRegion).toMatch(/^gcp:/);
    expect(text).toContain(`\`${placementRegion}\``);
    expect(text).toContain(zh ? '**设置 → 运行时 → 放置（Placement）**' : '**Settings → Runtime → Placement**');
    expect(text).toContain('[`worker/wrangler.toml`](worker/wrangler.toml)');
  });

  it('uses custom domains in its examples: workers.dev only as the thing to avoid', () => {
    for (const m of text.matchAll(/[^\s`(]*workers\.dev/g)) expect(['*.workers.dev', 'https://<name>.<account>.workers.dev', 'https://<名字>.<账户>.workers.dev'], m[0]).toContain(m[0]);
    for (const block of codeBlocks(text)) expect(block.body).not.toContain('workers.dev');
    expect(text).toContain('custom_domain = true');
  });

  it('checks where a Worker runs from the server, and shows it in /status', () => {
    expect(text).toContain('curl -s https://gemini-a.example.com/cdn-cgi/trace | grep colo=');
    for (const needle of ['`runsIn`', '`hint`', 'runs in HKG: set placement', 'every Worker is region-blocked']) expect(text, needle).toContain(needle);
  });

  it('quotes nginx lines that deploy/nginx-opengemini.conf really has (nginx -t checks that file)', () => {
    const blocks = codeBlocks(text).filter((b) => b.lang === 'nginx');
    expect(blocks).toHaveLength(1);
    const conf = nginxLines(read('deploy/nginx-opengemini.conf'));
    const quoted = nginxLines(blocks[0]!.body);
    expect(quoted.map(([n]) => n)).toEqual(expect.arrayContaining(['client_max_body_size', 'proxy_buffering', 'proxy_read_timeout', 'proxy_set_header']));
    for (const line of quoted) expect(conf, line.join(' ')).toContainEqual(line);
    expect(text).toContain('[`deploy/nginx-opengemini.conf`](deploy/nginx-opengemini.conf)');
  });

  it('gives Caddy the same body limit as the pool, and streams flushed at once', () => {
    const caddy = codeBlocks(text).find((b) => b.body.includes('reverse_proxy'));
    expect(caddy?.body).toContain(`max_size ${MAX_REQUEST_BYTES / 1024 / 1024}MiB`);
    expect(caddy?.body).toContain('flush_interval -1');
    expect(caddy?.body).toContain('reverse_proxy 127.0.0.1:7777');
  });

  it('quotes deploy/Caddyfile.opengemini exactly, without its comments (caddy validate checks that file)', () => {
    const caddy = codeBlocks(text).find((b) => b.body.includes('reverse_proxy'));
    expect(caddy?.body).toBe(withoutCaddyComments(read('deploy/Caddyfile.opengemini')));
    expect(text).toContain('[`deploy/Caddyfile.opengemini`](deploy/Caddyfile.opengemini)');
  });

  it('installs a Node the project runs on, system-wide (never nvm), and says where the mirrors are', () => {
    const engines = /^>=(\d+)\.(\d+)$/.exec(JSON.parse(read('package.json')).engines.node)!;
    const majors = [...text.matchAll(/setup_(\d+)\.x|latest-v(\d+)\.x/g)].map((m) => Number(m[1] ?? m[2]));
    expect(majors.length).toBeGreaterThanOrEqual(2);
    for (const major of majors) expect(major).toBeGreaterThan(Number(engines[1]));
    expect(text).toContain('-C /usr/local --strip-components=1');
    expect(text).not.toMatch(/^\s*nvm install/m);
    for (const needle of ['npm config set registry https://registry.npmmirror.com', '--build-arg npm_config_registry=https://registry.npmmirror.com', 'registry-mirrors']) expect(text, needle).toContain(needle);
    expect(read('Dockerfile')).toMatch(/^ARG npm_config_registry=/m);
  });

  it('opens the port in the security group and the firewall, and offers the SSH tunnel instead of 80/443', () => {
    for (const needle of ['ufw allow', 'firewall-cmd --permanent --add-port=7777/tcp', 'ssh -N -L 7777:127.0.0.1:7777', 'HOST=127.0.0.1', zh ? '备案' : 'ICP filing']) expect(text, needle).toContain(needle);
  });

  it('copies, when building elsewhere, every file deploy/install.sh reads', () => {
    const tar = /^tar -czf \S+ (.+)$/m.exec(text)?.[1]?.split(/\s+/) ?? [];
    const install = read('deploy/install.sh');
    const unit = /^UNIT_NAME=(\S+)$/m.exec(install)?.[1] ?? '';
    // Every "$repo/..." path; the bundle's optional extras ("$repo/pool/dist/$extra", copied only if built) aside.
    const needed = [...new Set([...install.matchAll(/"\$repo\/([^"]+)"/g)].map((m) => m[1]!.replace('$UNIT_NAME', unit)))].filter((p) => !p.includes('$'));
    expect(needed).toEqual(expect.arrayContaining(['pool/dist/main.js', 'key.txt.example', 'deploy/opengemini-pool.service']));
    for (const path of needed) expect(tar.some((t) => path === t || path.startsWith(`${t.replace(/\/$/, '')}/`)), path).toBe(true);
    // And the commands themselves, where the bundle is built: pack as written, unpack as written.
    if (!existsSync(resolve(repoRoot, 'pool/dist/main.js'))) return void console.warn('pool/dist/main.js not built: the tar round trip is skipped');
    const dir = mkdtempSync(join(tmpdir(), 'readme-tar-'));
    try {
      execFileSync('tar', ['-czf', join(dir, 'opengemini-pool.tgz'), ...tar], { cwd: repoRoot });
      mkdirSync(join(dir, 'opengemini'));
      execFileSync('tar', ['-xzf', join(dir, 'opengemini-pool.tgz'), '-C', join(dir, 'opengemini')]);
      for (const path of needed) expect(existsSync(join(dir, 'opengemini', path)), path).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('documents the proxy variables the pool reads', () => {
    for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY']) {
      expect(read('pool/src/upstreams/egress.ts')).toContain(`'${name}'`);
      expect(text, name).toContain(`\`${name}\``);
    }
  });
});

describe('README.zh-CN.md terminology', () => {
  const prose = read('README.zh-CN.md').replace(/^( *)```[\s\S]*?^\1```$/gm, '');

  it('one word per thing: 访问密钥 for the sk- key, 管理密钥 for ADMIN_KEY, WORKER_SECRET by name', () => {
    expect(prose).toContain('访问密钥');
    expect(prose).toContain('管理密钥（`ADMIN_KEY`）');
    // 密钥 alone appears only as the Cloudflare dashboard's label for the Secret type.
    const bare = [...prose.matchAll(/(.{0,2})密钥(.?)/g)].filter((m) => !/(访问|管理)$/.test(m[1]!) && !(m[1]!.endsWith('“') && m[2] === '”'));
    expect(bare.map((m) => m[0])).toEqual([]);
    expect(prose).not.toMatch(/客户端密钥|sk- 密钥|`sk-` 密钥/);
    // The Worker's secret is named, not paraphrased in English.
    expect(prose.replace(/`[^`\n]*`/g, '')).not.toMatch(/\bsecret\b/);
  });
});
