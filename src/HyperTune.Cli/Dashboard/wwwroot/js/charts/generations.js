// An evolutionary study's generations: best and mean value of each generation's completed members.

import { svg } from '../dom.js';
import { number } from '../format.js';
import { axisX, axisY, circles, empty, extent, frame, hover, line, linear, scaleFor } from './core.js';

/** Draws the generations of the study document; data-points is the number of generations. */
export function drawGenerations(container, generations, objective) {
  const rows = (generations || []).filter((g) => Number.isFinite(g.best) || Number.isFinite(g.mean));
  if (rows.length === 0) {
    empty(container, 'generations', 'No generation has a completed member yet.');
    return;
  }
  const { root, plot, box } = frame(container, 'generations', { margin: { top: 20 } });
  container.dataset.points = String(rows.length);
  const x = linear(extent(rows.map((g) => g.generation)), box.left, box.right);
  const values = rows.flatMap((g) => [g.best, g.mean]).filter(Number.isFinite);
  const y = scaleFor(values, box.bottom, box.top, { log: false });
  axisX(plot, x, box, 'generation');
  axisY(plot, y, box, objective.name);
  const best = rows.filter((g) => Number.isFinite(g.best)).map((g) => [x(g.generation), y(g.best)]);
  const mean = rows.filter((g) => Number.isFinite(g.mean)).map((g) => [x(g.generation), y(g.mean)]);
  plot.append(svg('path', { class: 'series mean', d: line(mean) }));
  plot.append(svg('path', { class: 'series best', d: line(best) }));
  plot.append(svg('path', { class: 'marks', d: circles(best, 3) }));
  const legend = svg('g', { class: 'legend' });
  legend.append(svg('line', { class: 'series best', x1: box.left + 4, x2: box.left + 20, y1: 10, y2: 10 }));
  legend.append(svg('text', { x: box.left + 24, y: 14, text: 'best' }));
  legend.append(svg('line', { class: 'series mean', x1: box.left + 74, x2: box.left + 90, y1: 10, y2: 10 }));
  legend.append(svg('text', { x: box.left + 94, y: 14, text: 'mean' }));
  plot.append(legend);
  const marks = rows.filter((g) => Number.isFinite(g.best)).map((g) => ({ x: x(g.generation), y: y(g.best), g }));
  hover(root, marks, (m) => [
    `generation ${m.g.generation}: ${m.g.complete}/${m.g.size} complete`,
    `best ${number(m.g.best)}, mean ${number(m.g.mean)}`,
  ]);
}
