// The Pareto front of a study with several objectives: completed trials on two chosen objectives, the front's
// members (the study's "best") highlighted and joined in order.

import { svg } from '../dom.js';
import { number, params } from '../format.js';
import { axisX, axisY, circles, empty, frame, hover, line, scaleFor } from './core.js';

/** Draws two objectives; data-points is the number of trials drawn, data-front the front members among them. */
export function drawPareto(container, model, { x: xObjective, y: yObjective }) {
  const front = new Set((Array.isArray(model.doc.best) ? model.doc.best : []).map((m) => m.number));
  const trials = model.complete().filter((t) => Number.isFinite(model.objectiveValue(t, xObjective.name))
    && Number.isFinite(model.objectiveValue(t, yObjective.name)));
  if (trials.length === 0) {
    empty(container, 'pareto', 'No completed trial yet.');
    return;
  }
  const { root, plot, box } = frame(container, 'pareto', { height: 340 });
  const xs = trials.map((t) => model.objectiveValue(t, xObjective.name));
  const ys = trials.map((t) => model.objectiveValue(t, yObjective.name));
  const x = scaleFor(xs, box.left, box.right, { log: false });
  const y = scaleFor(ys, box.bottom, box.top, { log: false });
  axisX(plot, x, box, `${xObjective.name} (${xObjective.direction})`);
  axisY(plot, y, box, `${yObjective.name} (${yObjective.direction})`);
  const marks = trials.map((t, i) => ({
    x: x(xs[i]), y: y(ys[i]), trial: t, vx: xs[i], vy: ys[i], front: front.has(t.number),
  }));
  const members = marks.filter((m) => m.front).sort((a, b) => a.vx - b.vx);
  const dominated = marks.filter((m) => !m.front).map((m) => [m.x, m.y]);
  plot.append(svg('path', { class: 'marks dominated', d: circles(dominated, 3) }));
  // With more than two objectives, front members may not look non-dominated on these two: joined anyway, in x order.
  plot.append(svg('path', { class: 'front-line', d: line(members.map((m) => [m.x, m.y])) }));
  plot.append(svg('path', { class: 'marks front', d: circles(members.map((m) => [m.x, m.y]), 4) }));
  container.dataset.points = String(marks.length);
  container.dataset.front = String(members.length);
  hover(root, marks, (m) => [
    `trial #${m.trial.number}${m.front ? ' (Pareto front)' : ''}`,
    `${xObjective.name} = ${number(m.vx)}, ${yObjective.name} = ${number(m.vy)}`,
    params(m.trial.params),
  ]);
}
