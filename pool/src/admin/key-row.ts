// One key as the admin API shows it (GET /admin/keys rows). Its only import is a type without
// imports of its own: the dashboard (pool/web) type-checks its reading of the API against this
// very declaration.
import type { Counters } from '../accounting/counters';

export type KeyState = 'ok' | 'cooling' | 'disabled';

export interface KeyRow {
  key: string;
  /** Position in key.txt (0-based). */
  index: number;
  state: KeyState;
  disabled?: { reason: string; message: string; at: string; byOperator: boolean };
  cooldowns: { model: string; until: string; reason: string; message?: string }[];
  today: Counters;
  models: Record<string, Counters>;
  budget: Record<string, { spent: number; limit: number }>;
  lastUsed: string | null;
  inFlight: number;
}
