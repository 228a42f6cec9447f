import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

describe('configuration', () => {
  it('fills defaults and freezes the result', async () => {
    const c = await loadConfig({});
    expect(c.PORT).toBe(7777);
    expect(c.HOST).toBe('0.0.0.0');
    expect(c.KEY_FILE).toBe('./key.txt');
    expect(c.MAX_ATTEMPTS).toBe(0);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('by default one attempt cannot hold a request for its whole budget: a hung Worker leaves time for another', async () => {
    const c = await loadConfig({});
    expect(c.ATTEMPT_TIMEOUT_MS).toBeGreaterThan(0);
    expect(c.ATTEMPT_TIMEOUT_MS * 2).toBeLessThanOrEqual(c.REQUEST_TIMEOUT_MS);
    expect(c.MAX_KEY_WAIT_MS).toBe(10_000);
  });

  it('coerces numbers and ignores unrelated variables', async () => {
    const c = await loadConfig({ PORT: '8080', REQUEST_TIMEOUT_MS: '5000', PATH: '/usr/bin' });
    expect(c.PORT).toBe(8080);
    expect(c.REQUEST_TIMEOUT_MS).toBe(5000);
    expect((c as unknown as Record<string, unknown>)['PATH']).toBeUndefined();
  });

  it('STARTUP_CHECK is on by default, takes true/false, and names itself when given anything else', async () => {
    expect((await loadConfig({})).STARTUP_CHECK).toBe(true);
    expect((await loadConfig({ STARTUP_CHECK: 'false' })).STARTUP_CHECK).toBe(false);
    expect((await loadConfig({ STARTUP_CHECK: 'true' })).STARTUP_CHECK).toBe(true);
    await expect(loadConfig({ STARTUP_CHECK: 'sometimes' })).rejects.toThrow(/^Invalid configuration: STARTUP_CHECK .*\(got "sometimes"\)/);
  });

  it('treats an empty numeric variable as unset', async () => {
    expect((await loadConfig({ PORT: '' })).PORT).toBe(7777);
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be integer \(got "abc"\)$/],
    [{ PORT: '70000' }, /^Invalid configuration: PORT must be <= 65535 \(got "70000"\)$/],
    [{ LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL must be equal to one of the allowed values: one of fatal, .* \(got "loud"\)$/],
    [{ MAX_ATTEMPTS: '-1' }, /^Invalid configuration: MAX_ATTEMPTS must be >= 0/],
    [{ GEMINI_BASE_URL: 'generativelanguage' }, /^Invalid configuration: GEMINI_BASE_URL must match pattern/],
    [{ BREAKER_BACKOFF_MS: '1000', BREAKER_MAX_BACKOFF_MS: '500' }, /^Invalid configuration: BREAKER_MAX_BACKOFF_MS must be >= BREAKER_BACKOFF_MS$/],
  ])('a bad value is one line naming the variable: %o', async (env, message) => {
    const err = await loadConfig(env).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });
});
