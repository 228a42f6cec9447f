// A tiny DOM toolkit: h() builds elements (text is always set as text, never as HTML, so nothing
// the API returns can inject markup), plus formatting of numbers and times.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
}

export function replace(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

const SVG = 'http://www.w3.org/2000/svg';
export function s(tag: string, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat();

export const fmt = {
  n: (v: number) => (Math.abs(v) >= 10_000 ? compact.format(v) : whole.format(v)),
  pct: (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(v >= 0.9995 || v === 0 ? 0 : 1)}%`),
  /** "in 42 s", "in 3 min", "in 5 h 12 min". */
  until(iso: string, now = Date.now()): string {
    const ms = Date.parse(iso) - now;
    return ms <= 0 ? 'now' : `in ${span(ms)}`;
  },
  ago(iso: string | null, now = Date.now()): string {
    if (!iso) return 'never';
    const ms = now - Date.parse(iso);
    return ms < 5_000 ? 'just now' : `${span(ms)} ago`;
  },
  time: (iso: string) => new Date(iso).toLocaleString(),
};

export function span(ms: number): string {
  const sec = Math.ceil(ms / 1000);
  if (sec < 90) return `${sec} s`;
  const min = Math.round(sec / 60);
  if (min < 90) return `${min} min`;
  const hours = Math.floor(min / 60);
  if (hours < 48) return `${hours} h ${min % 60} min`;
  return `${Math.round(hours / 24)} days`;
}

let toastBox: HTMLElement | undefined;
export function toast(message: string, bad = false): void {
  if (!toastBox) {
    toastBox = h('div', { class: 'toasts', role: 'status' });
    document.body.append(toastBox);
  }
  const t = h('div', { class: bad ? 'toast bad' : 'toast' }, message);
  toastBox.append(t);
  setTimeout(() => t.remove(), bad ? 8_000 : 4_500);
}

/** Keeps "in 42 s" labels current between refreshes. */
export function startTicker(): void {
  setInterval(() => {
    const now = Date.now();
    for (const el of document.querySelectorAll<HTMLElement>('[data-until]')) el.textContent = fmt.until(el.dataset['until'] ?? '', now);
  }, 1_000);
}
