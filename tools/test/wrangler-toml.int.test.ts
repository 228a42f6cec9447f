// worker/wrangler.toml's placement and upload, checked by the wrangler the project pins: `wrangler deploy
// --dry-run` (offline: it validates the configuration and builds the upload, then stops) must
// accept the file as committed, and wrangler's own reading of it must carry the region hint, so a
// misspelt key that wrangler silently drops cannot pass. Two bad placements are refused by the
// same command, so this test can fail. The upload is the bundle as built, without the __name()
// wrappers wrangler adds by default. The dry run is made in a copy of the folder with a stub
// bundle and a no-op build, so it neither rebuilds nor touches worker/dist.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { unstable_readConfig } from 'wrangler';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/oracles/paths';

const wranglerBin = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin/wrangler.js');
const committed = readFileSync(resolve(repoRoot, 'worker/wrangler.toml'), 'utf8');
const dirs: string[] = [];

/** A stub bundle with a function made at run time, which wrangler's keep_names would wrap. */
const STUB = 'export default { fetch() { const answer = () => "ok"; return new Response(answer()); } };\n';

/** A copy of worker/ holding `toml` as wrangler.toml, a stub bundle at its `main` and a no-op build.mjs. */
function workerCopy(toml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wrangler-dry-run-'));
  dirs.push(dir);
  const main = /^main = "([^"]+)"$/m.exec(toml)?.[1];
  expect(main, 'wrangler.toml names its main module').toBeDefined();
  mkdirSync(dirname(join(dir, main!)), { recursive: true });
  writeFileSync(join(dir, main!), STUB);
  writeFileSync(join(dir, 'build.mjs'), '');
  writeFileSync(join(dir, 'wrangler.toml'), toml);
  return dir;
}

function dryRun(dir: string, ...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [wranglerBin, 'deploy', '--dry-run', ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    // Offline: no telemetry, no update check in the banner, no colours in what is asserted on.
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' },
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

/** The committed file with its [placement] table replaced by `placement`. */
const withPlacement = (placement: string) => committed.replace(/^\[placement\]\n(?:[^[\n].*\n?)*/m, `${placement}\n`);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('worker/wrangler.toml placement', () => {
  it('sets a region hint next to a Google Cloud region, which wrangler reads as a targeted placement', () => {
    const dir = workerCopy(committed);
    const config = unstable_readConfig({ config: join(dir, 'wrangler.toml') });
    expect(config.placement).toEqual({ region: 'gcp:us-central1' });
  });

  it('passes `wrangler deploy --dry-run` as committed, with no warning about it', () => {
    const { status, output } = dryRun(workerCopy(committed));
    expect(output).toContain('--dry-run: exiting now.');
    expect(output).not.toMatch(/placement/i);
    expect(status).toBe(0);
  });

  it.each([
    ['an unknown mode', '[placement]\nmode = "nearest"', /placement\.mode/],
    ['a hint beside a region', '[placement]\nregion = "gcp:us-central1"\nhint = "gcp:us-central1"', /cannot have both "hint"/],
  ])('is refused by the same dry run with %s', (_name, placement, message) => {
    const toml = withPlacement(placement);
    expect(toml).not.toBe(committed);
    const { status, output } = dryRun(workerCopy(toml));
    expect(output).toMatch(message);
    expect(status).not.toBe(0);
  });
});

describe('worker/wrangler.toml upload', () => {
  /** The script wrangler would upload for `toml`. */
  const upload = (toml: string) => {
    const dir = workerCopy(toml);
    const { status, output } = dryRun(dir, '--outdir', 'upload');
    expect(status, output).toBe(0);
    return readFileSync(join(dir, 'upload', 'worker.js'), 'utf8');
  };

  it('is the bundle as built: no __name() wrapper around the functions it makes (keep_names = false)', () => {
    const script = upload(committed);
    expect(script).toContain('const answer = () => "ok"');
    expect(script).not.toContain('__name(');
  });

  it("would wrap them without the setting (wrangler's default), so the check above can fail", () => {
    const toml = committed.replace(/^keep_names = false\n/m, '');
    expect(toml).not.toBe(committed);
    expect(upload(toml)).toContain('__name(');
  });
});
