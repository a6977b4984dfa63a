// The cluster page: the node's members, their status, roles, reachability and slots, or a note that the dashboard
// reads a local store. The cluster has no event stream; the page asks again every few seconds.

import { getJson } from '../api.js';
import { clear, el } from '../dom.js';
import { frame } from '../page.js';

const REFRESH_MS = 5000;
const page = frame('cluster');
const content = el('div', { id: 'cluster' });
page.main.append(el('h1', { text: 'Cluster' }), content);

async function load() {
  try {
    render(await getJson('cluster'));
    page.clearError();
    page.setLive('live');
  } catch (e) {
    page.showError(e);
    page.setLive('reconnecting', e.message);
  }
}

function render(cluster) {
  clear(content);
  if (cluster.local) {
    content.dataset.mode = 'local';
    content.append(el('p', { class: 'note', text: 'Local store: this dashboard reads a study store directly, with no ' +
      'cluster node. Run it on a node (hypertune node) to see the cluster.' }));
    return;
  }
  content.dataset.mode = 'cluster';
  const members = cluster.members || [];
  const hasSlots = members.some((m) => m.slots !== undefined);
  content.append(el('p', {}, `Seen from ${cluster.self}; leader ${cluster.leader || 'none'}; `,
    `${members.length} members, ${members.filter((m) => !m.reachable).length} unreachable.`));
  const head = ['Address', 'Status', 'Reachable', 'Roles', ...(hasSlots ? ['Slots in use'] : [])];
  const body = el('tbody', {});
  for (const m of members) {
    body.append(el('tr', { class: m.reachable ? '' : 'unreachable' },
      el('td', { text: m.address + (m.address === cluster.self ? ' (this node)' : '') }),
      el('td', {}, el('span', { class: 'badge ' + String(m.status).toLowerCase(), text: m.status })),
      el('td', { text: m.reachable ? 'yes' : 'UNREACHABLE' }),
      el('td', { text: (m.roles || []).join(', ') }),
      hasSlots ? el('td', { text: m.slots === undefined ? '–' : `${m.slotsInUse ?? '?'}/${m.slots}` }) : null));
  }
  content.append(el('table', { class: 'members', 'data-members': String(members.length) },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { text: h })))), body));
}

await load();
setInterval(load, REFRESH_MS);
