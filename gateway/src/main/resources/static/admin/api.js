// Calls to the gateway's /api/v1 with the key kept in sessionStorage (gone when the tab closes).
const KEY = 'rag.console.key';
const COLLECTION = 'rag.console.collection';

let caller = null; // GET /api/v1/me of the key signed in: its scopes and collections

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => { sessionStorage.setItem(KEY, key); caller = null; },
  signOut: () => { sessionStorage.removeItem(KEY); caller = null; },
  /** Who the key is ({keyId, name, may: [read, write, admin], collections: null for all}); read once per key. */
  async me() {
    if (!caller) caller = await api('GET', '/api/v1/me');
    return caller;
  },
  /** The collection last chosen in this tab, kept across pages. */
  collection: () => sessionStorage.getItem(COLLECTION),
  choose: (c) => { if (c) sessionStorage.setItem(COLLECTION, c); },
};

/** Whether the signed-in key has the scope (read, write, admin); true while unknown, so the service decides. */
export function can(scope) {
  return !caller || caller.may.includes(scope);
}

/** A trace's page in the tracing UI the gateway names (rag.gateway.trace-url), or null when it names none. */
export function traceLink(traceId) {
  return caller && caller.traceUrl && traceId ? caller.traceUrl.replace('{traceId}', encodeURIComponent(traceId)) : null;
}

/** Whether the key may use every collection (it may list them, create them, read dead letters). */
export function unrestricted() {
  return !caller || caller.collections === null || caller.collections === undefined;
}

/** A failed call: the problem's detail (RFC 9457) when the answer was one, else the status. */
class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function problemOf(response) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { title: `HTTP ${response.status}`, detail: text.slice(0, 300) || response.statusText };
  }
}

/**
 * A key that stops working (revoked, expired) signs the console out wherever the call was made: pages catch their
 * errors to show them, so a 401 is announced to the shell (app.js) rather than left to each page.
 */
function unauthorized(error, options, key) {
  if (error.status === 401 && !options.probe) {
    window.dispatchEvent(new CustomEvent('rag:unauthorized', { detail: { error, key } }));
  }
  return error;
}

/**
 * fetch against the gateway. options: json (a body to send as JSON), body (sent as is, with type as its Content-Type),
 * as: 'json' | 'text' | 'blob',
 * probe (a 401 is only this call's answer: the sign-in form checking a key).
 */
export async function api(method, path, options = {}) {
  const key = session.key() || '';
  const headers = { 'X-API-Key': key };
  let body = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.type) {
    headers['Content-Type'] = options.type;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body });
  } catch (e) {
    throw new ApiError(0, { title: 'Network error', detail: `the gateway did not answer (${e.message})` });
  }
  if (!response.ok) {
    throw unauthorized(new ApiError(response.status, await problemOf(response)), options, key);
  }
  if (response.status === 204) return null;
  const as = options.as || 'json';
  if (as === 'text') return response.text();
  if (as === 'blob') return response.blob();
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** A multipart upload with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function upload(path, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    const key = session.key() || '';
    xhr.setRequestHeader('X-API-Key', key);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, { title: 'Network error', detail: 'the upload did not reach the gateway' }));
    xhr.onload = () => {
      let json = null;
      try { json = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json);
      else reject(unauthorized(new ApiError(xhr.status, json || { title: `HTTP ${xhr.status}`, detail: xhr.responseText.slice(0, 300) }), {}, key));
    };
    xhr.send(formData);
  });
}

export const enc = encodeURIComponent;
