// Contour of two chosen parameters: the value interpolated over their plane (inverse-distance weighting of the
// completed trials), drawn as colored cells grouped in one path per color class, with the trials on top.

import { svg } from '../dom.js';
import { number, param } from '../format.js';
import { axisX, axisY, circles, colorClasses, colorLegend, empty, frame, hover, scaleFor } from './core.js';

const GRID = 32;

/** Draws the contour of params x and y; data-points is the number of trials that have both. */
export function drawContour(container, model, { objective, x: xName, y: yName }) {
  const trials = model.complete().filter((t) => Number.isFinite(model.objectiveValue(t, objective.name))
    && t.params[xName] !== undefined && t.params[yName] !== undefined);
  if (!xName || !yName || xName === yName) {
    empty(container, 'contour', 'Choose two different parameters.');
    return;
  }
  if (trials.length < 2) {
    empty(container, 'contour', `Fewer than two completed trials have both ${xName} and ${yName}.`);
    return;
  }
  const { root, plot, box } = frame(container, 'contour', { height: 360, margin: { top: 24 } });
  container.dataset.points = String(trials.length);
  const values = trials.map((t) => model.objectiveValue(t, objective.name));
  const x = scaleFor(trials.map((t) => t.params[xName]), box.left, box.right, { pad: 0 });
  const y = scaleFor(trials.map((t) => t.params[yName]), box.bottom, box.top, { pad: 0 });
  const px = trials.map((t) => x(t.params[xName]));
  const py = trials.map((t) => y(t.params[yName]));

  // Interpolated in screen coordinates, so that log and categorical axes weigh distances as they are drawn.
  const colors = colorClasses(values, objective.direction, 12);
  const cells = Array.from({ length: colors.buckets }, () => []);
  const cw = (box.right - box.left) / GRID;
  const ch = (box.bottom - box.top) / GRID;
  for (let i = 0; i < GRID; i++) {
    for (let j = 0; j < GRID; j++) {
      const cx = box.left + (i + 0.5) * cw;
      const cy = box.top + (j + 0.5) * ch;
      let sum = 0;
      let weights = 0;
      let exact = null;
      for (let k = 0; k < values.length; k++) {
        const d2 = (px[k] - cx) ** 2 + (py[k] - cy) ** 2;
        if (d2 < 1e-6) {
          exact = values[k];
          break;
        }
        const w = 1 / (d2 * d2);
        sum += w * values[k];
        weights += w;
      }
      const v = exact ?? sum / weights;
      // A little wider than the cell, so that no seam shows between neighbors.
      const [left, top, w, h] = [box.left + i * cw, box.top + j * ch, cw + 0.4, ch + 0.4].map((n) => n.toFixed(1));
      cells[colors.bucket(v)].push(`M${left} ${top}h${w}v${h}h-${w}z`);
    }
  }
  cells.forEach((d, b) => {
    if (d.length) plot.append(svg('path', { class: 'contour-cells', fill: colors.color(b), d: d.join('') }));
  });
  axisX(plot, x, box, xName);
  axisY(plot, y, box, yName);
  const marks = trials.map((t, k) => ({ x: px[k], y: py[k], trial: t, value: values[k] }));
  plot.append(svg('path', { class: 'marks on-contour', d: circles(marks.map((m) => [m.x, m.y]), 3) }));
  colorLegend(plot, box, colors.range, objective.direction, objective.name);
  hover(root, marks, (m) => [
    `trial #${m.trial.number}: ${number(m.value)}`,
    `${xName} = ${param(m.trial.params[xName])}, ${yName} = ${param(m.trial.params[yName])}`,
  ]);
}
