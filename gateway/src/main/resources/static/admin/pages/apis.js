// API recommendation playground: POST /api/v1/apis/recommend (llm-adapter). Each API is shown beside its evidence:
// the solved examples that voted for it and the passages of its documentation.
import { api } from '../api.js';
import { h, clear, problem, field, num, busy, jsonField, collectionPicker } from '../ui.js';

export async function render(main, params) {
  const apis = await collectionPicker(api, 'apis-collection', params.get('collection'));
  const examples = h('input', { id: 'apis-examples', placeholder: 'optional: a collection of solved examples' });
  const query = h('textarea', { id: 'apis-query', required: true, rows: 2, placeholder: 'How do I convert a numeric string into an integer?' });
  const mode = h('select', { id: 'apis-mode' }, ['retrieval', 'llm'].map((m) => h('option', { value: m }, m)));
  const topK = h('input', { type: 'number', min: 1, max: 100, value: 5, id: 'apis-topk' });
  const filter = h('input', { id: 'apis-filter', placeholder: '{"titleKey": {"ne": "…"}}' });
  const submit = h('button.primary', { type: 'submit' }, 'Recommend APIs');
  const out = h('div', { 'aria-live': 'polite' });
  main.append(h('h1', {}, 'API recommendation playground'), h('form.grid', { onsubmit: async (e) => {
    e.preventDefault();
    await busy(submit, async () => {
      try {
        const body = { query: query.value, apiCollection: apis.value, mode: mode.value, topK: Number(topK.value || 5) };
        if (examples.value.trim()) body.examplesCollection = examples.value.trim();
        const f = jsonField(filter.value, 'Examples filter');
        if (f !== undefined) body.examplesFilter = f;
        clear(out, view(await api('POST', '/api/v1/apis/recommend', { json: body })));
      } catch (err) {
        clear(out, problem(err, 'API recommendation'));
      }
    });
  } }, field('API collection', apis), field('Examples collection', examples), field('Mode', mode), field('Top k', topK),
  field('Question', query, 'wide'), field('Examples filter (JSON)', filter, 'wide'), h('div', {}, submit)), out);
  query.focus();
}

function view(a) {
  return [
    h('p.note', {}, `mode ${a.mode}${a.model ? ` · model ${a.model}` : ''}`
      + (a.timings ? ` · ${Object.entries(a.timings).map(([k, v]) => `${k} ${num(v, 1)}`).join(', ')}` : '')),
    a.degraded ? h('div.problem', { role: 'alert' }, h('strong', {}, 'Degraded: '), a.reason || 'no reason given') : null,
    a.reasoning ? h('p', {}, h('strong', {}, 'LLM reasoning: '), a.reasoning) : null,
    (a.apis || []).length === 0 ? h('p.note', {}, 'No API recommended.') : null,
    (a.apis || []).map((x) => h('article.result.beside', {},
      h('div', {}, h('strong', {}, `${x.rank}. ${x.api}`), h('div', {}, h('code', {}, x.signature || '')),
        h('div.note', {}, x.summary || ''),
        h('div.note', {}, `score ${num(x.score, 4)} · from ${x.source}`
          + (x.verification ? ` · ${x.verification.status}${x.verification.original ? ` (was ${x.verification.original})` : ''}` : '')),
        x.why ? h('div.note', {}, `why: ${x.why}`) : null),
      h('div', {}, h('div.note', {}, 'Evidence'),
        (x.examples || []).length ? h('ul', {}, x.examples.slice(0, 5).map((ex) => h('li', {},
          ex.title || ex.externalId || JSON.stringify(ex), h('span.note', {}, ` weight ${num(ex.weight, 3)}`)))) : null,
        (x.passages || []).slice(0, 2).map((p) => h('div.passage', {}, h('mark', {}, p.text || ''))),
        !(x.examples || []).length && !(x.passages || []).length ? h('p.note', {}, 'no evidence returned') : null))),
    (a.dropped || []).length ? [h('h2', {}, 'Dropped'), h('ul', {}, a.dropped.map((d) => h('li.note', {},
      typeof d === 'string' ? d : `${d.api}${d.why ? `: ${d.why}` : ''}`)))] : null,
  ];
}
