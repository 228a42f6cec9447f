import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockGemini, type FaultName, type MockGemini } from '../src/mock-gemini';
import { KEY, joinText, post, readChunks, simpleRequest } from './mock-gemini-client';

let mock: MockGemini;
beforeAll(async () => {
  mock = await startMockGemini();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const SSE = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';
const WHOLE = '/v1beta/models/gemini-2.5-flash:generateContent';
const only = (name: FaultName) => mock.injectFaults({ rates: { [name]: 1 }, retryDelayMs: 1000, trickleMs: 150 });

/** The body as text, or the error that cut it. */
async function bodyOf(res: Response): Promise<string | Error> {
  try {
    return joinText(await readChunks(res));
  } catch (err) {
    return err as Error;
  }
}

describe('injected faults on the wire', () => {
  it('stays strict: a body Google would refuse gets its 400, not a fault', async () => {
    only('overloaded');
    const res = await post(mock.url, SSE, { contents: [{ role: 'user', parts: [{ text: 'x' }] }], bogus: 1 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Unknown name "bogus"/);
  });

  it('per-minute 429 carries a short retryDelay, and the key stays refused meanwhile', async () => {
    const dice = only('perMinute');
    const res = await post(mock.url, WHOLE, simpleRequest);
    expect(res.status).toBe(429);
    expect(JSON.stringify(await res.json())).toContain('"retryDelay":"1s"');
    expect(dice.healthyKeys([KEY], 'gemini-2.5-flash')).toEqual([]);
  });

  it('503 overloaded, per-day 429', async () => {
    only('overloaded');
    expect((await post(mock.url, SSE, simpleRequest)).status).toBe(503);
    only('perDay');
    const res = await post(mock.url, SSE, simpleRequest);
    expect(res.status).toBe(429);
    expect(await res.text()).toContain('GenerateRequestsPerDayPerProjectPerModel-FreeTier');
  });

  it('drops before the first byte', async () => {
    only('dropBeforeFirstByte');
    await expect(post(mock.url, SSE, simpleRequest)).rejects.toThrow();
  });

  it('an empty 200 stream, and an empty 200 body', async () => {
    only('emptyStream');
    const stream = await post(mock.url, SSE, simpleRequest);
    expect([stream.status, stream.headers.get('content-type'), await stream.text()]).toEqual([200, 'text/event-stream', '']);
    const whole = await post(mock.url, WHOLE, simpleRequest);
    expect([whole.status, await whole.text()]).toEqual([200, '']);
  });

  it('candidates: [] in every event, and in a whole answer', async () => {
    only('noCandidates');
    const text = await (await post(mock.url, SSE, simpleRequest)).text();
    const events = text.split('\r\n\r\n').filter(Boolean);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(JSON.parse(e.slice('data: '.length))).toMatchObject({ candidates: [] });
    expect(await (await post(mock.url, WHOLE, simpleRequest)).json()).toMatchObject({ candidates: [] });
  });

  it('events without the data: prefix, and a whole answer that is not JSON', async () => {
    only('noDataPrefix');
    const text = await (await post(mock.url, SSE, simpleRequest)).text();
    expect(text).not.toContain('data:');
    const events = text.split('\r\n\r\n').filter(Boolean).map((e) => JSON.parse(e) as unknown);
    expect(JSON.stringify(events)).toContain('mock answ');
    const whole = await post(mock.url, WHOLE, simpleRequest);
    expect(whole.status).toBe(200);
    await expect(whole.text().then((t) => JSON.parse(t))).rejects.toThrow(SyntaxError);
  });

  it('drops mid-stream after the first event, and halfway through a whole answer', async () => {
    only('dropMidStream');
    const stream = await post(mock.url, SSE, simpleRequest);
    expect(stream.status).toBe(200);
    expect(await bodyOf(stream)).toBeInstanceOf(Error);
    const whole = await post(mock.url, WHOLE, simpleRequest);
    expect(whole.status).toBe(200);
    expect(await bodyOf(whole)).toBeInstanceOf(Error);
  });

  it('trickles: each event after a pause', async () => {
    only('slowTrickle');
    const started = Date.now();
    const text = await (await post(mock.url, SSE, simpleRequest)).text();
    expect(text.split('\r\n\r\n').filter(Boolean).length).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 150);
  });

  it('answers normally when no fault is rolled, and a scripted rule still wins', async () => {
    mock.injectFaults({ rates: { overloaded: 0 } });
    expect((await post(mock.url, WHOLE, simpleRequest)).status).toBe(200);
    only('overloaded');
    mock.script({ times: 1, reply: { kind: 'text', text: 'scripted' } });
    expect(JSON.stringify(await (await post(mock.url, WHOLE, simpleRequest)).json())).toContain('scripted');
  });
});
