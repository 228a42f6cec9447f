// The keys section: a paged, sortable, filterable table of fingerprints with their state, the
// cooldowns per model (click one to read Google's own reason), usage today, budget use and last
// use; bulk add (paste), disable / enable, clear cooldowns, check, delete, delete all disabled,
// export. The server does the filtering and paging, so hundreds of keys stay fast.
import { refreshAll, run } from './actions';
import { api, ApiError } from './api';
import { fmt, h, replace, toast } from './dom';
import type { AddReport, BudgetSettings, CheckJob, KeyPage, KeyRow } from './types';

type Filter = 'all' | 'ok' | 'cooling' | 'disabled';

const state = {
  filter: 'all' as Filter,
  q: '',
  sort: 'index',
  order: 'asc' as 'asc' | 'desc',
  offset: 0,
  limit: 50,
  selected: new Set<string>(),
  expanded: new Set<string>(),
  page: undefined as KeyPage | undefined,
  budgets: undefined as BudgetSettings | undefined,
};

const REASONS: Record<string, string> = {
  quota_per_minute: 'per-minute quota',
  quota_tokens_per_minute: 'tokens-per-minute quota',
  quota_per_day: 'daily quota',
  quota_unknown: 'quota (429)',
  gemini_internal: 'Gemini 500',
  gemini_unavailable: 'Gemini overloaded',
  gemini_deadline: 'Gemini timeout',
  key_invalid: 'invalid key',
  key_expired: 'expired key',
  key_suspended: 'suspended',
  key_leaked: 'reported leaked',
  key_permission_denied: 'permission denied',
  operator: 'disabled by you',
};
export const reasonText = (code: string) => REASONS[code] ?? code.replace(/_/g, ' ');

const els = {} as {
  root: HTMLElement;
  count: HTMLElement;
  addPanel: HTMLElement;
  paste: HTMLTextAreaElement;
  addReport: HTMLElement;
  checkPanel: HTMLElement;
  seg: HTMLElement;
  bulk: HTMLElement;
  tbody: HTMLTableSectionElement;
  thead: HTMLTableSectionElement;
  pager: HTMLElement;
};

export function keysSection(): HTMLElement {
  els.count = h('span', { class: 'pill plain' }, '…');
  els.paste = h('textarea', { class: 'input', rows: 6, placeholder: 'Paste Gemini API keys, one per line (AIza…). Comments after # are ignored.', 'aria-label': 'Keys to add', spellcheck: 'false', autocomplete: 'off' });
  els.addReport = h('div', { class: 'report' });
  els.addPanel = h(
    'div',
    { class: 'panel hidden', id: 'add-keys' },
    els.paste,
    h('div', { class: 'row' }, h('button', { class: 'btn primary', type: 'button', onclick: () => void addKeys() }, 'Add keys'), h('button', { class: 'btn ghost', type: 'button', onclick: () => els.addPanel.classList.add('hidden') }, 'Close'), h('span', { class: 'muted small' }, 'Written to key.txt (comments kept); duplicates and malformed lines are skipped and reported.')),
    els.addReport,
  );
  els.checkPanel = h('div', { class: 'panel hidden', id: 'check-progress' });
  const search = h('input', { class: 'input', type: 'search', placeholder: 'Filter by fingerprint, model or reason', 'aria-label': 'Filter keys' });
  let timer: number | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      state.q = search.value;
      state.offset = 0;
      void load();
    }, 200);
  });
  els.seg = h('div', { class: 'seg', role: 'group', 'aria-label': 'State' });
  const sort = h(
    'select',
    { class: 'input', 'aria-label': 'Sort' },
    ...[
      ['index', 'key.txt order'],
      ['state', 'State'],
      ['requests', 'Most used today'],
      ['rateLimited', 'Most 429s today'],
      ['errors', 'Most errors today'],
      ['lastUsed', 'Last used'],
      ['cooldown', 'Cooldown ends'],
    ].map(([v, label]) => h('option', { value: v }, label)),
  );
  sort.addEventListener('change', () => {
    state.sort = sort.value;
    state.order = sort.value === 'requests' || sort.value === 'rateLimited' || sort.value === 'errors' || sort.value === 'lastUsed' ? 'desc' : 'asc';
    void load();
  });
  els.bulk = h('div', { class: 'bulkbar hidden' });
  els.thead = h('thead');
  els.tbody = h('tbody');
  els.pager = h('div', { class: 'pager' });
  const more = menu('More', [
    ['Check every key', () => void check({ state: 'all' })],
    ['Export all keys', () => void exportKeys('all')],
    ['Export working keys', () => void exportKeys('ok')],
    ['Delete all disabled keys', () => void deleteDisabled(), true],
  ]);
  els.root = h(
    'section',
    { class: 'card', id: 'keys' },
    h(
      'header',
      {},
      h('h2', {}, 'Keys'),
      els.count,
      h('span', { class: 'spacer' }),
      h('button', { class: 'btn primary', type: 'button', onclick: () => { els.addPanel.classList.toggle('hidden'); els.paste.focus(); } }, '+ Add keys'),
      h('button', { class: 'btn', type: 'button', onclick: () => void check({ state: 'all' }) }, 'Check keys'),
      more,
    ),
    els.addPanel,
    els.checkPanel,
    h('div', { class: 'toolbar' }, search, els.seg, sort),
    els.bulk,
    h('div', { class: 'table-wrap' }, h('table', { class: 'cards' }, els.thead, els.tbody)),
    els.pager,
  );
  renderHead();
  return els.root;
}

export function setBudgets(b: BudgetSettings): void {
  state.budgets = b;
}

export async function load(): Promise<void> {
  const q = new URLSearchParams({ state: state.filter, sort: state.sort, order: state.order, offset: String(state.offset), limit: String(state.limit) });
  if (state.q.trim()) q.set('q', state.q.trim());
  const page = await api<KeyPage>('GET', `admin/keys?${q}`);
  if (page.matched && state.offset >= page.matched) {
    state.offset = Math.max(0, Math.floor((page.matched - 1) / state.limit) * state.limit);
    return load();
  }
  state.page = page;
  render();
}

function menu(label: string, items: [string, () => void, boolean?][], caret = true): HTMLElement {
  const list = h('div', { class: 'items hidden', role: 'menu' });
  const root = h('div', { class: 'menu' });
  const button = h('button', { class: caret ? 'btn' : 'btn small', type: 'button', 'aria-haspopup': 'true', 'aria-label': caret ? null : 'Actions' }, label, caret ? ' ▾' : null);
  const close = () => list.classList.add('hidden');
  button.addEventListener('click', (ev) => {
    ev.stopPropagation();
    document.querySelectorAll('.menu .items').forEach((m) => m !== list && m.classList.add('hidden'));
    list.classList.toggle('hidden');
  });
  for (const [text, fn, danger] of items) {
    list.append(h('button', { type: 'button', role: 'menuitem', class: danger ? 'danger' : '', onclick: () => { close(); fn(); } }, text));
  }
  document.addEventListener('click', close);
  root.append(button, list);
  return root;
}

function renderHead(): void {
  const sortable = (key: string, label: string, cls = '') =>
    h('th', { class: cls }, h('button', { type: 'button', onclick: () => { if (state.sort === key) state.order = state.order === 'asc' ? 'desc' : 'asc'; else { state.sort = key; state.order = key === 'requests' || key === 'lastUsed' ? 'desc' : 'asc'; } void load(); } }, label, state.sort === key ? h('span', { class: 'arrow' }, state.order === 'asc' ? '↑' : '↓') : null));
  const all = h('input', { type: 'checkbox', 'aria-label': 'Select all on this page' });
  all.checked = !!state.page?.items.length && state.page.items.every((r) => state.selected.has(r.key));
  all.addEventListener('change', () => {
    for (const r of state.page?.items ?? []) all.checked ? state.selected.add(r.key) : state.selected.delete(r.key);
    render();
  });
  replace(els.thead, h('tr', {}, h('th', { class: 'check' }, all), sortable('key', 'Key'), sortable('state', 'State'), sortable('cooldown', 'Cooldowns and reasons'), sortable('requests', 'Today', 'num'), h('th', {}, 'Budget'), sortable('lastUsed', 'Last used'), h('th', {})));
}

function render(): void {
  const page = state.page;
  if (!page) return;
  const c = page.counts;
  els.count.textContent = `${c.total} keys`;
  replace(
    els.seg,
    ...([
      ['all', 'All', c.total],
      ['ok', 'Available', c.available],
      ['cooling', 'Cooling', c.cooling],
      ['disabled', 'Disabled', c.disabled],
    ] as const).map(([f, label, n]) =>
      h('button', { type: 'button', 'aria-pressed': String(state.filter === f), onclick: () => { state.filter = f; state.offset = 0; void load(); } }, label, h('span', { class: 'n' }, n)),
    ),
  );
  renderHead();
  renderBulk();
  if (!page.items.length) {
    replace(els.tbody, h('tr', {}, h('td', { colspan: 8, class: 'empty' }, page.total ? 'No key matches this filter.' : 'No keys yet: add some with “+ Add keys”.')));
  } else {
    replace(els.tbody, ...page.items.flatMap((r) => (state.expanded.has(r.key) ? [row(r), detail(r)] : [row(r)])));
  }
  const from = page.matched ? page.offset + 1 : 0;
  const to = Math.min(page.offset + page.limit, page.matched);
  const size = h('select', { class: 'input', 'aria-label': 'Keys per page' }, ...[25, 50, 100, 250].map((n) => h('option', { value: n, selected: n === state.limit }, `${n} / page`)));
  size.addEventListener('change', () => {
    state.limit = Number(size.value);
    state.offset = 0;
    void load();
  });
  replace(
    els.pager,
    `${from}–${to} of ${page.matched}${page.matched !== page.total ? ` (filtered from ${page.total})` : ''}`,
    size,
    h('button', { class: 'btn small', type: 'button', disabled: page.offset === 0, onclick: () => { state.offset = Math.max(0, state.offset - state.limit); void load(); } }, '‹ Prev'),
    h('button', { class: 'btn small', type: 'button', disabled: to >= page.matched, onclick: () => { state.offset += state.limit; void load(); } }, 'Next ›'),
  );
}

function toggle(key: string): void {
  state.expanded.has(key) ? state.expanded.delete(key) : state.expanded.add(key);
  render();
}

function statePill(r: KeyRow): HTMLElement {
  if (r.state === 'disabled') return h('span', { class: 'pill bad' }, r.disabled?.byOperator ? 'Disabled by you' : 'Disabled');
  if (r.state === 'cooling') return h('span', { class: 'pill warn' }, 'Cooling');
  return h('span', { class: 'pill ok' }, 'Available');
}

function row(r: KeyRow): HTMLTableRowElement {
  const box = h('input', { type: 'checkbox', 'aria-label': `Select ${r.key}` });
  box.checked = state.selected.has(r.key);
  box.addEventListener('change', () => {
    box.checked ? state.selected.add(r.key) : state.selected.delete(r.key);
    render();
  });
  const chips: HTMLElement[] = [];
  if (r.disabled) chips.push(h('button', { class: 'chip bad', type: 'button', title: 'Read the reason', onclick: () => toggle(r.key) }, h('b', {}, reasonText(r.disabled.reason)), h('span', {}, fmt.ago(r.disabled.at))));
  for (const c of r.cooldowns) {
    chips.push(h('button', { class: 'chip', type: 'button', title: c.message ? 'Read Google’s reason' : c.reason, onclick: () => toggle(r.key) }, h('b', {}, c.model), h('span', {}, reasonText(c.reason)), h('span', { 'data-until': c.until }, fmt.until(c.until))));
  }
  const budget = Object.entries(r.budget);
  const actions = menu('⋯', [
    ['Details', () => toggle(r.key)],
    ...(r.cooldowns.length ? [['Clear cooldowns', () => void act('clear-cooldown', [r.key])] as [string, () => void]] : []),
    r.state === 'disabled' ? ['Enable', () => void act('enable', [r.key])] : ['Disable', () => void act('disable', [r.key])],
    ['Check now', () => void check({ keys: [r.key] })],
    ['Delete from key.txt', () => void remove([r.key]), true],
  ], false);
  return h(
    'tr',
    { class: state.expanded.has(r.key) ? 'expanded' : '', 'data-key': r.key },
    h('td', { class: 'check' }, box),
    h('td', { 'data-label': 'Key' }, h('div', {}, h('span', { class: 'mono reason', role: 'button', tabindex: 0, onclick: () => toggle(r.key) }, r.key)), h('div', { class: 'muted small' }, `line ${r.index + 1}${r.inFlight ? ` · ${r.inFlight} in flight` : ''}`)),
    h('td', { 'data-label': 'State' }, statePill(r)),
    h('td', { 'data-label': 'Cooldowns' }, chips.length ? h('div', { class: 'chips' }, chips) : h('span', { class: 'muted' }, '—')),
    h('td', { class: 'num', 'data-label': 'Today' }, h('div', {}, `${fmt.n(r.today.requests)} req`), h('div', { class: 'muted small' }, `${fmt.n(r.today.tokensIn + r.today.tokensOut)} tok${r.today.rateLimited ? ` · ${r.today.rateLimited}×429` : ''}${r.today.errors ? ` · ${r.today.errors} err` : ''}`)),
    h('td', { 'data-label': 'Budget' }, budget.length ? h('div', { class: 'budget' }, budget.flatMap(([f, u]) => budgetBar(f, u.spent, u.limit))) : h('span', { class: 'muted' }, '—')),
    h('td', { 'data-label': 'Last used', class: 'nowrap', title: r.lastUsed ? fmt.time(r.lastUsed) : '' }, fmt.ago(r.lastUsed)),
    h('td', { class: 'num' }, actions),
  );
}

function budgetBar(family: string, spent: number, limit: number): HTMLElement[] {
  const ratio = limit ? Math.min(1, spent / limit) : 1;
  const bar = h('div', { class: `bar${ratio >= 1 ? ' bad' : ratio >= 0.8 ? ' warn' : ''}` }, h('span'));
  (bar.firstChild as HTMLElement).style.width = `${Math.round(ratio * 100)}%`;
  return [h('span', { class: 'muted' }, family), bar, h('span', { class: 'nowrap' }, `${spent}/${limit}`)];
}

function detail(r: KeyRow): HTMLTableRowElement {
  const why: (HTMLElement | string)[] = [];
  if (r.disabled) {
    why.push(h('div', {}, h('b', {}, reasonText(r.disabled.reason)), h('span', { class: 'muted' }, ` · since ${fmt.time(r.disabled.at)}`)), h('div', { class: 'message' }, r.disabled.message || '(no message)'));
  }
  for (const c of r.cooldowns) {
    why.push(
      h('div', {}, h('b', {}, c.model), ` · ${reasonText(c.reason)} · ends ${fmt.time(c.until)} (`, h('span', { 'data-until': c.until }, fmt.until(c.until)), ') ', h('button', { class: 'btn small', type: 'button', onclick: () => void act('clear-cooldown', [r.key], c.model) }, 'Clear')),
      h('div', { class: 'message' }, c.message || '(the upstream sent no message)'),
    );
  }
  if (!why.length) why.push(h('div', { class: 'muted' }, 'No cooldown, not disabled: this key is in rotation.'));
  const models = Object.entries(r.models);
  const usage = models.length
    ? h('table', { class: 'mini' }, h('thead', {}, h('tr', {}, h('th', {}, 'Model'), h('th', { class: 'num' }, 'Req'), h('th', { class: 'num' }, '429'), h('th', { class: 'num' }, 'Err'), h('th', { class: 'num' }, 'Tokens in/out'))), h('tbody', {}, models.map(([m, c]) => h('tr', {}, h('td', { class: 'mono' }, m), h('td', { class: 'num' }, c.requests), h('td', { class: 'num' }, c.rateLimited), h('td', { class: 'num' }, c.errors), h('td', { class: 'num' }, `${fmt.n(c.tokensIn)} / ${fmt.n(c.tokensOut)}`)))))
    : h('div', { class: 'muted' }, 'Not used today (Pacific time).');
  return h('tr', { class: 'detail' }, h('td', { colspan: 8 }, h('div', { class: 'grid' }, h('div', {}, h('h4', {}, 'Why'), why), h('div', {}, h('h4', {}, 'Usage today'), usage), h('div', {}, h('h4', {}, 'Daily budget for this key'), budgetEditor(r)))));
}

function budgetEditor(r: KeyRow): HTMLElement {
  const b = state.budgets;
  if (!b) return h('div', { class: 'muted' }, '…');
  const own = b.perKey[r.key] ?? {};
  const inputs = b.families.map((f) => {
    const input = h('input', { class: 'input', type: 'number', min: 0, step: 1, placeholder: b.defaults[f] !== undefined ? `default ${b.defaults[f]}` : 'no budget', value: own[f] ?? '', 'aria-label': `${f} budget for ${r.key}` });
    return [f, input] as const;
  });
  const save = async () => {
    const limits: Record<string, number> = {};
    for (const [f, input] of inputs) if (input.value.trim() !== '') limits[f] = Number(input.value);
    const perKey = { ...b.perKey, [r.key]: limits };
    try {
      const saved = await api<BudgetSettings>('PUT', 'admin/budgets', { defaults: b.defaults, perKey });
      setBudgets(saved);
      toast('Budget saved for this key');
      refreshAll();
    } catch (e) {
      toast((e as Error).message, true);
    }
  };
  return h('div', {}, h('div', { class: 'families' }, inputs.map(([f, input]) => h('label', {}, f, input))), h('div', { class: 'row' }, h('button', { class: 'btn small', type: 'button', onclick: () => void save() }, 'Save'), h('span', { class: 'muted small' }, ' Empty: the default applies.')));
}

function renderBulk(): void {
  const n = state.selected.size;
  els.bulk.classList.toggle('hidden', n === 0);
  if (!n) return;
  const keys = [...state.selected];
  replace(
    els.bulk,
    h('b', {}, `${n} selected`),
    h('button', { class: 'btn small', type: 'button', onclick: () => void act('clear-cooldown', keys) }, 'Clear cooldowns'),
    h('button', { class: 'btn small', type: 'button', onclick: () => void act('disable', keys) }, 'Disable'),
    h('button', { class: 'btn small', type: 'button', onclick: () => void act('enable', keys) }, 'Enable'),
    h('button', { class: 'btn small', type: 'button', onclick: () => void check({ keys }) }, 'Check'),
    h('button', { class: 'btn small danger', type: 'button', onclick: () => void remove(keys) }, 'Delete'),
    h('button', { class: 'btn small ghost', type: 'button', onclick: () => { state.selected.clear(); render(); } }, 'Clear selection'),
  );
}


function act(action: 'disable' | 'enable' | 'clear-cooldown', keys: string[], model?: string): Promise<void> {
  return run(async () => {
    const r = await api<{ changed: string[] }>('POST', `admin/keys/${action}`, model ? { keys, model } : { keys });
    const verb = action === 'clear-cooldown' ? 'Cooldowns cleared on' : action === 'disable' ? 'Disabled' : 'Enabled';
    toast(`${verb} ${r.changed.length} key${r.changed.length === 1 ? '' : 's'}`);
  });
}

function remove(keys: string[]): Promise<void> {
  if (!confirm(`Delete ${keys.length} key${keys.length === 1 ? '' : 's'} from key.txt? This cannot be undone from here.`)) return Promise.resolve();
  return run(async () => {
    const r = await api<{ deleted: string[] }>('POST', 'admin/keys/delete', { keys });
    for (const k of r.deleted) state.selected.delete(k);
    toast(`Deleted ${r.deleted.length} key${r.deleted.length === 1 ? '' : 's'} from key.txt`);
  });
}

function deleteDisabled(): Promise<void> {
  const n = state.page?.counts.disabled ?? 0;
  if (!n) {
    toast('No disabled keys');
    return Promise.resolve();
  }
  if (!confirm(`Delete all ${n} disabled keys from key.txt?`)) return Promise.resolve();
  return run(async () => {
    const r = await api<{ deleted: string[] }>('POST', 'admin/keys/delete-disabled', {});
    toast(`Deleted ${r.deleted.length} disabled key${r.deleted.length === 1 ? '' : 's'}`);
  });
}

async function addKeys(): Promise<void> {
  const text = els.paste.value;
  if (!text.trim()) {
    replace(els.addReport, h('span', { class: 'error' }, 'Paste at least one key.'));
    return;
  }
  await run(async () => {
    try {
      const r = await api<AddReport>('POST', 'admin/keys', { text });
      els.paste.value = '';
      const lines: HTMLElement[] = [h('div', {}, h('b', {}, `Added ${r.added} key${r.added === 1 ? '' : 's'}`), ` · ${r.total} in total`)];
      if (r.duplicates.length) lines.push(h('div', { class: 'muted' }, `${r.duplicates.length} duplicate${r.duplicates.length === 1 ? '' : 's'} skipped: `, r.duplicates.slice(0, 8).map((d) => `line ${d.line} ${d.key} (${d.of === 'file' ? 'already in key.txt' : 'repeated'})`).join(', '), r.duplicates.length > 8 ? ', …' : ''));
      if (r.malformed.length) lines.push(h('div', { class: 'error' }, `${r.malformed.length} line${r.malformed.length === 1 ? '' : 's'} not a key: `, r.malformed.slice(0, 8).map((d) => `line ${d.line} (${d.key})`).join(', '), r.malformed.length > 8 ? ', …' : ''));
      replace(els.addReport, ...lines);
      toast(`Added ${r.added} key${r.added === 1 ? '' : 's'}`);
    } catch (e) {
      replace(els.addReport, h('span', { class: 'error' }, (e as Error).message));
    }
  });
}

let polling: number | undefined;
function check(selection: { keys: string[] } | { state: 'all' }): Promise<void> {
  return run(async () => {
    try {
      await api<CheckJob>('POST', 'admin/keys/check', selection);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'check_running')) throw e;
    }
    pollCheck();
  });
}

function pollCheck(): void {
  window.clearTimeout(polling);
  void api<CheckJob>('GET', 'admin/keys/check').then(
    (job) => {
      renderCheck(job);
      if (job.running) polling = window.setTimeout(pollCheck, 600);
      else refreshAll();
    },
    () => {},
  );
}

function renderCheck(job: CheckJob): void {
  els.checkPanel.classList.remove('hidden');
  const bar = h('div', { class: 'progress' }, h('span'));
  (bar.firstChild as HTMLElement).style.width = `${job.total ? Math.round((job.done / job.total) * 100) : 100}%`;
  const parts = Object.entries(job.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`);
  replace(
    els.checkPanel,
    h('div', { class: 'row' }, h('b', {}, job.running ? 'Checking keys…' : 'Check finished'), h('span', { class: 'muted' }, `${job.done} / ${job.total}`), bar, h('button', { class: 'btn small ghost', type: 'button', onclick: () => els.checkPanel.classList.add('hidden') }, 'Close')),
    h('div', { class: 'muted small' }, parts.length ? parts.join(' · ') : 'A models-list call per key: it costs no generation quota.'),
    job.warning ? h('div', { class: 'small hint', role: 'alert' }, job.warning) : null,
  );
}

async function exportKeys(which: 'all' | 'ok'): Promise<void> {
  if (!confirm('The export contains your full API keys. Download it?')) return;
  try {
    const text = await api<string>('POST', 'admin/keys/export', { state: which });
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = h('a', { href: url, download: `opengemini-keys-${which}-${new Date().toISOString().slice(0, 10)}.txt` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    toast((e as Error).message, true);
  }
}
