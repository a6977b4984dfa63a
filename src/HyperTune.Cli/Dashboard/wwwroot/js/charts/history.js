// Optimization history: each completed trial's value by trial number, and the best value so far as a step line.

import { svg } from '../dom.js';
import { number, params } from '../format.js';
import { axisX, axisY, circles, empty, extent, frame, hover, line, linear, scaleFor } from './core.js';

/**
 * Draws the history of one objective. options: {objective: {name, direction}, log: boolean}.
 * The container gets data-points (completed trials drawn) for tests.
 */
export function drawHistory(container, model, { objective, log = false }) {
  const trials = model.complete().filter((t) => Number.isFinite(model.objectiveValue(t, objective.name)));
  if (trials.length === 0) {
    empty(container, 'history', 'No completed trial yet.');
    return;
  }
  const { root, plot, box } = frame(container, 'history');
  container.dataset.points = String(trials.length);
  const values = trials.map((t) => model.objectiveValue(t, objective.name));
  const useLog = log && extent(values)[0] > 0;
  const x = linear(extent(trials.map((t) => t.number)), box.left, box.right);
  const y = scaleFor(values, box.bottom, box.top, { log: useLog });
  axisX(plot, x, box, 'trial');
  axisY(plot, y, box, `${objective.name} (${objective.direction})`);

  const marks = trials.map((t, i) => ({ x: x(t.number), y: y(values[i]), trial: t, value: values[i] }));
  const feasible = marks.filter((m) => m.trial.feasible !== false);
  const infeasible = marks.filter((m) => m.trial.feasible === false);
  plot.append(svg('path', { class: 'marks', d: circles(feasible.map((m) => [m.x, m.y]), 3) }));
  if (infeasible.length) {
    plot.append(svg('path', { class: 'marks infeasible', d: circles(infeasible.map((m) => [m.x, m.y]), 3) }));
  }

  // Best so far among feasible trials: a step line (it changes only at a trial that improves on it).
  const better = objective.direction === 'maximize' ? (a, b) => a > b : (a, b) => a < b;
  const steps = [];
  let best = null;
  for (const m of feasible) {
    if (best !== null && !better(m.value, best)) continue;
    if (best !== null) steps.push([m.x, y(best)]);
    best = m.value;
    steps.push([m.x, m.y]);
  }
  if (best !== null) steps.push([box.right, y(best)]);
  plot.append(svg('path', { class: 'best-line', d: line(steps), 'data-best': best }));

  hover(root, marks, (m) => [
    `trial #${m.trial.number}: ${number(m.value)}${m.trial.feasible === false ? ' (infeasible)' : ''}`,
    params(m.trial.params),
  ]);
}
