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

export function field(label, control, cls) {
  return h(`label${cls ? '.' + cls : ''}`, {}, label, control);
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

/** <select> of the collections the key may list; a text input when it may not (collection-limited keys). */
export async function collectionPicker(api, id, selected) {
  try {
    const list = await api('GET', '/api/v1/collections');
    const names = (list.collections || []).map((c) => c.name);
    if (names.length === 0) {
      return h('input', { id, name: 'collection', required: true, placeholder: 'no collections yet', value: selected || '' });
    }
    return h('select', { id, name: 'collection', required: true },
      names.map((n) => h('option', { value: n, selected: n === selected }, n)));
  } catch {
    return h('input', { id, name: 'collection', required: true, value: selected || '', placeholder: 'collection name' });
  }
}
