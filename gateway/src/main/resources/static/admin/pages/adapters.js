// Task adapters of a collection (retrieval-service, /api/v1/collections/{c}/adapters): status, progress, held-out
// metrics; activate (refused unless ready and better than the unadapted baseline) and deactivate.
import { api, enc } from '../api.js';
import { h, clear, problem, field, table, busy, statusBadge, when, collectionPicker } from '../ui.js';

const RUNNING = new Set(['queued', 'training']);

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
      // retrieval-service answers "none" when no adapter is active
      const active = a.active && a.active !== 'none' ? a.active : null;
      clear(list, h('p', { id: 'adapters-active' }, 'Active: ', h('strong', {}, active || 'none (searches use the plain model)')),
        a.adapters.length === 0 ? h('p.note', {}, 'No adapters for this collection.')
          : table(['adapter', 'status', 'supervision / task', 'held-out metrics', 'created', 'actions'], a.adapters.map((x) => h('tr', { dataset: { adapterId: x.id, status: x.status } },
            h('td', {}, x.name || `v${x.version}`, h('div.note', {}, x.id), x.active ? h('strong', {}, 'active') : null),
            h('td', {}, statusBadge(String(x.status).toUpperCase()), x.progress && RUNNING.has(String(x.status).toLowerCase()) ? h('div.note', {}, progress(x.progress)) : null,
              x.error ? h('div.problem', {}, x.error) : null),
            h('td', {}, `${x.supervision || '–'} / ${x.task || '–'}`, h('div.note', {}, `rank ${x.rank}, ${x.embeddingModel}`)),
            h('td', {}, metrics(x.metrics)),
            h('td', {}, when(x.createdAt)),
            h('td', {}, x.active
              ? h('button', { type: 'button', 'aria-label': `Deactivate adapter ${x.name || `v${x.version}`}`,
                onclick: (e) => act(x.id, 'deactivate', e.currentTarget) }, 'Deactivate')
              : h('button', { type: 'button', 'aria-label': `Activate adapter ${x.name || `v${x.version}`}`,
                onclick: (e) => act(x.id, 'activate', e.currentTarget) }, 'Activate'))))));
      // statuses are queued, training, ready, failed, cancelled: follow the jobs still going
      if (a.adapters.some((x) => RUNNING.has(String(x.status).toLowerCase()))) timer = setTimeout(load, 3000);
    } catch (e) {
      clear(list, problem(e, `Adapters of ${collection}`));
    }
  }
  await load();
  return () => clearTimeout(timer);
}

/** Live progress: its phase and counters; of the per-epoch list (progress.epochs) the latest entry only. */
function progress(p) {
  if (!p || typeof p !== 'object') return String(p);
  const parts = Object.entries(p).filter(([, v]) => v === null || typeof v !== 'object').map(([k, v]) => `${k} ${number(v)}`);
  if (Array.isArray(p.epochs) && p.epochs.length) parts.push(`last ${epoch(p.epochs[p.epochs.length - 1])}`);
  return parts.join(', ');
}

// shown first: what decides whether the adapter may be activated
const HEADLINE = ['baseline', 'validation', 'beatsBaseline', 'bestEpoch'];

/**
 * Metrics as a small definition list: the held-out comparison first, nested objects one level deep (baseline vs
 * adapted), the per-epoch list last, one short line an epoch.
 */
function metrics(m) {
  if (!m || typeof m !== 'object') return '–';
  const keys = [...HEADLINE.filter((k) => k in m), ...Object.keys(m).filter((k) => !HEADLINE.includes(k) && !Array.isArray(m[k])),
    ...Object.keys(m).filter((k) => !HEADLINE.includes(k) && Array.isArray(m[k]))];
  const rows = keys.map((k) => {
    const v = m[k];
    if (Array.isArray(v)) return [k, v.length && typeof v[0] === 'object' ? v.map((x) => h('div', {}, epoch(x))) : v.map(number).join(', ')];
    if (v && typeof v === 'object') return [k, Object.entries(v).map(([k2, v2]) => `${k2} ${number(v2)}`).join(', ')];
    return [k, number(v)];
  });
  return h('dl.settings', {}, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** One epoch's entry ({epoch, loss, validation: {nDCG@10, …}}) as "#3 loss 2.8579 · nDCG@10 0.4222". */
function epoch(e) {
  if (!e || typeof e !== 'object') return String(e);
  if ('epoch' in e) {
    const ndcg = e.validation && e.validation['nDCG@10'];
    return `#${e.epoch} loss ${number(e.loss)}${ndcg !== undefined ? ` · nDCG@10 ${number(ndcg)}` : ''}`;
  }
  return Object.entries(e).map(([k, v]) => `${k} ${number(v)}`).join(', ');
}

/** Integers as they are, fractions to 4 places, anything else as JSON. */
function number(v) {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(4);
  return typeof v === 'string' ? v : JSON.stringify(v);
}
