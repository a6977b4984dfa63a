// The study page: overview, then one card per chart. Charts are redrawn from the model when the event stream says
// the study changed; only the trials written since the last version are fetched.

import { checkbox, clear, el, select } from '../dom.js';
import { duration, number, params, tail, time } from '../format.js';
import { watch } from '../live.js';
import { frame } from '../page.js';
import { StudyModel, done, pace } from '../study-model.js';
import { drawContour } from '../charts/contour.js';
import { drawGenerations } from '../charts/generations.js';
import { drawHistory } from '../charts/history.js';
import { drawImportance } from '../charts/importance.js';
import { drawIntermediate } from '../charts/intermediate.js';
import { drawLineage } from '../charts/lineage.js';
import { drawParallel } from '../charts/parallel.js';
import { drawPareto } from '../charts/pareto.js';
import { drawSlices } from '../charts/slice.js';

// Importance is computed by the server from all trials: asked again only when more trials completed, and not more
// often than this.
const IMPORTANCE_EVERY_MS = 5000;
const FAILED_SHOWN = 20;

const page = frame('studies');
const id = new URLSearchParams(location.search).get('id');
const model = new StudyModel(id);
const state = { objective: 0, log: false, contourX: null, contourY: null, paretoX: 0, paretoY: 1 };
let importanceAt = { complete: -1, time: 0 };

const overview = el('section', { class: 'overview', id: 'overview' });
const grid = el('div', { class: 'cards' });
page.main.append(overview, grid);

/** A card: a titled section with a controls row and a chart body (the body's id is the chart's). */
function card(title, chartId, { wide = false } = {}) {
  const controls = el('div', { class: 'controls' });
  const body = el('div', { class: 'chart', id: chartId });
  const section = el('section', { class: 'card' + (wide ? ' wide' : ''), 'data-card': chartId },
    el('h2', { text: title }), controls, body);
  grid.append(section);
  return { section, controls, body };
}

// Half-width cards pair up (the grid fills the holes that hidden cards leave).
const cards = {
  history: card('Optimization history', 'history-chart'),
  importance: card('Parameter importance', 'importance-chart'),
  pareto: card('Pareto front', 'pareto-chart'),
  generations: card('Generations', 'generations-chart'),
  lineage: card('Population lineage', 'lineage-chart', { wide: true }),
  parallel: card('Parallel coordinates', 'parallel-chart', { wide: true }),
  contour: card('Contour', 'contour-chart'),
  intermediate: card('Intermediate values', 'intermediate-chart'),
  slices: card('Slices', 'slice-chart', { wide: true }),
  rungs: card('Rungs', 'rungs-table'),
  top: card('Best trials', 'top-table', { wide: true }),
  failed: card('Failed trials', 'failed-table', { wide: true }),
};

function show(name, visible) {
  cards[name].section.hidden = !visible;
}

function objective() {
  const objectives = model.objectives();
  return objectives[Math.min(state.objective, objectives.length - 1)];
}

// The refit of the best trial on all training rows: its test scores and model file, or where it is.
function refitText(refit) {
  if (refit.status !== 'complete') {
    return `trial #${refit.trial}: ${refit.status}${refit.node ? ' on ' + refit.node : ''}` +
      (refit.failureReason ? ` (${refit.failureReason})` : '');
  }
  const test = Object.entries(refit.test || {}).map(([k, v]) => `${k} ${number(v)}`).join(', ');
  return `trial #${refit.trial} on ${refit.trainRows} rows; ` +
    (test ? `test (${refit.testRows} rows): ${test}` : 'no test set') +
    (refit.modelPath ? ` · ${refit.modelPath}${refit.node ? ' on ' + refit.node : ''}` : '');
}

function renderOverview() {
  const doc = model.doc;
  const counts = doc.trials || {};
  const finished = done(counts);
  const { perMinute, etaMs } = pace(doc);
  document.title = `${doc.name} – HyperTune`;
  const objectives = model.objectives().map((o) => `${o.name} (${o.direction})`).join(', ');
  const bestText = Array.isArray(doc.best) ? `Pareto front of ${doc.best.length} trials`
    : doc.best ? `${number(doc.best.value)} at trial #${doc.best.number}: ${params(doc.best.params)}` : 'none yet';
  const facts = [
    ['Objective', objectives],
    ['Best', bestText],
    ['Trials', [`${counts.complete || 0} complete`, `${counts.pruned || 0} pruned`, `${counts.failed || 0} failed`,
      `${counts.running || 0} running`, `${counts.waiting || 0} waiting`,
      counts.paused ? `${counts.paused} paused` : null, counts.queued ? `${counts.queued} queued` : null,
    ].filter(Boolean).join(' · ')],
    ['Throughput', perMinute === null ? '–' : `${number(perMinute)} trials/min`],
    ['ETA', doc.status === 'running' ? (etaMs === null ? '–' : duration(etaMs)) : 'finished'],
    ['Created', time(doc.createdAt)],
    ['Updated', time(doc.updatedAt)],
    doc.steps ? ['Steps', String(doc.steps)] : null,
    doc.coordinatorNode ? ['Coordinator', doc.coordinatorNode] : null,
    doc.refit ? ['Final model', refitText(doc.refit)] : null,
  ].filter(Boolean);
  clear(overview).append(
    el('h1', {}, doc.name, ' ', el('span', { class: 'badge ' + doc.status, text: doc.status })),
    el('p', { class: 'muted', text: `${doc.study}${doc.reason ? ' · ' + doc.reason : ''}` }),
    el('div', { class: 'progress-line' },
      el('progress', { max: 1, value: (doc.maxTrials ? Math.min(1, finished / doc.maxTrials) : 0).toFixed(3) }),
      el('span', { id: 'progress-text', text: ` ${finished}/${doc.maxTrials} done` })),
    el('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])));
}

function objectiveSelect(controls) {
  const objectives = model.objectives();
  if (objectives.length < 2) return;
  controls.append(select('objective', objectives.map((o) => o.name), objective().name, (name) => {
    state.objective = objectives.findIndex((o) => o.name === name);
    render();
  }));
}

function renderHistory() {
  const { controls, body } = cards.history;
  clear(controls);
  objectiveSelect(controls);
  controls.append(checkbox('log scale', state.log, (on) => {
    state.log = on;
    render();
  }));
  drawHistory(body, model, { objective: objective(), log: state.log });
}

function renderContour() {
  const names = model.paramNames();
  const { controls, body } = cards.contour;
  show('contour', names.length >= 2);
  if (names.length < 2) return;
  // The two most important numeric parameters when importance is known, else the first two (numeric first: a
  // contour over a category is a few bands).
  const ranked = (model.importance || []).map((r) => r.name).filter((n) => names.includes(n));
  const ordered = [...ranked, ...names.filter((n) => !ranked.includes(n))];
  const numeric = (n) => model.list().every((t) => t.params[n] === undefined || typeof t.params[n] === 'number');
  const preferred = [...ordered.filter(numeric), ...ordered.filter((n) => !numeric(n))];
  if (!names.includes(state.contourX)) state.contourX = preferred[0];
  if (!names.includes(state.contourY) || state.contourY === state.contourX) {
    state.contourY = preferred.find((n) => n !== state.contourX);
  }
  clear(controls).append(
    select('x', names, state.contourX, (v) => {
      state.contourX = v;
      render();
    }),
    select('y', names, state.contourY, (v) => {
      state.contourY = v;
      render();
    }));
  drawContour(body, model, { objective: objective(), x: state.contourX, y: state.contourY });
}

function renderPareto() {
  const objectives = model.objectives();
  show('pareto', model.isMultiObjective());
  if (!model.isMultiObjective()) return;
  const { controls, body } = cards.pareto;
  clear(controls);
  if (objectives.length > 2) {
    const names = objectives.map((o) => o.name);
    controls.append(
      select('x', names, names[state.paretoX], (v) => {
        state.paretoX = names.indexOf(v);
        render();
      }),
      select('y', names, names[state.paretoY], (v) => {
        state.paretoY = names.indexOf(v);
        render();
      }));
  }
  drawPareto(body, model, { x: objectives[state.paretoX], y: objectives[state.paretoY] || objectives[1] });
}

function renderTables() {
  const doc = model.doc;
  const rungs = Array.isArray(doc.rungs) ? doc.rungs : [];
  show('rungs', rungs.length > 0);
  if (rungs.length) {
    table(cards.rungs.body, ['bracket', 'rung', 'step', 'trials', 'promoted', 'best'],
      rungs.map((r) => [r.bracket, r.rung, r.step, r.trials, r.promoted, number(r.bestValue)]));
  }

  const single = !model.isMultiObjective();
  const o = model.objectives()[0];
  const ranked = model.complete({ feasibleOnly: true })
    .sort((a, b) => (o.direction === 'maximize' ? b.value - a.value : a.value - b.value)).slice(0, 10);
  show('top', single && ranked.length > 0);
  if (single && ranked.length) {
    table(cards.top.body, ['trial', o.name, 'params', 'finished'],
      ranked.map((t) => [`#${t.number}`, number(t.value), params(t.params), time(t.finishedAt)]));
  }

  const failed = model.list().filter((t) => t.state === 'failed').reverse();
  show('failed', failed.length > 0);
  const body = cards.failed.body;
  clear(body);
  body.dataset.failed = String(failed.length);
  // Newest first, one line each (the reason's last line, where the error usually is); the tail on demand.
  for (const t of failed.slice(0, FAILED_SHOWN)) {
    const reason = t.failureReason || '(no reason recorded)';
    const lastLine = reason.trim().split('\n').pop();
    body.append(el('details', { class: 'failure', 'data-trial': t.number },
      el('summary', {},
        el('span', { class: 'failure-head', text: `#${t.number}` }),
        el('span', { class: 'failure-line', text: lastLine }),
        el('span', { class: 'muted', text: (t.failedAttempts ? `${t.failedAttempts} attempt(s) · ` : '') +
          (t.finishedAt ? time(t.finishedAt) : '') })),
      el('div', { class: 'muted', text: params(t.params) }),
      el('pre', { class: 'failure-reason', text: tail(reason) })));
  }
  if (failed.length > FAILED_SHOWN) {
    body.append(el('p', { class: 'muted', text: `and ${failed.length - FAILED_SHOWN} more` }));
  }
}

function table(container, head, rows) {
  clear(container).append(el('table', {},
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { text: h })))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', { text: c })))))));
}

function render() {
  if (!model.doc) return;
  renderOverview();
  renderHistory();
  drawImportance(cards.importance.body, model.importance, model.importanceError);
  drawParallel(cards.parallel.body, model, { objective: objective() });
  renderContour();
  renderPareto();
  drawSlices(cards.slices.body, model, { objective: objective() });
  const curves = model.list().some((t) => t.intermediate && t.intermediate.length);
  show('intermediate', curves);
  if (curves) drawIntermediate(cards.intermediate.body, model);
  const generations = Array.isArray(model.doc.generations) && model.doc.generations.length > 0;
  show('generations', generations);
  if (generations) drawGenerations(cards.generations.body, model.doc.generations, objective());
  const lineage = model.list().some((t) => t.lineage && t.lineage.length);
  show('lineage', lineage);
  if (lineage) drawLineage(cards.lineage.body, model);
  renderTables();
  document.body.dataset.version = String(model.doc.version);
}

let importanceTimer = null;

async function update() {
  try {
    await model.refresh();
    await maybeRefreshImportance();
    page.clearError();
    render();
  } catch (e) {
    page.showError(e);
  }
}

// Asks for importance when more trials completed; too soon after the last time, asks once the interval is over
// (so that the last trials of a study that then goes quiet are counted too).
async function maybeRefreshImportance() {
  const complete = (model.doc.trials && model.doc.trials.complete) || 0;
  if (complete === importanceAt.complete) return;
  const wait = importanceAt.time + IMPORTANCE_EVERY_MS - Date.now();
  if (wait > 0) {
    importanceTimer ??= setTimeout(() => {
      importanceTimer = null;
      update();
    }, wait);
    return;
  }
  importanceAt = { complete, time: Date.now() };
  await model.refreshImportance();
}

// Charts are drawn at their card's width: draw again when it changes.
let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(render, 200);
});

if (!id) {
  page.showError(new Error('no study in the address: open a study from the studies page (study.html?id=ID)'));
} else {
  await update();
  if (!page.needsKey()) watch(`studies/${encodeURIComponent(id)}/events`, (change) => {
    if (!model.doc || change.version > model.doc.version) update();
  }, page.setLive);
}
