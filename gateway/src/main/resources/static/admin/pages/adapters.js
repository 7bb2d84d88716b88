// Task adapters of a collection (retrieval-service, /api/v1/collections/{c}/adapters): status, progress, held-out
// metrics; activate (refused unless ready and better than the unadapted baseline) and deactivate.
import { api, enc } from '../api.js';
import { h, clear, problem, field, table, busy, statusBadge, when, collectionPicker } from '../ui.js';

export async function render(main, params, { go }) {
  const picker = await collectionPicker(api, 'adapters-collection', params.get('collection'));
  main.append(h('h1', {}, 'Task adapters'), h('form.toolbar', { onsubmit: (e) => { e.preventDefault(); go('adapters', { collection: picker.value }); } },
    field('Collection', picker), h('button', { type: 'submit' }, 'Show')));
  const collection = params.get('collection') || picker.value;
  if (!collection) return null;
  const base = `/api/v1/collections/${enc(collection)}/adapters`;
  const messages = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  main.append(h('p.note', {}, 'Training starts from the API (POST ', h('code', {}, `${base}`),
    ', see retrieval-service’s README); this page follows and switches them.'), messages, list);
  let timer = null;

  async function act(id, action, button) {
    await busy(button, async () => {
      try {
        await api('POST', `${base}/${enc(id)}:${action}`);
        clear(messages, h('p.note', { role: 'status' }, `Adapter ${id}: ${action}d.`));
      } catch (e) {
        clear(messages, problem(e, `${action} ${id}`));
      }
      await load();
    });
  }

  async function load() {
    clearTimeout(timer);
    try {
      const a = await api('GET', base);
      clear(list, h('p', {}, 'Active: ', h('strong', {}, a.active || 'none (searches use the plain model)')),
        a.adapters.length === 0 ? h('p.note', {}, 'No adapters for this collection.')
          : table(['adapter', 'status', 'supervision / task', 'held-out metrics', 'created', 'actions'], a.adapters.map((x) => h('tr', {},
            h('td', {}, x.name || `v${x.version}`, h('div.note', {}, x.id), x.active ? h('strong', {}, 'active') : null),
            h('td', {}, statusBadge(x.status), x.progress ? h('div.note', {}, progress(x.progress)) : null,
              x.error ? h('div.problem', {}, x.error) : null),
            h('td', {}, `${x.supervision || '–'} / ${x.task || '–'}`, h('div.note', {}, `rank ${x.rank}, ${x.embeddingModel}`)),
            h('td', {}, metrics(x.metrics)),
            h('td', {}, when(x.createdAt)),
            h('td', {}, x.active
              ? h('button', { type: 'button', onclick: (e) => act(x.id, 'deactivate', e.currentTarget) }, 'Deactivate')
              : h('button', { type: 'button', onclick: (e) => act(x.id, 'activate', e.currentTarget) }, 'Activate'))))));
      if (a.adapters.some((x) => ['QUEUED', 'RUNNING'].includes(x.status))) timer = setTimeout(load, 3000);
    } catch (e) {
      clear(list, problem(e, `Adapters of ${collection}`));
    }
  }
  await load();
  return () => clearTimeout(timer);
}

function progress(p) {
  if (typeof p !== 'object') return String(p);
  return Object.entries(p).map(([k, v]) => `${k} ${typeof v === 'number' ? Math.round(v * 1000) / 1000 : v}`).join(', ');
}

/** Metrics as a small definition list: nested objects one level deep (e.g. baseline vs adapted). */
function metrics(m) {
  if (!m || typeof m !== 'object') return '–';
  const rows = [];
  for (const [k, v] of Object.entries(m)) {
    if (v && typeof v === 'object') {
      rows.push([k, Object.entries(v).map(([k2, v2]) => `${k2} ${typeof v2 === 'number' ? v2.toFixed(4) : JSON.stringify(v2)}`).join(', ')]);
    } else {
      rows.push([k, typeof v === 'number' ? v.toFixed(4) : String(v)]);
    }
  }
  return h('dl.settings', {}, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
