// Slice plots: the value against each parameter, one small chart per parameter, points colored by trial number
// (later trials darker) to show where the search went over time.

import { el, svg } from '../dom.js';
import { number, param } from '../format.js';
import { axisX, axisY, circles, empty, frame, hover, scaleFor, viridis } from './core.js';

const AGE_CLASSES = 5;

/** Draws one slice per parameter into the container; data-points is the number of trials per slice. */
export function drawSlices(container, model, { objective }) {
  const trials = model.complete().filter((t) => Number.isFinite(model.objectiveValue(t, objective.name)));
  const names = model.paramNames();
  if (trials.length === 0 || names.length === 0) {
    empty(container, 'slice', 'No completed trial yet.');
    return;
  }
  container.replaceChildren();
  container.dataset.chart = 'slice';
  container.dataset.points = String(trials.length);
  const values = trials.map((t) => model.objectiveValue(t, objective.name));
  const last = trials[trials.length - 1].number || 1;
  for (const name of names) {
    const cell = el('div', { class: 'slice', 'data-param': name });
    container.append(cell);
    const { root, plot, box } = frame(cell, 'slice-' + name, { height: 220, margin: { left: 52, bottom: 38 } });
    const withParam = trials.map((t, i) => [t, values[i]]).filter(([t]) => t.params[name] !== undefined);
    const x = scaleFor(withParam.map(([t]) => t.params[name]), box.left, box.right);
    const y = scaleFor(values, box.bottom, box.top, { log: false });
    axisX(plot, x, box, name);
    axisY(plot, y, box, objective.name);
    const marks = withParam.map(([t, v]) => ({ x: x(t.params[name]), y: y(v), trial: t, value: v }));
    const classes = Array.from({ length: AGE_CLASSES }, () => []);
    for (const m of marks) {
      classes[Math.min(AGE_CLASSES - 1, Math.floor((m.trial.number / (last + 1)) * AGE_CLASSES))].push([m.x, m.y]);
    }
    classes.forEach((points, k) => {
      const fill = viridis(0.9 - (0.8 * k) / (AGE_CLASSES - 1));
      if (points.length) plot.append(svg('path', { class: 'marks age', fill, d: circles(points, 2.5) }));
    });
    cell.dataset.points = String(marks.length);
    hover(root, marks, (m) => [
      `trial #${m.trial.number}: ${number(m.value)}`, `${name} = ${param(m.trial.params[name])}`,
    ]);
  }
}
