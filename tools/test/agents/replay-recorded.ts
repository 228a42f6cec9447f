// The recorded requests (./fixtures, written by record.ts), replayed against the pool as the agent
// sent them: headers and body as recorded, the pool's key in place of {{API_KEY}}. Only the
// hop-by-hop headers fetch manages itself (connection, accept-encoding) are left out.
import { readFileSync } from 'node:fs';
import type { CompatStack } from '../compat/stack';
import { type Replayed, replay } from '../compat/replay';

export interface AgentFixture {
  client: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export type FixtureName = 'claude-code-first-turn' | 'claude-code-tool-results-turn' | 'codex-first-turn' | 'codex-tool-results-turn';

export function agentFixture(name: FixtureName): AgentFixture {
  return JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), 'utf8')) as AgentFixture;
}

export function replayFixture(stack: CompatStack, name: FixtureName): Promise<Replayed> {
  const f = agentFixture(name);
  const headers = Object.fromEntries(Object.entries(f.headers).filter(([k]) => k !== 'connection' && k !== 'accept-encoding'));
  return replay(stack.base, stack.apiKey, f.method, f.path, headers, f.body);
}

/** The `event:` names of an SSE body, in order. */
export function sseEventNames(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.startsWith('event:'))
    .map((l) => l.slice(6).trim());
}
