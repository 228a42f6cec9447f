// The scripting store: rules in the order they were added; the first live rule that matches a
// request decides its answer, and a rule with `times` is spent after that many answers.
import type { Behaviour, GeminiMethod, RecordedRequest, Rule, ScriptedRule } from './types';

const GENERATE: readonly GeminiMethod[] = ['generateContent', 'streamGenerateContent'];
const CONTENT_KINDS = new Set<Behaviour['kind']>(['text', 'toolCalls', 'blocked', 'empty', 'finish']);

class LiveRule implements ScriptedRule {
  hits = 0;
  constructor(readonly rule: Rule) {}
  get spent(): boolean {
    return this.rule.times !== undefined && this.hits >= this.rule.times;
  }
}

const matches = (want: string | RegExp | undefined, got: string | undefined): boolean =>
  want === undefined || (got !== undefined && (typeof want === 'string' ? want === got : want.test(got)));

function methods(rule: Rule): readonly GeminiMethod[] | undefined {
  if (rule.method !== undefined) return typeof rule.method === 'string' ? [rule.method] : rule.method;
  // Content answers only make sense for generate calls; errors fit every method.
  if (typeof rule.reply === 'function' || CONTENT_KINDS.has(rule.reply.kind)) return GENERATE;
  return undefined;
}

export interface Decision {
  rule: Rule;
  behaviour: Behaviour;
}

export class RuleBook {
  private rules: LiveRule[] = [];

  add(rule: Rule): ScriptedRule {
    if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) {
      throw new Error(`script(): times must be a positive integer, got ${rule.times}`);
    }
    const live = new LiveRule(rule);
    this.rules.push(live);
    return live;
  }

  clear(): void {
    this.rules = [];
  }

  /** The first live matching rule's behaviour (and counts the hit), or undefined. */
  decide(request: RecordedRequest): Decision | undefined {
    for (const live of this.rules) {
      const { rule } = live;
      if (live.spent || !matches(rule.key, request.key) || !matches(rule.model, request.model)) continue;
      const allowed = methods(rule);
      if (allowed && (request.action === undefined || !allowed.includes(request.action))) continue;
      if (rule.when && !rule.when(request)) continue;
      const behaviour = typeof rule.reply === 'function' ? rule.reply(request) : rule.reply;
      live.hits++;
      return { rule, behaviour };
    }
    return undefined;
  }
}

export const isContentBehaviour = (b: Behaviour): b is Extract<Behaviour, { kind: 'text' | 'toolCalls' | 'blocked' | 'empty' | 'finish' }> =>
  CONTENT_KINDS.has(b.kind);
