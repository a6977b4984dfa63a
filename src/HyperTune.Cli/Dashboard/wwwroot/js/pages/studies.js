// The studies page: every study with its status, progress, best, throughput and ETA, updated live.

import { getJson } from '../api.js';
import { clear, el } from '../dom.js';
import { duration, number, time } from '../format.js';
import { watch } from '../live.js';
import { frame } from '../page.js';
import { done, pace } from '../study-model.js';

const page = frame('studies');
const summary = el('p', { class: 'summary', id: 'summary' });
const body = el('tbody', {});
const table = el('table', { class: 'studies', id: 'studies', 'data-studies': '0' },
  el('thead', {}, el('tr', {}, ...['Study', 'Status', 'Progress', 'Best', 'Throughput', 'ETA', 'Created', 'Updated']
    .map((h) => el('th', { text: h })))),
  body);
page.main.append(el('h1', { text: 'Studies' }), summary, table);

let pending = null;

async function load() {
  try {
    const answer = await getJson('studies');
    render(answer.studies);
    page.clearError();
  } catch (e) {
    page.showError(e);
  }
}

// Several studies changing at once make one reload.
function scheduleLoad() {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    load();
  }, 250);
}

function render(studies) {
  clear(body);
  table.dataset.studies = String(studies.length);
  const running = studies.filter((s) => s.status === 'running').length;
  summary.textContent = studies.length === 0
    ? 'No study in this store yet.'
    : `${studies.length} studies, ${running} running.`;
  for (const study of studies) body.append(row(study));
}

function row(study) {
  const counts = study.trials || {};
  const finished = done(counts);
  const max = study.maxTrials || 0;
  const fraction = max > 0 ? Math.min(1, finished / max) : 0;
  const { perMinute, etaMs } = pace(study);
  const progress = el('progress', { max: 1, value: fraction.toFixed(3) });
  const detail = [
    `${counts.complete || 0} complete`, counts.pruned ? `${counts.pruned} pruned` : null,
    counts.failed ? `${counts.failed} failed` : null, counts.running ? `${counts.running} running` : null,
    counts.waiting ? `${counts.waiting} waiting` : null, counts.paused ? `${counts.paused} paused` : null,
  ].filter(Boolean).join(' · ');
  const link = el('a', { href: 'study.html?id=' + encodeURIComponent(study.study), text: study.name || study.study });
  return el('tr', { 'data-study': study.study },
    el('td', {}, link, el('div', { class: 'muted', text: study.study })),
    el('td', {}, el('span', { class: 'badge ' + study.status, text: study.status }),
      study.reason ? el('div', { class: 'muted', text: study.reason }) : null),
    el('td', { class: 'progress-cell' }, progress, el('span', { text: ` ${finished}/${max}` }),
      el('div', { class: 'muted', text: detail })),
    el('td', {}, best(study)),
    el('td', { text: perMinute === null ? '–' : `${number(perMinute)} /min` }),
    el('td', { text: study.status === 'running' ? (etaMs === null ? '–' : duration(etaMs)) : '' }),
    el('td', { text: time(study.createdAt) }),
    el('td', { text: time(study.updatedAt) }));
}

function best(study) {
  if (Array.isArray(study.best)) return `Pareto front of ${study.best.length}`;
  if (study.best && Number.isFinite(study.best.value)) {
    const arrow = study.direction === 'maximize' ? '↑' : '↓';
    return `${number(study.best.value)} (#${study.best.number}, ${study.metric} ${arrow})`;
  }
  return '–';
}

await load();
// Without a key the stream would be refused too; the key form reloads the page.
if (!page.needsKey()) watch('events', scheduleLoad, page.setLive);
