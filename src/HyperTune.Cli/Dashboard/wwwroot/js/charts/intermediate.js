// Intermediate values (learning curves): each trial's reports by step, one path per trial state, and pruned trials
// marked with a cross where they were stopped.

import { svg } from '../dom.js';
import { number } from '../format.js';
import { axisX, axisY, crosses, empty, extent, frame, hover, line, linear, scaleFor } from './core.js';

const GROUPS = ['complete', 'running', 'paused', 'pruned', 'failed'];

/** Draws the curves; data-curves is the number of trials drawn, data-pruned the number marked pruned. */
export function drawIntermediate(container, model, { log = false } = {}) {
  const trials = model.list().filter((t) => Array.isArray(t.intermediate) && t.intermediate.length > 0);
  if (trials.length === 0) {
    empty(container, 'intermediate', 'No trial has reported intermediate values.');
    container.dataset.curves = '0';
    return;
  }
  const { root, plot, box } = frame(container, 'intermediate', { margin: { top: 20 } });
  const steps = trials.flatMap((t) => t.intermediate.map((r) => r.step));
  const values = trials.flatMap((t) => t.intermediate.map((r) => r.value));
  const useLog = log && extent(values)[0] > 0;
  const x = linear(extent(steps), box.left, box.right, 0.02);
  const y = scaleFor(values, box.bottom, box.top, { log: useLog });
  axisX(plot, x, box, 'step');
  axisY(plot, y, box, model.doc ? model.doc.metric : 'value');

  const paths = Object.fromEntries(GROUPS.map((g) => [g, []]));
  const ends = [];
  const marks = [];
  for (const trial of trials) {
    const points = trial.intermediate.map((r) => [x(r.step), y(r.value)]);
    const group = GROUPS.includes(trial.state) ? trial.state : 'running';
    paths[group].push(line(points));
    const [lx, ly] = points[points.length - 1];
    if (trial.state === 'pruned') ends.push([lx, ly]);
    const lastReport = trial.intermediate[trial.intermediate.length - 1];
    marks.push({ x: lx, y: ly, trial, step: lastReport.step, value: lastReport.value });
  }
  for (const group of GROUPS) {
    if (paths[group].length) plot.append(svg('path', { class: `curves ${group}`, d: paths[group].join('') }));
  }
  plot.append(svg('path', { class: 'pruned-marks', d: crosses(ends, 3.5) }));
  container.dataset.curves = String(trials.length);
  container.dataset.pruned = String(ends.length);

  const legend = svg('g', { class: 'legend' });
  let lx = box.left + 4;
  for (const group of GROUPS.filter((g) => paths[g].length)) {
    legend.append(svg('line', { class: `curves ${group}`, x1: lx, x2: lx + 16, y1: 10, y2: 10 }));
    legend.append(svg('text', { x: lx + 20, y: 14, text: `${group} (${paths[group].length})` }));
    lx += 110;
  }
  plot.append(legend);
  hover(root, marks, (m) => [
    `trial #${m.trial.number} (${m.trial.state})`, `last report: step ${m.step}, ${number(m.value)}`,
  ]);
}
