// The dashboard's JSON API (/api/ beside /dashboard/). A node with API keys needs one with every request: the user
// enters it once per browser tab (kept in sessionStorage, gone when the tab closes) and it is sent as
// "Authorization: Bearer KEY", never in a URL.

const KEY_ITEM = 'hypertune.api-key';

/** An API answer that is not a success, with the server's own message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The absolute URL of an API path such as "studies/ID". */
export function apiUrl(path) {
  return new URL('../api/' + path, document.baseURI).toString();
}

/** The API key entered in this tab, or null. */
export function apiKey() {
  return sessionStorage.getItem(KEY_ITEM);
}

/** Keeps (or with an empty value forgets) the key for this tab. */
export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_ITEM, key);
  else sessionStorage.removeItem(KEY_ITEM);
}

/** The headers of an API request. */
export function authHeaders() {
  const key = apiKey();
  return key ? { Authorization: 'Bearer ' + key } : {};
}

/** GETs an API path and parses its JSON; throws ApiError with the server's {"error"} message on failure. */
export async function getJson(path, signal) {
  let response;
  try {
    response = await fetch(apiUrl(path), { headers: { Accept: 'application/json', ...authHeaders() }, signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `the server cannot be reached (${e.message})`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(response.status, `${path}: the answer is not JSON (status ${response.status})`);
  }
  if (!response.ok) throw new ApiError(response.status, (body && body.error) || `status ${response.status}`);
  return body;
}

/** Encodes a study id for a path segment. */
export function studyPath(id, rest = '') {
  return 'studies/' + encodeURIComponent(id) + rest;
}
