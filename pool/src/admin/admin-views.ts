// What the admin API shows of keys: one row per key (fingerprint, state, cooldowns with the
// upstream's own reason, usage today per model, budget use, last use), and the filter, sort and
// paging the dashboard asks for when there are hundreds of keys. Pure; never a key.
import type { Budgets } from '../keys';
import type { KeyEntry } from '../keys';
import { addCounters, type Counters, type Usage, zeroCounters } from '../accounting';
import type { KeyRow, KeyState } from './key-row';

export type { KeyRow, KeyState } from './key-row';

export const OPERATOR = 'operator';

export function keyRow(e: KeyEntry, usage: Usage, budgets: Budgets | undefined, now: number): KeyRow {
  const cooldowns: KeyRow['cooldowns'] = [];
  for (const [model, c] of e.cooldowns) {
    if (c.until <= now) continue;
    const row: KeyRow['cooldowns'][number] = { model, until: new Date(c.until).toISOString(), reason: c.reason };
    if (c.message) row.message = c.message;
    cooldowns.push(row);
  }
  cooldowns.sort((a, b) => (a.until < b.until ? -1 : 1));
  const models = usage.keyDay(usage.dayOf(now), e.fp);
  const today = zeroCounters();
  for (const c of Object.values(models)) addCounters(today, c);
  const row: KeyRow = {
    key: e.fp,
    index: e.index,
    state: e.disabled ? 'disabled' : cooldowns.length ? 'cooling' : 'ok',
    cooldowns,
    today,
    models,
    budget: budgets?.use(e.fp, now) ?? {},
    lastUsed: e.lastUsed === undefined ? null : new Date(e.lastUsed).toISOString(),
    inFlight: e.inFlight,
  };
  if (e.disabled) row.disabled = { reason: e.disabled.reason, message: e.disabled.message, at: new Date(e.disabled.at).toISOString(), byOperator: e.disabled.reason === OPERATOR };
  return row;
}

export const SORTS = ['index', 'key', 'state', 'requests', 'errors', 'rateLimited', 'lastUsed', 'cooldown'] as const;
export type Sort = (typeof SORTS)[number];

export interface KeyQuery {
  state?: KeyState | 'all';
  /** Case-insensitive substring of the fingerprint, a reason, a message or a model. */
  q?: string;
  sort?: Sort;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

const STATE_ORDER: Record<KeyState, number> = { disabled: 0, cooling: 1, ok: 2 };

function sortValue(r: KeyRow, sort: Sort): number | string {
  switch (sort) {
    case 'index':
      return r.index;
    case 'key':
      return r.key.slice(1).toLowerCase();
    case 'state':
      return STATE_ORDER[r.state];
    case 'requests':
      return r.today.requests;
    case 'errors':
      return r.today.errors;
    case 'rateLimited':
      return r.today.rateLimited;
    case 'lastUsed':
      return r.lastUsed ?? '';
    case 'cooldown':
      return r.cooldowns[0]?.until ?? '\uffff';
  }
}

function matches(r: KeyRow, q: string): boolean {
  if (r.key.toLowerCase().includes(q)) return true;
  if (r.disabled && (r.disabled.reason.includes(q) || r.disabled.message.toLowerCase().includes(q))) return true;
  for (const c of r.cooldowns) if (c.model.toLowerCase().includes(q) || c.reason.includes(q) || c.message?.toLowerCase().includes(q)) return true;
  return false;
}

/** Filters, sorts (ties by key.txt order) and pages rows; `matched` counts before paging. */
export function queryRows(rows: readonly KeyRow[], query: KeyQuery): { matched: number; items: KeyRow[] } {
  const q = query.q?.trim().toLowerCase();
  let out = rows.filter((r) => (!query.state || query.state === 'all' || r.state === query.state) && (!q || matches(r, q)));
  const sort = query.sort ?? 'index';
  const dir = query.order === 'desc' ? -1 : 1;
  out = out.sort((a, b) => {
    const x = sortValue(a, sort);
    const y = sortValue(b, sort);
    return x < y ? -dir : x > y ? dir : a.index - b.index;
  });
  const offset = query.offset ?? 0;
  return { matched: out.length, items: out.slice(offset, offset + (query.limit ?? 50)) };
}
