// Live updates: the server's event stream says which studies changed (event "study": {study, version, status});
// the page fetches what it needs itself. EventSource reconnects by itself but cannot send an API key, so with a key
// the same stream is read through fetch and reconnected here.

import { apiKey, apiUrl, authHeaders } from './api.js';

const RETRY_MS = 2000;

/**
 * Listens to an event stream path (e.g. "events" or "studies/ID/events").
 * onStudy(change) for each change; onState('live' | 'reconnecting' | 'store-error', detail) for the indicator.
 * Returns a function that stops listening.
 */
export function watch(path, onStudy, onState) {
  return apiKey() ? watchWithFetch(path, onStudy, onState) : watchWithEventSource(path, onStudy, onState);
}

function watchWithEventSource(path, onStudy, onState) {
  const source = new EventSource(apiUrl(path));
  source.addEventListener('open', () => onState('live'));
  source.addEventListener('error', () => onState('reconnecting'));
  source.addEventListener('study', (e) => {
    onState('live');
    onStudy(JSON.parse(e.data));
  });
  source.addEventListener('store-error', (e) => onState('store-error', JSON.parse(e.data).error));
  return () => source.close();
}

function watchWithFetch(path, onStudy, onState) {
  const abort = new AbortController();
  const dispatch = (event, data) => {
    if (event === 'study') {
      onState('live');
      onStudy(JSON.parse(data));
    } else if (event === 'store-error') {
      onState('store-error', JSON.parse(data).error);
    }
  };
  (async () => {
    while (!abort.signal.aborted) {
      try {
        const response = await fetch(apiUrl(path), {
          headers: { Accept: 'text/event-stream', ...authHeaders() }, signal: abort.signal,
        });
        if (!response.ok) throw new Error(`status ${response.status}`);
        onState('live');
        await readEvents(response.body, dispatch);
      } catch (e) {
        if (abort.signal.aborted) return;
      }
      onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  })();
  return () => abort.abort();
}

/** Parses a text/event-stream body: blocks separated by a blank line, "event:" and "data:" fields. */
async function readEvents(body, dispatch) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) dispatch(event, data.join('\n'));
    }
  }
}
