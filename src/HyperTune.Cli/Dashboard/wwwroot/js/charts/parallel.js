// Parallel coordinates: one vertical axis per parameter and one for the value; each completed trial is a line
// through its values, colored by its value (dark is better). Lines of one color class share a path.

import { svg } from '../dom.js';
import { number } from '../format.js';
import { colorClasses, colorLegend, empty, frame, scaleFor } from './core.js';

/** Draws the chart for one objective; data-points is the number of trials drawn. */
export function drawParallel(container, model, { objective }) {
  const trials = model.complete().filter((t) => Number.isFinite(model.objectiveValue(t, objective.name)));
  const names = model.paramNames();
  if (trials.length === 0 || names.length === 0) {
    empty(container, 'parallel', 'No completed trial yet.');
    return;
  }
  const axes = [...names, objective.name];
  const { plot, box } = frame(container, 'parallel', {
    minWidth: axes.length * 90, height: 340, margin: { left: 60, right: 50, top: 28, bottom: 36 },
  });
  container.dataset.points = String(trials.length);
  const values = trials.map((t) => model.objectiveValue(t, objective.name));
  const step = (box.right - box.left) / (axes.length - 1 || 1);
  const xs = axes.map((_, i) => box.left + i * step);
  const scales = axes.map((name, i) => scaleFor(
    i === axes.length - 1 ? values : trials.map((t) => t.params[name]), box.bottom, box.top, { pad: 0.02 }));

  const colors = colorClasses(values, objective.direction);
  const paths = Array.from({ length: colors.buckets }, () => []);
  trials.forEach((trial, k) => {
    let d = '';
    let pen = false;
    axes.forEach((name, i) => {
      const v = i === axes.length - 1 ? values[k] : trial.params[name];
      const y = v === undefined ? NaN : scales[i](v);
      // A parameter the trial does not have (a conditional space) breaks its line.
      if (!Number.isFinite(y)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${xs[i].toFixed(1)} ${y.toFixed(1)}`;
      pen = true;
    });
    paths[colors.bucket(values[k])].push(d);
  });
  // Fainter lines the more there are, so that a thousand of them still show where they gather.
  const opacity = Math.min(0.6, Math.max(0.06, 6 / Math.sqrt(trials.length))).toFixed(2);
  // The worst classes first, so that the best lines are drawn on top.
  for (let b = colors.buckets - 1; b >= 0; b--) {
    if (paths[b].length) {
      const stroke = colors.color(b);
      plot.append(svg('path', { class: 'pc-lines', stroke, 'stroke-opacity': opacity, d: paths[b].join('') }));
    }
  }

  axes.forEach((name, i) => {
    const g = svg('g', { class: 'axis pc-axis' });
    g.append(svg('line', { x1: xs[i], x2: xs[i], y1: box.top, y2: box.bottom }));
    for (const [value, text] of scales[i].ticks(4)) {
      const y = scales[i](value);
      if (!(y >= box.top - 0.5 && y <= box.bottom + 0.5)) continue;
      g.append(svg('line', { x1: xs[i] - 3, x2: xs[i], y1: y, y2: y }));
      g.append(svg('text', { x: xs[i] - 5, y: y + 4, 'text-anchor': 'end', text }));
    }
    const label = name.length > 14 ? name.slice(0, 13) + '…' : name;
    g.append(svg('text', { class: 'axis-label', x: xs[i], y: box.bottom + 20, 'text-anchor': 'middle', text: label }));
    plot.append(g);
  });
  colorLegend(plot, box, colors.range, objective.direction, objective.name);
  container.title = `${trials.length} trials; value range ${number(colors.range[0])} to ${number(colors.range[1])}`;
}
