// The dashboard: sign-in, then one page of sections (overview, keys, upstreams, client keys,
// budgets) refreshed every few seconds while the tab is visible. Everything goes through the
// documented admin API (docs/admin-api.md) with the session cookie.
import { api, ApiError, whenSignedOut } from './api';
import { h, replace, startTicker, toast } from './dom';
import { keysSection, load as loadKeys } from './keys';
import { onChange } from './actions';
import { budgetsSection, clientsSection, overviewSection, renderBudgets, renderClients, renderOverview, renderUpstreams, upstreamsSection } from './sections';
import type { BudgetSettings, ClientRow, Overview, UpstreamRow } from './types';

const root = document.getElementById('app')!;
const REFRESH_MS = 5_000;
let timer: number | undefined;
let signedIn = false;

function applyTheme(): void {
  const t = localStorage.getItem('og-theme');
  if (t === 'light' || t === 'dark') document.documentElement.dataset['theme'] = t;
  else delete document.documentElement.dataset['theme'];
}

function themeButton(): HTMLElement {
  const labels: Record<string, string> = { auto: '◐ Auto', light: '☀ Light', dark: '☾ Dark' };
  const current = () => localStorage.getItem('og-theme') ?? 'auto';
  const b = h('button', { class: 'btn ghost', type: 'button', title: 'Theme' }, labels[current()] ?? '◐ Auto');
  b.addEventListener('click', () => {
    const next = { auto: 'light', light: 'dark', dark: 'auto' }[current()] ?? 'auto';
    if (next === 'auto') localStorage.removeItem('og-theme');
    else localStorage.setItem('og-theme', next);
    applyTheme();
    b.textContent = labels[next] ?? '';
  });
  return b;
}

function showSignIn(message = ''): void {
  signedIn = false;
  window.clearTimeout(timer);
  const key = h('input', { class: 'input', type: 'password', name: 'key', autocomplete: 'current-password', placeholder: 'Admin key', 'aria-label': 'Admin key', required: true });
  const error = h('div', { class: 'error', role: 'alert' }, message);
  const button = h('button', { class: 'btn primary', type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    {},
    h('h1', {}, h('img', { src: 'dashboard/icon.svg', alt: '', width: 28, height: 28 }), 'OpenGemini pool'),
    h('p', { class: 'muted' }, 'Sign in with ADMIN_KEY, or with the client key from access_key.txt when no ADMIN_KEY is set.'),
    key,
    button,
    error,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    button.disabled = true;
    api('POST', 'admin/session', { key: key.value }).then(
      () => showDashboard(),
      (e: Error) => {
        button.disabled = false;
        error.textContent = e.message;
        key.select();
      },
    );
  });
  replace(root, h('div', { class: 'signin' }, form));
  key.focus();
}

function showDashboard(): void {
  signedIn = true;
  const refresh = () => void refreshAll();
  onChange(refresh);
  const signOut = h('button', { class: 'btn', type: 'button' }, 'Sign out');
  signOut.addEventListener('click', () => void api('DELETE', 'admin/session').finally(() => showSignIn('Signed out.')));
  const mode = h('span', { class: 'pill info', id: 'mode' }, '…');
  replace(
    root,
    h(
      'div',
      { class: 'top' },
      h('div', { class: 'brand' }, h('img', { src: 'dashboard/icon.svg', alt: '' }), 'OpenGemini pool', mode),
      h('nav', { 'aria-label': 'Sections' }, ...['Overview', 'Keys', 'Upstreams', 'Clients', 'Budgets'].map((s) => h('a', { href: `#${s.toLowerCase()}` }, s))),
      h('div', { class: 'right' }, themeButton(), signOut),
    ),
    h('main', {}, overviewSection(), keysSection(), upstreamsSection(), clientsSection(), budgetsSection()),
  );
  void refreshAll();
}

let inFlight: Promise<void> | undefined;
function refreshAll(): Promise<void> {
  inFlight ??= (async () => {
    window.clearTimeout(timer);
    try {
      const [o, ups, clients, budgets] = await Promise.all([
        api<Overview>('GET', 'admin/overview'),
        api<{ mode: string; upstreams: UpstreamRow[]; warning?: string }>('GET', 'admin/upstreams'),
        api<{ clients: ClientRow[] }>('GET', 'admin/clients'),
        api<BudgetSettings>('GET', 'admin/budgets'),
      ]);
      if (!signedIn) return;
      renderBudgets(budgets); // before the keys: their detail rows edit per-key budgets
      await loadKeys();
      renderOverview(o);
      renderUpstreams(ups.mode, ups.upstreams, ups.warning);
      renderClients(clients.clients);
      const mode = document.getElementById('mode');
      if (mode) mode.textContent = o.mode === 'direct' ? 'direct' : `${o.upstreams.total} upstream${o.upstreams.total === 1 ? '' : 's'}`;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) toast(`Refresh failed: ${(e as Error).message}`, true);
    } finally {
      inFlight = undefined;
      if (signedIn) timer = window.setTimeout(() => void (document.hidden ? undefined : refreshAll()), REFRESH_MS);
    }
  })();
  return inFlight;
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && signedIn) void refreshAll();
});
whenSignedOut(() => {
  if (signedIn) showSignIn('Your session ended: sign in again.');
});

applyTheme();
startTicker();
api('GET', 'admin/session').then(
  () => showDashboard(),
  () => showSignIn(),
);
