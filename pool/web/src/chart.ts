// The overview's chart: requests per hour over the last 24 hours, hand-drawn SVG (no library):
// successful requests in the accent colour, failed ones stacked above in red, and an amber tick
// under hours in which Google answered 429s (the pool usually hid them by moving to another key).
import { s } from './dom';
import type { Summary } from './types';

export function hourlyChart(series: (Summary & { start: string })[], width: number): SVGElement {
  const W = Math.max(260, Math.round(width));
  const H = 150;
  const left = 34;
  const bottom = 20;
  const top = 8;
  const plotH = H - bottom - top;
  const max = Math.max(1, ...series.map((p) => p.requests));
  const scale = niceMax(max);
  const slot = (W - left) / Math.max(1, series.length);
  const barW = Math.max(2, slot * 0.66);
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': 'Requests per hour, last 24 hours' });
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH * (1 - f);
    svg.append(s('line', { class: 'grid', x1: left, x2: W, y1: y, y2: y }));
    svg.append(s('text', { x: left - 6, y: y + 3, 'text-anchor': 'end' }, short(scale * f)));
  }
  series.forEach((p, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    const okH = (p.ok / scale) * plotH;
    const errH = ((p.requests - p.ok) / scale) * plotH;
    const g = s('g', {}, s('title', {}, `${new Date(p.start).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' })}: ${p.requests} requests, ${p.ok} ok, ${p.errors} failed, ${p.rateLimited} 429s from Google`));
    g.append(s('rect', { class: 'ok', x, y: top + plotH - okH, width: barW, height: Math.max(0, okH), rx: 1.5 }));
    if (errH > 0) g.append(s('rect', { class: 'err', x, y: top + plotH - okH - errH, width: barW, height: errH, rx: 1.5 }));
    if (p.rateLimited > 0) g.append(s('rect', { class: 'rl', x, y: H - bottom + 3, width: barW, height: 3, rx: 1 }));
    // An invisible full-height target so the tooltip works on empty hours too.
    g.append(s('rect', { x: left + i * slot, y: top, width: slot, height: plotH, fill: 'transparent' }));
    svg.append(g);
    const d = new Date(p.start);
    if (d.getHours() % 6 === 0) {
      const cx = x + barW / 2;
      const anchor = cx > W - 18 ? 'end' : 'middle'; // the last label must not be cut at the edge
      svg.append(s('text', { x: anchor === 'end' ? W : cx, y: H - 4, 'text-anchor': anchor }, `${String(d.getHours()).padStart(2, '0')}:00`));
    }
  });
  return svg;
}

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function short(v: number): string {
  return v >= 1000 ? `${Math.round(v / 100) / 10}k` : String(Math.round(v));
}
