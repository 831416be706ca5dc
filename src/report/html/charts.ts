/**
 * Performance charts as inline SVG drawn from the record's numbers (no chart library, no
 * script): latency percentiles per stage, throughput and latency over time, and the latency
 * distribution read back from the stage's HDR histogram. Every label goes through esc().
 */
import { LatencyHistogram } from '../../perf/index.js';
import type { PerfView } from '../model.js';
import { esc } from './escape.js';

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];
const PCT_COLORS = ['#93c5fd', '#60a5fa', '#2563eb', '#1e3a8a'];

const W = 530;
const H = 270;
const M = { l: 64, r: 16, t: 28, b: 56 };

const f1 = (x: number): string => (Math.round(x * 10) / 10).toString();

/** Round axis ticks: 0 … ≥max in 4–6 steps of 1/2/2.5/5 × 10^k. */
export function niceTicks(max: number, want = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / want;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

const fmt = (v: number): string => (v >= 10000 ? `${f1(v / 1000)}k` : v >= 100 ? String(Math.round(v)) : v >= 1 ? f1(v) : String(Math.round(v * 100) / 100));

function frame(title: string, yTicks: number[], yMax: number, yLabel: string, body: string, xAxis: string, legend: { svg: string; rows: number } = { svg: '', rows: 0 }): string {
  const ph = H - M.t - M.b;
  const h = H + Math.max(0, legend.rows - 1) * 16;
  const y = (v: number): number => M.t + ph - (v / yMax) * ph;
  let grid = '';
  for (const v of yTicks) {
    grid += `<path class="grid" d="M${M.l} ${f1(y(v))}H${W - M.r}"/><text class="tick" x="${M.l - 6}" y="${f1(y(v) + 4)}" text-anchor="end">${esc(fmt(v))}</text>`;
  }
  return `<svg class="chart" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="${esc(title)}">`
    + `<title>${esc(title)}</title><text class="ctitle" x="${M.l}" y="18">${esc(title)}</text>`
    + `<text class="tick" x="14" y="${M.t + ph / 2}" transform="rotate(-90 14 ${M.t + ph / 2})" text-anchor="middle">${esc(yLabel)}</text>`
    + grid + body + xAxis
    + `<path class="axis" d="M${M.l} ${M.t}V${M.t + ph}H${W - M.r}"/>` + legend.svg + '</svg>';
}

/** Legend items laid out in rows that fit the chart's width; returns the markup and the rows used. */
function legendRow(items: { label: string; color: string }[]): { svg: string; rows: number } {
  let x = M.l;
  let row = 0;
  let out = '';
  for (const it of items) {
    const w = 30 + Math.min(220, it.label.length * 6.6);
    if (x + w > W - M.r && x > M.l) { x = M.l; row++; }
    const y = H - 6 + row * 16;
    out += `<path d="M${x} ${y - 8}h12v-8h-12z" fill="${it.color}"/><text class="tick" x="${x + 16}" y="${y}">${esc(it.label)}</text>`;
    x += w;
  }
  return { svg: out, rows: items.length ? row + 1 : 0 };
}

const PCTS: { key: 'p50' | 'p90' | 'p95' | 'p99'; label: string }[] = [
  { key: 'p50', label: 'p50' }, { key: 'p90', label: 'p90' }, { key: 'p95', label: 'p95' }, { key: 'p99', label: 'p99' },
];

/** Grouped bars: one group per stage, one bar per percentile. */
export function percentileChart(stages: readonly PerfView[], title: string, yLabel: string): string | undefined {
  const with_ = stages.filter((s) => PCTS.some((p) => s.latency[p.key] !== undefined));
  if (with_.length === 0) return undefined;
  const max = Math.max(...with_.flatMap((s) => PCTS.map((p) => s.latency[p.key] ?? 0)));
  const ticks = niceTicks(max);
  const yMax = ticks[ticks.length - 1]!;
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const gw = pw / with_.length;
  const bw = Math.min(28, (gw * 0.8) / PCTS.length);
  let body = '';
  let xAxis = '';
  with_.forEach((s, gi) => {
    const gx = M.l + gi * gw + (gw - bw * PCTS.length) / 2;
    PCTS.forEach((p, pi) => {
      const v = s.latency[p.key];
      if (v === undefined) return;
      const h = Math.max(1, (v / yMax) * ph);
      const x = gx + pi * bw;
      body += `<path class="bar" d="M${f1(x)} ${f1(M.t + ph)}v${f1(-h)}h${f1(bw - 2)}v${f1(h)}z" fill="${PCT_COLORS[pi]}"><title>${esc(`${s.name} ${p.label}: ${v} ms`)}</title></path>`;
    });
    const fit = Math.max(4, Math.floor(gw / 6.8));
    const label = s.name.length > fit ? `${s.name.slice(0, fit - 1)}…` : s.name;
    xAxis += `<text class="tick" x="${f1(M.l + gi * gw + gw / 2)}" y="${M.t + ph + 16}" text-anchor="middle">${esc(label)}</text>`;
  });
  return frame(title, ticks, yMax, yLabel, body, xAxis, legendRow(PCTS.map((p, i) => ({ label: p.label, color: PCT_COLORS[i]! }))));
}

/** One line per stage over the seconds of its measured window. */
export function seriesChart(stages: readonly PerfView[], pick: (p: PerfView['series'][number]) => number | undefined, title: string, yLabel: string, xLabel: string): string | undefined {
  const lines = stages.map((s, i) => ({ s, color: PALETTE[i % PALETTE.length]!, pts: s.series.filter((p) => s.durationS === undefined || p.t < s.durationS).map((p) => [p.t, pick(p)] as const).filter((p): p is readonly [number, number] => p[1] !== undefined) }))
    .filter((l) => l.pts.length > 0);
  if (lines.length === 0) return undefined;
  const tMax = Math.max(1, ...lines.flatMap((l) => l.pts.map((p) => p[0])));
  const vMax = Math.max(...lines.flatMap((l) => l.pts.map((p) => p[1])));
  const ticks = niceTicks(vMax);
  const yMax = ticks[ticks.length - 1]!;
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const x = (t: number): number => M.l + (t / tMax) * pw;
  const y = (v: number): number => M.t + ph - (v / yMax) * ph;
  let body = '';
  for (const l of lines) {
    const d = l.pts.map((p, i) => `${i ? 'L' : 'M'}${f1(x(p[0]))} ${f1(y(p[1]))}`).join('');
    body += `<path class="line" d="${d}" stroke="${l.color}"><title>${esc(l.s.name)}</title></path>`;
    if (l.pts.length === 1) body += `<path d="M${f1(x(l.pts[0]![0]) - 3)} ${f1(y(l.pts[0]![1]))}h6" stroke="${l.color}" stroke-width="6"/>`;
  }
  let xAxis = '';
  for (const t of niceTicks(tMax, 6)) {
    if (t > tMax) continue;
    xAxis += `<text class="tick" x="${f1(x(t))}" y="${M.t + ph + 16}" text-anchor="middle">${esc(fmt(t))}</text>`;
  }
  xAxis += `<text class="tick" x="${W - M.r}" y="${M.t + ph + 32}" text-anchor="end">${esc(xLabel)}</text>`;
  return frame(title, ticks, yMax, yLabel, body, xAxis, legendRow(lines.map((l) => ({ label: l.s.name, color: l.color }))));
}

export interface Bin { fromMs: number; toMs: number; share: number }

/**
 * The latency distribution of a stage from its HDR histogram: the quantiles at every 0.5 %
 * step, binned on a log scale (latency spreads over orders of magnitude). undefined when the
 * stage carries no histogram or it cannot be decoded.
 */
export function histogramBins(hdr: string | undefined, bins = 24): Bin[] | undefined {
  if (!hdr) return undefined;
  let h: LatencyHistogram;
  try { h = LatencyHistogram.decode(hdr); } catch { return undefined; }
  if (h.count === 0) return undefined;
  const qs: number[] = [];
  for (let p = 0.5; p <= 100; p += 0.5) qs.push(Math.max(0.001, h.percentileMs(p)));
  const lo = Math.max(0.001, h.minMs || qs[0]!);
  const hi = Math.max(lo * 1.0001, qs[qs.length - 1]!);
  const l0 = Math.log(lo);
  const step = (Math.log(hi) - l0) / bins;
  const out: Bin[] = Array.from({ length: bins }, (_, i) => ({ fromMs: Math.exp(l0 + i * step), toMs: Math.exp(l0 + (i + 1) * step), share: 0 }));
  for (const q of qs) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor((Math.log(q) - l0) / step)));
    out[i]!.share += 1 / qs.length;
  }
  return out;
}

export function histogramChart(stage: PerfView, title: string, shareLabel: string): string | undefined {
  const bins = histogramBins(stage.latencyHdr);
  if (!bins) return undefined;
  const ticks = niceTicks(Math.max(...bins.map((b) => b.share * 100)));
  const yMax = ticks[ticks.length - 1]!;
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const bw = pw / bins.length;
  let body = '';
  bins.forEach((b, i) => {
    if (b.share <= 0) return;
    const h = Math.max(1, ((b.share * 100) / yMax) * ph);
    body += `<path class="bar" d="M${f1(M.l + i * bw + 1)} ${f1(M.t + ph)}v${f1(-h)}h${f1(bw - 2)}v${f1(h)}z" fill="#2563eb"><title>${esc(`${fmt(b.fromMs)}–${fmt(b.toMs)} ms: ${f1(b.share * 100)}%`)}</title></path>`;
  });
  let xAxis = '';
  for (let i = 0; i <= bins.length; i += 4) {
    const v = i < bins.length ? bins[i]!.fromMs : bins[bins.length - 1]!.toMs;
    xAxis += `<text class="tick" x="${f1(M.l + i * bw)}" y="${M.t + ph + 16}" text-anchor="middle">${esc(fmt(v))}</text>`;
  }
  xAxis += `<text class="tick" x="${W - M.r}" y="${M.t + ph + 32}" text-anchor="end">ms (log)</text>`;
  return frame(`${title} — ${stage.name}`, ticks, yMax, shareLabel, body, xAxis);
}
