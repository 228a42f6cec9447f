// The overview, upstreams, client keys and budgets sections.
import { run } from './actions';
import { api } from './api';
import { hourlyChart } from './chart';
import { fmt, h, replace, span, toast } from './dom';
import { setBudgets } from './keys';
import type { BudgetSettings, ClientRow, Overview, Summary, UpstreamRow } from './types';


/* ---------------------------------------------------------------- overview */

const ov = {} as { root: HTMLElement; alert: HTMLElement; stats: HTMLElement; chart: HTMLElement; side: HTMLElement; period: 'today' | 'last24h'; last?: Overview };

export function overviewSection(): HTMLElement {
  ov.period = 'today';
  ov.stats = h('div', { class: 'stats' });
  ov.alert = h('div', { role: 'alert' });
  ov.chart = h('div');
  ov.side = h('div');
  const seg = h('div', { class: 'seg', role: 'group', 'aria-label': 'Period' });
  const setPeriod = (p: 'today' | 'last24h') => {
    ov.period = p;
    for (const b of seg.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset['p'] === p));
    if (ov.last) renderOverview(ov.last);
  };
  seg.append(h('button', { type: 'button', 'data-p': 'today', 'aria-pressed': 'true', onclick: () => setPeriod('today') }, 'Today (Pacific)'), h('button', { type: 'button', 'data-p': 'last24h', 'aria-pressed': 'false', onclick: () => setPeriod('last24h') }, 'Last 24 h'));
  ov.root = h('section', { class: 'card', id: 'overview' }, h('header', {}, h('h2', {}, 'Overview'), h('span', { class: 'spacer' }), seg), ov.alert, ov.stats, h('div', { class: 'overview-grid' }, ov.chart, ov.side));
  return ov.root;
}

function stat(label: string, value: string, sub: string, tone = ''): HTMLElement {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: `value ${tone}` }, value), h('div', { class: 'sub' }, sub));
}

export function renderOverview(o: Overview): void {
  ov.last = o;
  const p: Summary = ov.period === 'today' ? o.today : o.last24h;
  const rate = p.successRate;
  // A failed save is the one problem that loses the operator's work (disabled keys) on restart.
  const st = o.state;
  replace(
    ov.alert,
    ...(st.saved
      ? []
      : [
          h(
            'div',
            { class: 'degraded' },
            h('strong', {}, 'degraded: state not saved'),
            ` since ${new Date(st.since).toLocaleString()} (${st.attempts} attempts): ${st.error}. Disabled keys, cooldowns, usage and sign-outs since then will be lost on restart; the pool retries by itself once DATA_DIR is writable again.`,
          ),
        ]),
  );
  replace(
    ov.stats,
    stat('Requests', fmt.n(p.requests), `${fmt.n(p.ok)} answered`),
    stat('Success rate', fmt.pct(rate), p.requests ? `${fmt.n(p.requests - p.ok)} failed` : 'no traffic yet', rate === null ? '' : rate >= 0.98 ? 'ok' : rate >= 0.9 ? 'warn' : 'bad'),
    stat('Tokens in', fmt.n(p.tokensIn), 'prompt'),
    stat('Tokens out', fmt.n(p.tokensOut), 'answers and thoughts'),
    stat('429s from Google', fmt.n(p.rateLimited), 'hidden by moving to another key', p.rateLimited ? 'warn' : ''),
    stat('Errors', fmt.n(p.errors), 'answered to clients', p.errors ? 'bad' : ''),
  );
  const width = ov.chart.clientWidth ? ov.chart.clientWidth - 32 : 640;
  replace(
    ov.chart,
    h('div', { class: 'muted small' }, 'Requests per hour, last 24 hours'),
    hourlyChart(o.series, width),
    h('div', { class: 'legend' }, h('span', {}, h('i', { class: 'ok' }), 'answered'), h('span', {}, h('i', { class: 'err' }), 'failed'), h('span', {}, h('i', { class: 'rl' }), '429s from Google')),
  );
  const k = o.keys;
  const meter = h('div', { class: 'meter', title: `${k.available} available, ${k.cooling} cooling, ${k.disabled} disabled` });
  for (const [cls, n] of [['ok', k.available], ['warn', k.cooling], ['bad', k.disabled]] as const) {
    const seg = h('span', { class: cls });
    seg.style.width = `${k.total ? (n / k.total) * 100 : 0}%`;
    meter.append(seg);
  }
  const atLimit = Object.entries(o.budgets.keysAtLimit);
  replace(
    ov.side,
    h('div', { class: 'muted small' }, `Keys (${k.total})`),
    meter,
    h(
      'dl',
      { class: 'kv' },
      h('dt', {}, h('span', { class: 'dot ok' }), 'Available'), h('dd', {}, k.available),
      h('dt', {}, h('span', { class: 'dot warn' }), 'Cooling down'), h('dd', {}, k.cooling),
      h('dt', {}, h('span', { class: 'dot bad' }), 'Disabled'), h('dd', {}, k.disabled),
      h('dt', {}, 'Upstreams up'), h('dd', {}, `${o.upstreams.up} / ${o.upstreams.total}`),
      h('dt', {}, 'Daily quotas reset'), h('dd', { title: fmt.time(o.nextReset) }, `in ${span(Date.parse(o.nextReset) - Date.parse(o.now))}`),
      ...(atLimit.length ? atLimit.flatMap(([f, n]) => [h('dt', {}, `At ${f} budget`), h('dd', {}, n)]) : []),
    ),
  );
}

/* --------------------------------------------------------------- upstreams */

const up = {} as { tbody: HTMLTableSectionElement; mode: HTMLElement; form: HTMLFormElement; warning: HTMLElement };

export function upstreamsSection(): HTMLElement {
  up.tbody = h('tbody');
  up.mode = h('span', { class: 'pill plain' }, '…');
  up.warning = h('p', { class: 'panel warn hidden', role: 'alert', id: 'upstreams-warning' });
  const url = h('input', { class: 'input', type: 'url', placeholder: 'https://gemini.example.com', required: true, 'aria-label': 'Worker URL' });
  const secret = h('input', { class: 'input', type: 'password', placeholder: 'secret (optional)', autocomplete: 'off', 'aria-label': 'Worker secret' });
  up.form = h('form', { class: 'toolbar' }, url, secret, h('button', { class: 'btn primary', type: 'submit' }, 'Add upstream'));
  up.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run(async () => {
      const r = await api<{ added: string; mode: string }>('POST', 'admin/upstreams', secret.value ? { url: url.value, secret: secret.value } : { url: url.value });
      url.value = '';
      secret.value = '';
      toast(`Added ${r.added} (mode: ${r.mode})`);
    });
  });
  return h(
    'section',
    { class: 'card', id: 'upstreams' },
    h('header', {}, h('h2', {}, 'Upstreams'), up.mode, h('span', { class: 'spacer' }), h('span', { class: 'muted small' }, 'upstreams.txt')),
    up.form,
    up.warning,
    h('div', { class: 'table-wrap' }, h('table', { class: 'cards' }, h('thead', {}, h('tr', {}, ...['Upstream', 'Runs in', 'State', 'Latency', 'Requests', 'Errors', 'Last error', 'Keys', ''].map((t, i) => h('th', { class: i >= 3 && i <= 5 ? 'num' : '' }, t)))), up.tbody)),
  );
}

/** `warning`: every upstream is region-blocked (from GET /admin/upstreams). */
export function renderUpstreams(mode: string, rows: UpstreamRow[], warning?: string): void {
  up.mode.textContent = mode === 'direct' ? 'direct mode: this server calls Gemini' : 'workers mode';
  up.warning.textContent = warning ?? '';
  up.warning.classList.toggle('hidden', !warning);
  up.form.classList.toggle('hidden', false);
  replace(
    up.tbody,
    ...rows.map((u) => {
      const tone = u.circuit === 'closed' ? 'ok' : u.up ? 'warn' : 'bad';
      const label = u.circuit === 'closed' ? 'Up' : u.circuit === 'half_open' ? 'Probing' : 'Circuit open';
      return h(
        'tr',
        {},
        h('td', { 'data-label': 'Upstream' }, h('span', { class: 'mono' }, u.upstream), u.hasSecret ? h('span', { class: 'muted small' }, ' · secret') : null),
        h('td', { 'data-label': 'Runs in' }, u.runsIn ? h('span', { class: 'mono', title: 'Cloudflare data centre of its last answers (cf-ray, cf-placement)' }, u.runsIn) : h('span', { class: 'muted' }, u.upstream === 'direct' ? 'this server' : '—')),
        h('td', { 'data-label': 'State' }, h('span', { class: `pill ${tone}` }, label), u.nextProbe && u.circuit !== 'closed' ? h('div', { class: 'muted small' }, 'next probe ', h('span', { 'data-until': u.nextProbe }, fmt.until(u.nextProbe))) : null),
        h('td', { class: 'num', 'data-label': 'Latency' }, u.requests ? `${fmt.n(u.latencyMs)} ms` : '—'),
        h('td', { class: 'num', 'data-label': 'Requests' }, fmt.n(u.requests)),
        h('td', { class: 'num', 'data-label': 'Errors' }, fmt.n(u.errors)),
        h('td', { 'data-label': 'Last error' }, u.lastError ? h('span', { title: u.lastErrorAt ? fmt.time(u.lastErrorAt) : '' }, u.lastError.replace(/_/g, ' '), h('span', { class: 'muted small' }, u.lastErrorAt ? ` · ${fmt.ago(u.lastErrorAt)}` : '')) : h('span', { class: 'muted' }, '—'), u.hint ? h('div', { class: 'small hint' }, u.hint) : null),
        h('td', { 'data-label': 'Keys' }, String(u.keys)),
        h('td', { class: 'num' }, u.upstream === 'direct' ? null : h('button', { class: 'btn small danger', type: 'button', onclick: () => { if (confirm(`Remove ${u.upstream} from upstreams.txt?`)) void run(async () => { await api('POST', 'admin/upstreams/delete', { url: u.upstream }); toast(`Removed ${u.upstream}`); }); } }, 'Remove')),
      );
    }),
  );
}

/* ------------------------------------------------------------- client keys */

const cl = {} as { tbody: HTMLTableSectionElement; created: HTMLElement };

export function clientsSection(): HTMLElement {
  cl.tbody = h('tbody');
  cl.created = h('div', { class: 'hidden' });
  const label = h('input', { class: 'input', placeholder: 'Who is it for? (label, optional)', maxlength: 80, 'aria-label': 'Label' });
  const form = h('form', { class: 'toolbar' }, label, h('button', { class: 'btn primary', type: 'submit' }, 'Create client key'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run(async () => {
      const r = await api<{ key: string; fingerprint: string; note: string }>('POST', 'admin/clients', { label: label.value });
      label.value = '';
      const code = h('div', { class: 'mono' }, r.key);
      cl.created.className = 'panel';
      replace(
        cl.created,
        h('div', { class: 'callout' }, h('b', {}, 'New client key — copy it now, it is shown only once'), code, h('div', { class: 'row' }, h('button', { class: 'btn small', type: 'button', onclick: () => void navigator.clipboard?.writeText(r.key).then(() => toast('Copied')) }, 'Copy'), h('button', { class: 'btn small ghost', type: 'button', onclick: () => { cl.created.className = 'hidden'; cl.created.replaceChildren(); } }, 'Done'))),
      );
    });
  });
  return h(
    'section',
    { class: 'card', id: 'clients' },
    h('header', {}, h('h2', {}, 'Client keys'), h('span', { class: 'spacer' }), h('span', { class: 'muted small' }, 'who may call the pool')),
    form,
    cl.created,
    h('div', { class: 'table-wrap' }, h('table', { class: 'cards' }, h('thead', {}, h('tr', {}, ...['Key', 'Label', 'Today', 'Tokens today', 'Kept days', ''].map((t, i) => h('th', { class: i >= 2 && i <= 4 ? 'num' : '' }, t)))), cl.tbody)),
  );
}

export function renderClients(rows: ClientRow[]): void {
  replace(
    cl.tbody,
    ...rows.map((c) =>
      h(
        'tr',
        {},
        h('td', { 'data-label': 'Key' }, h('span', { class: 'mono' }, c.key)),
        h('td', { 'data-label': 'Label' }, c.label ?? h('span', { class: 'muted' }, '—')),
        h('td', { class: 'num', 'data-label': 'Today' }, `${fmt.n(c.today.requests)} req`, c.today.errors + c.today.rateLimited ? h('div', { class: 'muted small' }, `${c.today.errors + c.today.rateLimited} failed`) : null),
        h('td', { class: 'num', 'data-label': 'Tokens today' }, `${fmt.n(c.today.tokensIn)} / ${fmt.n(c.today.tokensOut)}`),
        h('td', { class: 'num', 'data-label': 'Kept days' }, `${fmt.n(c.kept.requests)} req`),
        h('td', { class: 'num' }, c.revocable ? h('button', { class: 'btn small danger', type: 'button', onclick: () => { if (confirm(`Revoke ${c.key}${c.label ? ` (${c.label})` : ''}? Clients using it get 401 at once.`)) void run(async () => { await api('POST', 'admin/clients/revoke', { key: c.key }); toast(`Revoked ${c.key}`); }); } }, 'Revoke') : h('span', { class: 'muted small' }, c.source === 'env' ? 'CLIENT_KEYS' : 'main key')),
      ),
    ),
  );
}

/* ----------------------------------------------------------------- budgets */

const bu = {} as { families: HTMLElement; inputs: Map<string, HTMLInputElement>; dirty: boolean; perKey: HTMLElement; settings?: BudgetSettings };

export function budgetsSection(): HTMLElement {
  bu.families = h('div', { class: 'families' });
  bu.inputs = new Map();
  bu.dirty = false;
  bu.perKey = h('div', { class: 'muted small' });
  const form = h('form', { class: 'body' }, h('p', { class: 'muted' }, 'Daily requests each key may send per model family, counted per Pacific day. A key that spent its budget is skipped for that family until midnight Pacific time, before Google answers 429. Leave a family empty for no budget; open a key in the table to give it its own.'), bu.families, h('div', { class: 'row' }, h('button', { class: 'btn primary', type: 'submit' }, 'Save budgets'), bu.perKey));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run(async () => {
      const defaults: Record<string, number> = {};
      for (const [f, input] of bu.inputs) if (input.value.trim() !== '') defaults[f] = Number(input.value);
      const saved = await api<BudgetSettings>('PUT', 'admin/budgets', { defaults, perKey: bu.settings?.perKey ?? {} });
      bu.dirty = false;
      renderBudgets(saved);
      toast('Budgets saved');
    });
  });
  return h('section', { class: 'card', id: 'budgets' }, h('header', {}, h('h2', {}, 'Daily budgets'), h('span', { class: 'spacer' }), h('span', { class: 'muted small' }, 'per key, per model family')), form);
}

export function renderBudgets(b: BudgetSettings): void {
  bu.settings = b;
  setBudgets(b);
  const n = Object.keys(b.perKey).length;
  bu.perKey.textContent = n ? `${n} key${n === 1 ? ' has its' : 's have their'} own budget` : '';
  if (bu.dirty || bu.families.contains(document.activeElement)) return; // never overwrite what is being typed
  if (!bu.inputs.size) {
    for (const f of b.families) {
      const input = h('input', { class: 'input', type: 'number', min: 0, step: 1, placeholder: 'no budget', 'aria-label': `${f} daily budget` });
      input.addEventListener('input', () => (bu.dirty = true));
      bu.inputs.set(f, input);
      bu.families.append(h('label', {}, f, input));
    }
  }
  for (const [f, input] of bu.inputs) input.value = b.defaults[f] === undefined ? '' : String(b.defaults[f]);
}
