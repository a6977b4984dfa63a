// Parameter importance: each parameter's share of the variance of the value, as horizontal bars.

import { svg } from '../dom.js';
import { empty, frame } from './core.js';

/** Draws importance bars; data-bars is the number drawn. */
export function drawImportance(container, importance, error) {
  if (importance === null || importance === undefined) {
    empty(container, 'importance', error || 'Parameter importance is not available.');
    container.dataset.bars = '0';
    return;
  }
  if (importance.length === 0) {
    empty(container, 'importance', 'Not enough completed trials to tell which parameters matter.');
    container.dataset.bars = '0';
    return;
  }
  const rows = importance.slice(0, 20);
  const rowHeight = 22;
  const height = rows.length * rowHeight + 24;
  const margin = { left: 150, right: 60, top: 8, bottom: 16 };
  const { plot, box } = frame(container, 'importance', { height, margin });
  container.dataset.bars = String(rows.length);
  const max = Math.max(...rows.map((r) => r.share), 1e-12);
  rows.forEach((row, i) => {
    const y = box.top + i * rowHeight;
    const width = Math.max(1, ((box.right - box.left) * row.share) / max);
    const name = row.name.length > 22 ? row.name.slice(0, 21) + '…' : row.name;
    plot.append(svg('text', { class: 'bar-label', x: box.left - 8, y: y + 15, 'text-anchor': 'end', text: name }));
    const bar = { class: 'bar', x: box.left, y: y + 3, width, height: rowHeight - 6, 'data-name': row.name };
    plot.append(svg('rect', bar));
    const percent = `${(row.share * 100).toFixed(1)} %`;
    plot.append(svg('text', { class: 'bar-value', x: box.left + width + 6, y: y + 15, text: percent }));
  });
}
