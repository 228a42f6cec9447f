import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgent } from './agents';

describe('runAgent', () => {
  afterEach(() => {
    delete process.env['OPENGEMINI_AGENT_LEAK_CHECK'];
  });

  it('kills the whole process group at the time limit, helpers the agent started included', async () => {
    // The grandchild keeps stdout open: the run could only end early if it is killed too.
    const run = await runAgent('/bin/sh', ['-c', 'sleep 30 & echo started; wait'], { cwd: tmpdir(), env: {}, timeoutMs: 300 });
    expect(run.timedOut).toBe(true);
    expect(run.signal).toBe('SIGKILL');
    expect(run.stdout).toBe('started\n');
    expect(run.ms).toBeLessThan(5_000);
  });

  it('passes the agent only PATH, LANG and the variables it is given', async () => {
    process.env['OPENGEMINI_AGENT_LEAK_CHECK'] = 'leaked';
    const run = await runAgent('/bin/sh', ['-c', 'env'], { cwd: tmpdir(), env: { HOME: '/nowhere' }, timeoutMs: 5_000 });
    expect(run.code).toBe(0);
    const names = run.stdout.trim().split('\n').map((l) => l.split('=')[0]).filter((n) => n !== 'PWD' && n !== 'SHLVL' && n !== '_');
    expect(names.sort()).toEqual(['HOME', 'LANG', 'PATH']);
  });
});
