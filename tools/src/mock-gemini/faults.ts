// Random faults for soak tests. After every check has passed and no scripted rule has answered,
// a generate call rolls seeded dice against the configured rates. Quota faults leave state
// behind, as Google's do: a per-minute 429 cools that (key, model) for its retryDelay, a per-day
// 429 spends it, and every request in between is refused the same way without a roll. That state
// is kept as a history, so healthyKeys() can say, for any past moment, which keys the mock would
// have let through: a soak uses it to tell a failure with a healthy key at hand from one without.
import { seededRandom } from './random';
import type { Behaviour, FaultEvent, FaultInjector, FaultName, FaultOptions, RecordedRequest, RuleShape } from './types';

export const FAULT_NAMES: readonly FaultName[] = [
  'perMinute',
  'perDay',
  'overloaded',
  'dropBeforeFirstByte',
  'emptyStream',
  'noCandidates',
  'noDataPrefix',
  'dropMidStream',
  'slowTrickle',
];

/** What the generate route does for a faulty request: how to send (a rule's timing and stream
 * shape), and what, unless it is the default answer (sent in a broken way). */
export interface FaultDecision {
  rule: RuleShape;
  behaviour?: Behaviour;
}

/** A time a (key, model) refuses by quota: [from, until), until Infinity once spent for the day. */
interface Refusal {
  from: number;
  until: number;
}

/** Refusals kept per (key, model): enough for hours of per-minute cooldowns, bounded all the same. */
const MAX_HISTORY = 10_000;
/** Journal entries kept (a 10-minute soak makes ~35,000). */
const MAX_JOURNAL = 200_000;

export class FaultDice implements FaultInjector {
  readonly counts = Object.fromEntries(FAULT_NAMES.map((n) => [n, 0])) as Record<FaultName, number>;
  rolled = 0;
  readonly journal: FaultEvent[] = [];
  private readonly next: () => number;
  private readonly rates: [FaultName, number][];
  private readonly retryDelayMs: number;
  private readonly trickleMs: number;
  private readonly maxSpent: number;
  private spent = 0;
  /** By `${key}\0${model}`, oldest first, never overlapping. */
  private readonly history = new Map<string, Refusal[]>();

  constructor(options: FaultOptions) {
    let sum = 0;
    for (const [name, rate] of Object.entries(options.rates)) {
      if (!FAULT_NAMES.includes(name as FaultName)) throw new Error(`injectFaults(): unknown fault '${name}'`);
      if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new Error(`injectFaults(): the rate of ${name} must be in [0, 1]`);
      sum += rate;
    }
    if (sum > 1 + 1e-9) throw new Error(`injectFaults(): the rates add up to ${sum}, more than 1`);
    this.rates = FAULT_NAMES.map((n): [FaultName, number] => [n, options.rates[n] ?? 0]).filter(([, r]) => r > 0);
    this.next = seededRandom(options.seed ?? 1);
    this.retryDelayMs = options.retryDelayMs ?? 2000;
    this.trickleMs = options.trickleMs ?? 1000;
    this.maxSpent = options.maxSpentKeys ?? Number.POSITIVE_INFINITY;
  }

  healthyKeys(keys: readonly string[], model: string, at = Date.now()): string[] {
    return keys.filter((key) => this.refusalAt(key, model, at) === undefined);
  }

  /** The fault for one request that passed every check, or undefined to answer normally. */
  decide(request: RecordedRequest, model: string, now = Date.now()): FaultDecision | undefined {
    const stream = request.action === 'streamGenerateContent';
    if (!stream && request.action !== 'generateContent') return undefined;
    const key = request.key ?? '';
    const refusal = this.refusalAt(key, model, now);
    if (refusal) {
      const spentForDay = refusal.until === Number.POSITIVE_INFINITY;
      this.counts[spentForDay ? 'perDay' : 'perMinute']++;
      this.note({ at: now, request, model, fault: spentForDay ? 'perDay' : 'perMinute', refused: true });
      return spentForDay ? perDay() : perMinute(refusal.until - now);
    }
    this.rolled++;
    const name = this.roll();
    if (name === undefined || (name === 'perDay' && this.spent >= this.maxSpent)) {
      this.note({ at: now, request, model });
      return undefined;
    }
    this.note({ at: now, request, model, fault: name });
    if (name === 'perDay') {
      this.spent++;
      this.refuse(key, model, now, Number.POSITIVE_INFINITY);
    }
    if (name === 'perMinute') this.refuse(key, model, now, now + this.retryDelayMs);
    this.counts[name]++;
    return this.shape(name, stream);
  }

  private note(e: FaultEvent): void {
    this.journal.push(e);
    if (this.journal.length > MAX_JOURNAL) this.journal.splice(0, this.journal.length - MAX_JOURNAL);
  }

  private shape(name: FaultName, stream: boolean): FaultDecision {
    switch (name) {
      case 'perMinute':
        return perMinute(this.retryDelayMs);
      case 'perDay':
        return perDay();
      case 'overloaded':
        return reply({ kind: 'serverError', status: 503 });
      case 'dropBeforeFirstByte':
        return { rule: { hangUp: true } };
      case 'emptyStream':
        return reply({ kind: 'http', status: 200, body: '', headers: { 'content-type': stream ? 'text/event-stream' : 'application/json; charset=UTF-8' } });
      case 'noCandidates':
        return reply({ kind: 'noCandidates' });
      case 'noDataPrefix':
        // generateContent has no frames to strip: its equivalent is a 200 that is not JSON.
        if (!stream) return reply({ kind: 'http', status: 200, body: '<html><body>upstream connect error</body></html>', headers: { 'content-type': 'text/html' } });
        return { rule: { stream: { prefix: '' } } };
      case 'dropMidStream':
        return { rule: { stream: { drop: { afterChunks: 1 } } } };
      case 'slowTrickle':
        return { rule: stream ? { stream: { chunkDelayMs: this.trickleMs } } : { delayMs: this.trickleMs } };
    }
  }

  private roll(): FaultName | undefined {
    let r = this.next();
    for (const [name, rate] of this.rates) {
      if (r < rate) return name;
      r -= rate;
    }
    return undefined;
  }

  private refuse(key: string, model: string, from: number, until: number): void {
    const id = `${key}\0${model}`;
    let list = this.history.get(id);
    if (!list) this.history.set(id, (list = []));
    list.push({ from, until });
    if (list.length > MAX_HISTORY) list.splice(0, list.length - MAX_HISTORY);
  }

  private refusalAt(key: string, model: string, at: number): Refusal | undefined {
    const list = this.history.get(`${key}\0${model}`);
    if (!list) return undefined;
    // Newest first: the moments asked about are nearly always recent.
    for (let i = list.length - 1; i >= 0; i--) {
      const r = list[i]!;
      if (r.from <= at) return at < r.until ? r : undefined;
    }
    return undefined;
  }
}

const reply = (behaviour: Behaviour): FaultDecision => ({ rule: {}, behaviour });

function perMinute(remainingMs: number): FaultDecision {
  // Google's retryDelay is whole seconds ("47s"); never "0s", which would read as "no delay".
  return reply({ kind: 'quota', quota: 'per_minute', retryDelay: `${Math.max(1, Math.ceil(remainingMs / 1000))}s` });
}

const perDay = (): FaultDecision => reply({ kind: 'quota', quota: 'per_day' });
