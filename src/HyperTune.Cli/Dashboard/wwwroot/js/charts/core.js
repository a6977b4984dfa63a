// The charts' common parts: a frame (an SVG with a plot area), scales, axes, colors, and paths that draw many
// marks as one element, so that a study of thousands of trials stays a few dozen DOM nodes per chart.

import { clear, el, svg } from '../dom.js';
import { number } from '../format.js';

/** The default size of a chart's drawing (its viewBox; the SVG scales to the card's width). */
export const WIDTH = 640;
export const HEIGHT = 300;

/**
 * Clears the container and starts a chart: returns {root, plot, box} where box = {left, top, right, bottom}
 * is the plot area in SVG coordinates. The drawing is as wide as the container (one SVG unit per CSS pixel, so
 * text keeps its size on wide cards; pages redraw when the window is resized). The container gets data-chart=NAME
 * for tests and styles.
 */
export function frame(container, name, { width, minWidth = 280, height = HEIGHT, margin = {} } = {}) {
  const m = { left: 56, right: 16, top: 12, bottom: 40, ...margin };
  clear(container);
  width = width || Math.max(minWidth, Math.floor(container.clientWidth) || WIDTH);
  container.dataset.chart = name;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart-svg', role: 'img', preserveAspectRatio: 'xMidYMid meet',
  });
  container.append(root);
  const box = { left: m.left, top: m.top, right: width - m.right, bottom: height - m.bottom, width, height };
  const plot = svg('g', { class: 'plot' });
  root.append(plot);
  return { root, plot, box };
}

/** A message in place of a chart (no data yet, not applicable). */
export function empty(container, name, text) {
  clear(container);
  container.dataset.chart = name;
  container.dataset.points = '0';
  container.append(el('p', { class: 'empty', text }));
}

/** [min, max] of finite numbers, or null. */
export function extent(values) {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : null;
}

/** Ticks at 1, 2 or 5 times a power of ten, about n of them. */
export function niceTicks(min, max, n = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / n;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw) || raw;
  const ticks = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

/**
 * A scale for a parameter's or value's values: linear, logarithmic (positive values spanning three decades or
 * more, as learning rates do) or categorical (text and booleans, in order of first appearance, evenly spaced).
 * scale(v) gives the position in [r0, r1]; scale.ticks() the [value, label] pairs to draw.
 */
export function scaleFor(values, r0, r1, { log = 'auto', pad = 0.04 } = {}) {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.some((v) => typeof v !== 'number')) return categorical(present, r0, r1);
  const range = extent(present) || [0, 1];
  const useLog = log === true || (log === 'auto' && range[0] > 0 && range[1] / range[0] >= 1000);
  return useLog ? logScale(range, r0, r1) : linear(range, r0, r1, pad);
}

/** A linear scale of [min, max] (padded a little, so that marks do not sit on the axes) onto [r0, r1]. */
export function linear([min, max], r0, r1, pad = 0.04) {
  if (min === max) {
    const d = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= d;
    max += d;
  }
  const span = max - min;
  const lo = min - span * pad;
  const hi = max + span * pad;
  const scale = (v) => r0 + ((v - lo) / (hi - lo)) * (r1 - r0);
  scale.kind = 'linear';
  scale.ticks = (n = 5) => niceTicks(lo, hi, n).map((t) => [t, number(t)]);
  scale.invert = (p) => lo + ((p - r0) / (r1 - r0)) * (hi - lo);
  return scale;
}

function logScale([min, max], r0, r1) {
  const lo = Math.log10(min) - 0.05;
  const hi = Math.log10(max) + 0.05;
  const scale = (v) => (v > 0 ? r0 + ((Math.log10(v) - lo) / (hi - lo)) * (r1 - r0) : NaN);
  scale.kind = 'log';
  scale.ticks = () => {
    const ticks = [];
    for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
      ticks.push([Math.pow(10, e), e >= -3 && e <= 4 ? number(Math.pow(10, e)) : `1e${e}`]);
    }
    return ticks.length >= 2 ? ticks : niceTicks(min, max, 4).filter((t) => t > 0).map((t) => [t, number(t)]);
  };
  return scale;
}

function categorical(values, r0, r1) {
  const categories = [...new Set(values.map(String))];
  const step = (r1 - r0) / categories.length;
  const index = new Map(categories.map((c, i) => [c, i]));
  const scale = (v) => (index.has(String(v)) ? r0 + step * (index.get(String(v)) + 0.5) : NaN);
  scale.kind = 'categorical';
  scale.categories = categories;
  scale.ticks = () => categories.map((c) => [c, c.length > 12 ? c.slice(0, 11) + '…' : c]);
  return scale;
}

/** Draws the x axis along the plot's bottom, with a label. */
export function axisX(plot, scale, box, label) {
  const g = svg('g', { class: 'axis axis-x' });
  g.append(svg('line', { x1: box.left, x2: box.right, y1: box.bottom, y2: box.bottom }));
  for (const [value, text] of scale.ticks(6)) {
    const x = scale(value);
    if (!(x >= box.left - 0.5 && x <= box.right + 0.5)) continue;
    g.append(svg('line', { x1: x, x2: x, y1: box.bottom, y2: box.bottom + 4 }));
    g.append(svg('text', { x, y: box.bottom + 16, 'text-anchor': 'middle', text }));
  }
  if (label) {
    const x = (box.left + box.right) / 2;
    g.append(svg('text', { class: 'axis-label', x, y: box.bottom + 32, 'text-anchor': 'middle', text: label }));
  }
  plot.append(g);
}

/** Draws the y axis along the plot's left side with light grid lines, and a label. */
export function axisY(plot, scale, box, label) {
  const g = svg('g', { class: 'axis axis-y' });
  g.append(svg('line', { x1: box.left, x2: box.left, y1: box.top, y2: box.bottom }));
  for (const [value, text] of scale.ticks(5)) {
    const y = scale(value);
    if (!(y >= box.top - 0.5 && y <= box.bottom + 0.5)) continue;
    g.append(svg('line', { class: 'grid', x1: box.left, x2: box.right, y1: y, y2: y }));
    g.append(svg('text', { x: box.left - 6, y: y + 4, 'text-anchor': 'end', text }));
  }
  if (label) {
    const x = 12;
    const y = (box.top + box.bottom) / 2;
    const transform = `rotate(-90 ${x} ${y})`;
    g.append(svg('text', { class: 'axis-label', x, y, transform, 'text-anchor': 'middle', text: label }));
  }
  plot.append(g);
}

/** One path of circles of radius r at the given [x, y] points (one DOM node for any number of points). */
export function circles(points, r = 3) {
  const parts = [];
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    parts.push(`M${(x - r).toFixed(1)} ${y.toFixed(1)}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`);
  }
  return parts.join('');
}

/** One path of crosses (×) of half-size r. */
export function crosses(points, r = 4) {
  return points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
    .map(([x, y]) => `M${x - r} ${y - r}l${2 * r} ${2 * r}M${x - r} ${y + r}l${2 * r} ${-2 * r}`).join('');
}

/** A polyline through [x, y] points; a point that is not finite breaks the line. */
export function line(points) {
  let d = '';
  let pen = false;
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
    pen = true;
  }
  return d;
}

// Viridis, sampled: dark purple (low) to yellow (high); readable by color-blind people and in grey.
const VIRIDIS = [
  '#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725',
];

/** The color of t in [0, 1] on the viridis scale. */
export function viridis(t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  return mix(VIRIDIS[i], VIRIDIS[i + 1], x - i);
}

function mix(a, b, t) {
  const pa = [1, 3, 5].map((k) => parseInt(a.slice(k, k + 2), 16));
  const pb = [1, 3, 5].map((k) => parseInt(b.slice(k, k + 2), 16));
  return '#' + pa.map((v, k) => Math.round(v + (pb[k] - v) * t).toString(16).padStart(2, '0')).join('');
}

/**
 * Maps values to one of `buckets` color classes, the best end dark: a chart then draws one path per class instead
 * of one element per mark. Returns {bucket(v), color(k), range}.
 */
export function colorClasses(values, direction, buckets = 10) {
  const range = extent(values) || [0, 1];
  const [min, max] = range;
  const bucket = (v) => {
    if (!Number.isFinite(v) || max === min) return 0;
    const t = (v - min) / (max - min);
    const good = direction === 'maximize' ? 1 - t : t;
    return Math.min(buckets - 1, Math.floor(good * buckets));
  };
  return { bucket, color: (k) => viridis(k / (buckets - 1)), range, buckets };
}

/** A color bar legend above the plot's top right corner, "LABEL best [bar] worst": dark is the better end. */
export function colorLegend(plot, box, range, direction, label) {
  const w = 100;
  const x1 = box.right - 64;
  const x0 = x1 - w;
  const y0 = Math.max(2, box.top - 16);
  const g = svg('g', { class: 'legend' });
  for (let i = 0; i < 20; i++) {
    g.append(svg('rect', { x: x0 + (i * w) / 20, y: y0, width: w / 20 + 0.5, height: 8, fill: viridis(i / 19) }));
  }
  const [best, worst] = direction === 'maximize' ? [range[1], range[0]] : range;
  g.append(svg('text', { x: x0 - 4, y: y0 + 8, 'text-anchor': 'end', text: `${label} ${number(best)}` }));
  g.append(svg('text', { x: x1 + 4, y: y0 + 8, text: number(worst) }));
  plot.append(g);
}

let tooltip = null;

/** Shows text near the mouse; null hides it. */
export function showTooltip(event, lines) {
  if (!tooltip) {
    tooltip = el('div', { class: 'tooltip', role: 'tooltip' });
    document.body.append(tooltip);
  }
  if (!lines) {
    tooltip.hidden = true;
    return;
  }
  clear(tooltip);
  for (const text of lines) tooltip.append(el('div', { text }));
  tooltip.hidden = false;
  const x = Math.min(event.pageX + 14, window.scrollX + document.documentElement.clientWidth - tooltip.offsetWidth - 8);
  tooltip.style.left = `${x}px`;
  tooltip.style.top = `${event.pageY + 14}px`;
}

/**
 * Hover for marks drawn as one path: finds the mark nearest the mouse (within 12 px on screen) by a linear scan,
 * which takes microseconds for thousands of marks, and shows describe(mark) as the tooltip.
 */
export function hover(root, marks, describe) {
  const ring = svg('circle', { class: 'hover-ring', r: 6, visibility: 'hidden' });
  root.append(ring);
  root.addEventListener('mousemove', (event) => {
    const matrix = root.getScreenCTM();
    if (!matrix) return;
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    const scale = matrix.a || 1;
    let best = null;
    let bestDistance = (12 / scale) ** 2;
    for (const mark of marks) {
      const d = (mark.x - p.x) ** 2 + (mark.y - p.y) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = mark;
      }
    }
    if (!best) {
      ring.setAttribute('visibility', 'hidden');
      showTooltip(event, null);
      return;
    }
    ring.setAttribute('cx', best.x);
    ring.setAttribute('cy', best.y);
    ring.setAttribute('visibility', 'visible');
    showTooltip(event, describe(best));
  });
  root.addEventListener('mouseleave', (event) => {
    ring.setAttribute('visibility', 'hidden');
    showTooltip(event, null);
  });
}
