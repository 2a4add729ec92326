// The HTTP API, with the key of this tab. The key lives in sessionStorage only: never in a URL, never logged.
const KEY = 'mnemograph.api-key';
const BASE = new URL('../api/v1', document.baseURI).pathname;

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

let onRefused = () => {};
/** Called when a signed-in request gets 401 (the key was revoked meanwhile). */
export function whenRefused(handler) {
  onRefused = handler;
}

/** One request; answers the parsed JSON (null for 204) or throws an ApiError with the API's detail. */
export async function call(method, path, body, key = session.key()) {
  const headers = { Authorization: 'Token ' + key, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, 'The service did not answer (' + e.message + ').');
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const error = new ApiError(res.status, detail(res.status, data));
    if (res.status === 401 && key === session.key()) onRefused(error);
    throw error;
  }
  return data;
}

function detail(status, data) {
  const d = data && data.detail;
  if (typeof d === 'string') return d;
  if (Array.isArray(d)) return d.map((e) => (e.loc || []).join('.') + ': ' + e.msg).join('; ');
  return 'HTTP ' + status;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const patch = (path, body) => call('PATCH', path, body);
export const del = (path) => call('DELETE', path);

/** "?a=1&b=x,y" from the defined entries: arrays as the contract's form style, elements comma-joined. */
export function query(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    const value = Array.isArray(v) ? v.map(encodeURIComponent).join(',') : encodeURIComponent(String(v));
    parts.push(encodeURIComponent(k) + '=' + value);
  }
  return parts.length ? '?' + parts.join('&') : '';
}
