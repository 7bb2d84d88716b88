// Task adapters of a collection (retrieval-service, /api/v1/collections/{c}/adapters): status, progress, held-out
// metrics; activate (refused unless ready and better than the unadapted baseline) and deactivate.
import { api, enc, session, can } from '../api.js';
import { h, clear, problem, field, tableOr, busy, statusBadge, when, collectionPicker } from '../ui.js';

const RUNNING = new Set(['queued', 'training']);

/** A job still going: queued or training (the other statuses are ready, failed, cancelled). */
const running = (x) => RUNNING.has(String(x.status).toLowerCase());

export async function render(main, params, { go }) {
  const picker = await collectionPicker(api, 'adapters-collection', params.get('collection'), session);
  main.append(h('h1', {}, 'Task adapters'), h('form.toolbar', { onsubmit: (e) => { e.preventDefault(); go('adapters', { collection: picker.value }); } },
    field('Collection', picker), h('button', { type: 'submit' }, 'Show')));
  const collection = params.get('collection') || picker.value;
  if (!collection) return null;
  const base = `/api/v1/collections/${enc(collection)}/adapters`;
  const messages = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  if (can('write')) main.append(trainForm(base, messages, () => load()));
  main.append(messages, list);
  let timer = null;
  let stopped = false; // left: an answer still on its way must not start polling again

  async function act(id, action, button) {
    await busy(button, async () => {
      try {
        if (action === 'delete') await api('DELETE', `${base}/${enc(id)}`);
        else await api('POST', `${base}/${enc(id)}:${action}`);
        clear(messages, h('p.note', { role: 'status' }, `Adapter ${id}: ${action === 'cancel' ? 'cancelled' : `${action}d`}.`));
      } catch (e) {
        clear(messages, problem(e, `${action} ${id}`));
      }
      await load();
    });
  }

  function row(x) {
    const label = x.name || `v${x.version}`;
    // one action per state: a job still going can be cancelled, a finished adapter switched on or off
    const action = running(x) ? 'cancel' : x.active ? 'deactivate' : 'activate';
    const verb = action[0].toUpperCase() + action.slice(1);
    // retrieval-service activates only a ready adapter that beat the unadapted search on its held-out queries:
    // said before the click, with the figures it decides on
    const m = x.metrics || {};
    const refused = action !== 'activate' ? null
      : String(x.status).toLowerCase() !== 'ready' ? `cannot be activated: it is ${x.status}; only a ready adapter can be`
        : m.beatsBaseline === false ? `cannot be activated: it does not beat the unadapted search on its held-out queries`
          + ` (nDCG@10 ${number((m.validation || {})['nDCG@10'])} vs ${number((m.baseline || {})['nDCG@10'])})` : null;
    return h('tr', { dataset: { adapterId: x.id, status: x.status } },
      h('td', {}, label, h('div.note', {}, x.id), x.active ? h('strong', {}, 'active') : null),
      h('td', {}, statusBadge(String(x.status).toUpperCase()), x.progress && running(x) ? h('div.note', {}, progress(x.progress)) : null,
        x.error ? h('div.problem', {}, x.error) : null),
      h('td', {}, `${x.supervision || '–'} / ${x.task || '–'}`, h('div.note', {}, `rank ${x.rank}, ${x.embeddingModel}`)),
      h('td', {}, headline(x.metrics), metrics(x.metrics)),
      h('td', {}, when(x.createdAt)),
      h('td', {}, !can('write') ? '–' : [
        h('button', { type: 'button', 'aria-label': `${verb} adapter ${label}`, disabled: Boolean(refused),
          'aria-describedby': refused ? `refused-${x.id}` : null, onclick: (e) => act(x.id, action, e.currentTarget) }, verb),
        refused ? h('div.note.refused', { id: `refused-${x.id}` }, refused) : null, ' ',
        h('button.danger', { type: 'button', 'aria-label': `Delete adapter ${label}`, onclick: (e) =>
          confirm(`Delete adapter ${label}${x.active ? ' (active: searches go back to the plain model)' : ''}?`) && act(x.id, 'delete', e.currentTarget) }, 'Delete')]));
  }

  async function load() {
    clearTimeout(timer);
    try {
      const a = await api('GET', base);
      // retrieval-service answers "none" when no adapter is active
      const active = a.active && a.active !== 'none' ? a.active : null;
      clear(list, h('p', { id: 'adapters-active' }, 'Active: ', h('strong', {}, active || 'none (searches use the plain model)')),
        tableOr('No adapters for this collection.', ['adapter', 'status', 'supervision / task', 'held-out metrics', 'created', 'actions'],
          a.adapters.map(row)));
      // statuses are queued, training, ready, failed, cancelled: follow the jobs still going
      if (a.adapters.some(running) && !stopped) timer = setTimeout(load, 3000);
    } catch (e) {
      clear(list, problem(e, `Adapters of ${collection}`));
    }
  }
  await load();
  return () => { stopped = true; clearTimeout(timer); };
}

/**
 * Training from a label file (retrieval-service takes CSV, e.g. biker-train-qa.csv as it is, or JSON Lines
 * {"query", "targets"}, as the body and the settings as query parameters); a .json file is a whole training request.
 */
function trainForm(base, messages, reload) {
  const file = h('input', { type: 'file', id: 'adapter-file', accept: '.csv,.jsonl,.ndjson,.json', required: true });
  const name = h('input', { id: 'adapter-name', placeholder: 'e.g. biker-train' });
  const target = h('input', { id: 'adapter-target', value: 'documentId', list: 'adapter-targets' });
  const targets = h('datalist', { id: 'adapter-targets' }, ['documentId', 'externalId', 'metadata.api'].map((v) => h('option', { value: v })));
  const queryColumn = h('input', { id: 'adapter-query-column', placeholder: 'title' });
  const targetsColumn = h('input', { id: 'adapter-targets-column', placeholder: 'answer' });
  const rank = h('input', { type: 'number', id: 'adapter-rank', min: 1, max: 256, placeholder: '32' });
  const epochs = h('input', { type: 'number', id: 'adapter-epochs', min: 1, max: 100, placeholder: '30' });
  const activate = h('input', { type: 'checkbox', id: 'adapter-activate' });
  const submit = h('button.primary', { type: 'submit', id: 'adapter-train' }, 'Train');
  return h('details', {}, h('summary', {}, 'Train an adapter from labelled queries'),
    h('form.grid', {
      id: 'adapter-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const chosen = file.files[0];
        if (!chosen) return;
        await busy(submit, async () => {
          try {
            const text = await chosen.text();
            const lower = chosen.name.toLowerCase();
            let job;
            if (lower.endsWith('.json')) {
              const request = JSON.parse(text);
              if (name.value.trim()) request.name = name.value.trim();
              if (activate.checked) request.activate = true;
              job = await api('POST', base, { json: request });
            } else {
              const q = new URLSearchParams();
              const put = (k, v) => { if (String(v).trim()) q.set(k, String(v).trim()); };
              put('name', name.value); put('targetField', target.value); put('queryColumn', queryColumn.value);
              put('targetsColumn', targetsColumn.value); put('rank', rank.value); put('epochs', epochs.value);
              if (activate.checked) q.set('activate', 'true');
              job = await api('POST', `${base}?${q}`, { body: text, type: lower.endsWith('.csv') ? 'text/csv' : 'application/x-ndjson' });
            }
            clear(messages, h('p.note', { role: 'status' }, `Training job ${job.id} (${job.name || `v${job.version}`}) started.`));
            reload();
          } catch (e) {
            clear(messages, problem(e, `Training from ${chosen.name}`));
          }
        });
      },
    },
    field('Label file (CSV, JSON Lines, or a JSON request)', file, 'wide'), field('Name', name),
    field('Targets are', target), targets, field('CSV query column', queryColumn), field('CSV targets column', targetsColumn),
    field('Rank', rank), field('Epochs', epochs), field('Activate when it beats the baseline', activate),
    h('div', {}, submit),
    h('p.note.wide', {}, 'The job holds out whole queries, trains, and keeps the adapter only as the identity unless it beats the '
      + 'unadapted search on them; follow it below.')));
}

/** The held-out comparison in one line: the adapted search's nDCG@10 against the plain model's, and the gain. */
function headline(m) {
  const after = m && m.validation && m.validation['nDCG@10'];
  const before = m && m.baseline && m.baseline['nDCG@10'];
  if (typeof after !== 'number' || typeof before !== 'number') return null;
  const gain = after - before;
  return h(`p.headline${gain > 0 ? '.better' : '.worse'}`, {}, `held-out nDCG@10 ${number(after)} with it, ${number(before)} without `
    + `(${gain >= 0 ? '+' : ''}${number(gain)})`);
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
