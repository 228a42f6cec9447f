// The READMEs against the code they describe, so they cannot drift: the configuration table lists
// every variable of the pool (pool/src/config.ts, with its default) and of the Worker
// (WorkerEnv in worker/src/handler.ts) and nothing else; every message the pool can stop with at
// start is quoted in the troubleshooting section; the test command is the one CI runs; the two
// languages have the same sections; relative links point at files that exist.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
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
