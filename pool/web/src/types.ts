// The admin API's answers as the page uses them (docs/admin-api.md documents them in full). A
// counters row and a key row are the server's own declarations (import-free files), not copies.
import type { Counters } from '../../src/accounting/counters';
import type { KeyRow } from '../../src/admin/key-row';

export type { Counters, KeyRow };


export interface Summary {
  requests: number;
  ok: number;
  successRate: number | null;
  tokensIn: number;
  tokensOut: number;
  rateLimited: number;
  errors: number;
}

export interface Overview {
  mode: string;
  now: string;
  day: string;
  nextReset: string;
  today: Summary;
  last24h: Summary;
  series: (Summary & { start: string })[];
  keys: { total: number; available: number; cooling: number; disabled: number };
  upstreams: { total: number; up: number };
  budgets: { active: boolean; keysAtLimit: Record<string, number> };
  /** Whether the last save of DATA_DIR/state.json worked (it is retried until it does). */
  state: { saved: true } | { saved: false; since: string; error: string; attempts: number };
}


export interface KeyPage {
  total: number;
  matched: number;
  offset: number;
  limit: number;
  counts: { total: number; available: number; cooling: number; disabled: number };
  items: KeyRow[];
}

export interface CheckJob {
  id: number;
  running: boolean;
  total: number;
  done: number;
  counts: Record<string, number>;
  results: { key: string; outcome: string; code?: string; message?: string }[];
  warning?: string;
}

export interface AddReport {
  added: number;
  addedKeys: string[];
  duplicates: { line: number; key: string; of: 'file' | 'paste' }[];
  malformed: { line: number; key: string }[];
  total: number;
}

export interface UpstreamRow {
  upstream: string;
  up: boolean;
  circuit: 'closed' | 'open' | 'half_open';
  nextProbe: string | null;
  consecutiveFailures: number;
  latencyMs: number;
  requests: number;
  errors: number;
  lastError: string | null;
  lastErrorAt: string | null;
  hasSecret: boolean;
  keys: number;
  /** The Cloudflare data centre it answers from ("HKG", "ORD (placed; edge HKG)"), once known. */
  runsIn?: string;
  colo?: string;
  /** What to do when Google refused its location. */
  hint?: string;
}

export interface ClientRow {
  key: string;
  source: 'access_key_file' | 'client_keys_file' | 'env';
  label?: string;
  revocable: boolean;
  today: Counters;
  kept: Counters;
}

export type Limits = Record<string, number>;

export interface BudgetSettings {
  families: string[];
  defaults: Limits;
  perKey: Record<string, Limits>;
}
