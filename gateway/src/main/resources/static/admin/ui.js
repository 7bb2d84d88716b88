// Small DOM helpers: every piece of data goes in as text, never as HTML.

/** h('tag.class', {attr: value, onclick: fn}, child, …): children are nodes, strings, numbers, arrays or null. */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A problem box: the problem's detail, which is what the platform says went wrong. */
export function problem(error, what) {
  const p = error && error.problem;
  return h('div.problem', { role: 'alert' },
    h('strong', {}, what ? `${what}: ` : '', p && p.title ? p.title : 'Error'),
    p && p.status ? ` (${p.status})` : '',
    h('div.detail', {}, error ? error.message : 'unknown error'),
    p && p.requestId ? h('div.note', {}, `request id ${p.requestId}`) : null);
}

/**
 * A labelled control. Its help, when given (one short sentence in plain words), sits under it outside the label,
 * tied to the control by aria-describedby.
 */
export function field(label, control, cls, help) {
  if (!help) return h(`label${cls ? '.' + cls : ''}`, {}, label, control);
  const id = `${control.id}-help`;
  control.setAttribute('aria-describedby', id);
  return h(`div.field${cls ? '.' + cls : ''}`, {}, h('label', {}, label, control), h('small.help', { id }, help));
}

export function table(headers, rows, caption) {
  return h('table', {},
    caption ? h('caption.note', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h(`th${x.num ? '.num' : ''}`, { scope: 'col' }, x.label ?? x)))),
    h('tbody', {}, rows));
}

/** A table, or the note {@code empty} when there are no rows. */
export function tableOr(empty, headers, rows, caption) {
  return rows.length ? table(headers, rows, caption) : h('p.note', {}, empty);
}

export function num(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return Number(v).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function statusBadge(status) {
  return h(`span.status.status-${String(status).replace(/[^A-Za-z_]/g, '')}`, {}, status);
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '–';
}

/** Busy state for a form's submit button while work runs. */
export async function busy(button, work) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = `${label}…`;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

/** Parses a JSON textarea; empty is undefined. Throws a readable error otherwise. */
export function jsonField(text, name) {
  if (!text || !text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    const err = new Error(`${name} is not valid JSON: ${e.message}`);
    err.problem = { title: 'Invalid input' };
    throw err;
  }
}

/** The collections the key may use: all of them listed, or the key's own list (collection-limited keys). */
export async function collectionNames(api, session) {
  const me = await session.me().catch(() => null);
  if (me && me.collections) return me.collections;
  const list = await api('GET', '/api/v1/collections');
  return (list.collections || []).map((c) => c.name);
}

/**
 * <select> of the collections the key may use, the one chosen last in this tab (kept across pages) selected; a
 * text input when there are none or they cannot be read. The choice is remembered when it changes.
 */
export async function collectionPicker(api, id, selected, session) {
  const chosen = selected || (session && session.collection()) || '';
  let picker;
  try {
    const names = await collectionNames(api, session);
    if (names.length === 0) {
      picker = h('input', { id, name: 'collection', required: true, placeholder: 'no collections yet', value: chosen });
    } else {
      picker = h('select', { id, name: 'collection', required: true },
        names.map((n) => h('option', { value: n, selected: n === chosen }, n)));
    }
  } catch {
    picker = h('input', { id, name: 'collection', required: true, value: chosen, placeholder: 'collection name' });
  }
  if (session) {
    session.choose(picker.value);
    picker.addEventListener('change', () => session.choose(picker.value));
  }
  return picker;
}

// words too common to mark
const STOP = new Set(['the', 'and', 'for', 'who', 'what', 'how', 'why', 'when', 'with', 'are', 'was', 'were', 'that',
  'this', 'from', 'into', 'does', 'can', 'not', 'you', 'your', 'its', 'has', 'have', 'had', 'but', 'all', 'any', 'our']);

/**
 * A function marking the query's words (3 letters or more, not the commonest) in a piece of text: text nodes and
 * <mark class="term">. The pattern is built once per query, for all the texts of its results.
 */
export function termMarker(query) {
  const words = [...new Set(String(query || '').toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) || [])]
    .filter((w) => !STOP.has(w));
  if (!words.length) return (text) => [text];
  const escaped = words.sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(${escaped.join('|')})`, 'giu');
  return (text) => {
    if (!text) return [text];
    const parts = [];
    let last = 0;
    for (const m of text.matchAll(pattern)) {
      if (m.index > last) parts.push(text.slice(last, m.index));
      parts.push(h('mark.term', {}, m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) parts.push(text.slice(last));
    return parts;
  };
}

/** What a person knows a document by: its title, else its file's name, else its external id, else its id. */
export function documentName(d) {
  return d.title || d.fileName || d.externalId || d.documentId;
}

/** A link to a document's page in the console. */
export function documentLink(collection, documentId, label) {
  return h('a', { href: `#/document?collection=${encodeURIComponent(collection)}&id=${encodeURIComponent(documentId)}` }, label);
}

/** Seconds as "140 ms", "12 s", "3 min", "2 h". */
export function duration(seconds) {
  if (seconds == null || Number.isNaN(seconds)) return '–';
  if (seconds < 1) return `${Math.max(0, Math.round(seconds * 1000))} ms`;
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${num(seconds / 3600, 1)} h`;
}
