// What every page has: the navigation bar, the live indicator, and a place for errors (with the API key form when
// the server asks for a key).

import { ApiError, apiKey, setApiKey } from './api.js';
import { clear, el } from './dom.js';

const LIVE_TEXT = {
  live: 'live',
  reconnecting: 'reconnecting…',
  'store-error': 'store unreadable',
  off: 'not live',
};

/**
 * Builds the page's frame and returns its parts: {main, setLive(state, detail), showError(error), clearError(),
 * needsKey()}; needsKey() is true once the server asked for an API key (the page then waits for the key form).
 */
export function frame(current) {
  const indicator = el('span', { class: 'live off', id: 'live', 'data-state': 'off', text: LIVE_TEXT.off });
  const nav = el('nav', {},
    el('a', { href: './', class: current === 'studies' ? 'current' : null, text: 'Studies' }),
    el('a', { href: 'cluster.html', class: current === 'cluster' ? 'current' : null, text: 'Cluster' }));
  const header = el('header', {}, el('a', { class: 'brand', href: './', text: 'HyperTune' }), nav, indicator);
  const errors = el('div', { class: 'errors', id: 'errors', role: 'alert' });
  const main = el('main', {});
  document.body.append(header, errors, main);

  const setLive = (state, detail) => {
    indicator.className = 'live ' + state;
    indicator.dataset.state = state;
    indicator.textContent = LIVE_TEXT[state] || state;
    indicator.title = detail || '';
    if (state === 'store-error') showMessage(errors, `The store cannot be read: ${detail}`);
    else if (state === 'live' && errors.dataset.kind === 'store') clear(errors);
    if (state === 'store-error') errors.dataset.kind = 'store';
  };

  let keyAsked = false;
  const showError = (error) => {
    if (error instanceof ApiError && error.status === 401) {
      keyAsked = true;
      showKeyForm(errors, error.message);
      return;
    }
    errors.dataset.kind = 'error';
    showMessage(errors, error instanceof ApiError ? error.message : `Error: ${error.message || error}`);
  };

  const clearError = () => {
    if (errors.dataset.kind !== 'store') clear(errors);
  };

  return { main, setLive, showError, clearError, needsKey: () => keyAsked };
}

function showMessage(errors, text) {
  clear(errors).append(el('p', { class: 'error', text }));
}

// A node with API keys: ask for one (a read key is enough), keep it for this tab, and try again.
function showKeyForm(errors, message) {
  const input = el('input', { type: 'password', name: 'key', autocomplete: 'off', placeholder: 'API key' });
  const form = el('form', { class: 'key-form' },
    el('p', { text: `This node needs an API key (${message}). A read key is enough.` }),
    input, el('button', { type: 'submit', text: 'Use key' }),
    apiKey() ? el('button', {
      type: 'button',
      text: 'Forget key',
      onclick: () => {
        setApiKey(null);
        location.reload();
      },
    }) : null);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setApiKey(input.value.trim());
    // A reload starts everything again with the key, the event stream included.
    location.reload();
  });
  clear(errors).append(form);
  errors.dataset.kind = 'key';
}
