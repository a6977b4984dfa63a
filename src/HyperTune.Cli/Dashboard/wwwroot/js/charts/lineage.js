// Population-based training: one row per member, from step 0 to its last step; each exploit is an arrow from the
// donor's row to the member's at the step where the member continued from the donor's checkpoint.

import { svg } from '../dom.js';
import { params } from '../format.js';
import { axisX, circles, empty, frame, hover, linear } from './core.js';

/** Draws the lineage; data-events is the number of exploits drawn. */
export function drawLineage(container, model) {
  const members = model.list();
  const events = members.flatMap((t) => (t.lineage || []).map((e) => ({ ...e, member: t.number })));
  if (events.length === 0) {
    empty(container, 'lineage', 'No member has exploited another yet.');
    container.dataset.events = '0';
    return;
  }
  const rowHeight = Math.max(6, Math.min(18, 360 / members.length));
  const height = members.length * rowHeight + 60;
  const { root, plot, box } = frame(container, 'lineage', { height, margin: { left: 56, top: 10 } });
  const lastStep = (t) => t.lastStep
    ?? (t.intermediate && t.intermediate.length ? t.intermediate[t.intermediate.length - 1].step : 0);
  const maxStep = Math.max(1, ...members.map(lastStep), ...events.map((e) => e.step));
  const x = linear([0, maxStep], box.left, box.right, 0.01);
  const row = new Map(members.map((t, i) => [t.number, box.top + (i + 0.5) * rowHeight]));
  axisX(plot, x, box, 'step');
  const best = model.doc && model.doc.best && !Array.isArray(model.doc.best) ? model.doc.best.number : null;

  let lives = '';
  for (const t of members) lives += `M${x(0).toFixed(1)} ${row.get(t.number).toFixed(1)}H${x(lastStep(t)).toFixed(1)}`;
  plot.append(svg('path', { class: 'lives', d: lives }));
  if (best !== null && row.has(best)) {
    const d = `M${x(0)} ${row.get(best)}H${x(lastStep(model.trials.get(best)))}`;
    plot.append(svg('path', { class: 'lives best', d }));
  }
  // Each exploit slants from a little before its step on the donor's row to the step on the member's, so that
  // exploits of one step from different donors stay apart.
  const slant = Math.min(14, (box.right - box.left) / maxStep / 2);
  let arrows = '';
  const marks = [];
  const donors = [];
  for (const e of events) {
    if (!row.has(e.donor)) continue;
    const ex = x(e.step);
    const y0 = row.get(e.donor);
    const y1 = row.get(e.member);
    arrows += `M${(ex - slant).toFixed(1)} ${y0.toFixed(1)}L${ex.toFixed(1)} ${y1.toFixed(1)}`;
    marks.push({ x: ex, y: y1, e });
    donors.push([ex - slant, y0]);
  }
  plot.append(svg('path', { class: 'exploits', d: arrows }));
  plot.append(svg('path', { class: 'marks exploit-starts', d: circles(donors, 2) }));
  plot.append(svg('path', { class: 'marks exploit-ends', d: circles(marks.map((m) => [m.x, m.y]), 2.5) }));
  for (const t of members) {
    if (members.length <= 40 || t.number === best) {
      const y = row.get(t.number) + 3;
      plot.append(svg('text', { class: 'row-label', x: box.left - 6, y, 'text-anchor': 'end', text: `#${t.number}` }));
    }
  }
  container.dataset.events = String(marks.length);
  hover(root, marks, (m) => [
    `step ${m.e.step}: #${m.e.member} continued from #${m.e.donor}'s checkpoint`,
    `before: ${params(m.e.before)}`, `after: ${params(m.e.after)}`,
  ]);
}
