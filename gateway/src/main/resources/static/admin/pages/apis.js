// API recommendation playground: POST /api/v1/apis/recommend (llm-adapter). Each API is shown beside its evidence:
// the solved examples that voted for it and the passages of its documentation (the answer gives their chunks'
// places; their text is read from retrieval-service, GET /api/v1/collections/{c}/documents/{id}/chunks/{index}).
import { api, enc, session } from '../api.js';
import { h, clear, problem, field, num, busy, jsonField, collectionPicker } from '../ui.js';

const PASSAGES = 2; // documentation passages shown per API

export async function render(main, params) {
  const apis = await collectionPicker(api, 'apis-collection', params.get('collection'), session);
  const examples = h('input', { id: 'apis-examples', placeholder: 'optional: a collection of solved examples' });
  const query = h('textarea', { id: 'apis-query', required: true, rows: 2, placeholder: 'How do I convert a numeric string into an integer?' });
  const mode = h('select', { id: 'apis-mode' }, ['retrieval', 'llm'].map((m) => h('option', { value: m }, m)));
  const topK = h('input', { type: 'number', min: 1, max: 100, value: 5, id: 'apis-topk' });
  const filter = h('input', { id: 'apis-filter', placeholder: '{"titleKey": {"ne": "…"}}' });
  const submit = h('button.primary', { type: 'submit', id: 'apis-submit' }, 'Recommend APIs');
  const out = h('div', { id: 'apis-results', 'aria-live': 'polite' });
  const form = h('form.grid', { id: 'apis-form', onsubmit: async (e) => {
    e.preventDefault();
    await busy(submit, async () => {
      clear(out, h('p.note.busy', { role: 'status' }, 'Recommending…'));
      try {
        const body = { query: query.value, apiCollection: apis.value, mode: mode.value, topK: Number(topK.value || 5) };
        if (examples.value.trim()) body.examplesCollection = examples.value.trim();
        const f = jsonField(filter.value, 'Examples filter');
        if (f !== undefined) body.examplesFilter = f;
        const answer = await api('POST', '/api/v1/apis/recommend', { json: body });
        clear(out, view(answer, await passageTexts(body.apiCollection, answer), body.mode));
      } catch (err) {
        clear(out, problem(err, 'API recommendation'));
      }
    });
  } }, field('API collection', apis), field('Examples collection', examples), field('Mode', mode), field('Top k', topK),
  field('Question', query, 'wide'), field('Examples filter (JSON)', filter, 'wide'), h('div', {}, submit));
  main.append(h('h1', {}, 'API recommendation playground'), form, out);
  query.focus();
  // Ctrl+Enter in the question asks, as in the search playground
  query.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit(); });
}

/** The text of every passage shown (the answer has only their places): documentId/chunkIndex → text or an error. */
async function passageTexts(collection, a) {
  const texts = new Map();
  for (const x of a.apis || []) {
    for (const p of (x.passages || []).slice(0, PASSAGES)) {
      const k = `${p.documentId}/${p.chunkIndex}`;
      if (!texts.has(k)) {
        texts.set(k, api('GET', `/api/v1/collections/${enc(collection)}/documents/${enc(p.documentId)}/chunks/${enc(p.chunkIndex)}`)
          .then((c) => ({ text: c.text }), (e) => ({ error: e })));
      }
    }
  }
  const values = await Promise.all(texts.values());
  return new Map([...texts.keys()].map((k, i) => [k, values[i]]));
}

function view(a, texts, asked) {
  const top = Math.max(0, ...(a.apis || []).map((x) => x.score || 0));
  return [
    h('p.note', {}, `mode ${a.mode}${a.model ? ` · model ${a.model}` : ''}`
      + (a.timings ? ` · ${Object.entries(a.timings).map(([k, v]) => `${k} ${num(v, 1)}`).join(', ')}` : '')),
    a.degraded ? h('div.problem', { role: 'alert', id: 'apis-fallback' }, h('strong', {}, 'Degraded: '), a.reason || 'no reason given')
      : a.reason || (asked && a.mode !== asked) ? h('div.problem.fallback', { role: 'status', id: 'apis-fallback' },
        h('strong', {}, `Answered in mode ${a.mode}, not ${asked}: `), a.reason || 'the service did not say why') : null,
    (a.apis || []).length ? h('p.note', { id: 'apis-score-meaning' }, 'score: the solved examples\' votes and the documentation '
      + 'matches fused by reciprocal rank; small numbers by nature, so each is also shown as a share of the first\'s. '
      + 'APIs the LLM named come first whatever their score.') : null,
    a.reasoning ? h('p', {}, h('strong', {}, 'LLM reasoning: '), a.reasoning) : null,
    (a.apis || []).length === 0 ? h('p.note', {}, 'No API recommended.') : null,
    (a.apis || []).map((x) => h('article.result.beside', { dataset: { api: x.api } },
      h('div', {}, h('strong', {}, `${x.rank}. ${x.api}`), h('div', {}, h('code', {}, x.signature || '')),
        h('div.note', {}, x.summary || ''),
        h('div.note', {}, `score ${num(x.score, 4)}${top > 0 ? ` (${num(100 * (x.score || 0) / top, 0)} % of the first)` : ''} · from ${x.source}`
          + (x.verification ? ` · ${x.verification.status}${x.verification.original ? ` (was ${x.verification.original})` : ''}` : '')),
        x.why ? h('div.note', {}, `why: ${x.why}`) : null),
      h('div', {}, h('div.note', {}, 'Evidence'),
        (x.examples || []).length ? h('ul.examples', {}, x.examples.slice(0, 5).map((ex) => h('li', {},
          ex.title || ex.externalId || JSON.stringify(ex), h('span.note', {}, ` weight ${num(ex.weight, 3)}`)))) : null,
        (x.passages || []).slice(0, PASSAGES).map((p) => passage(p, texts.get(`${p.documentId}/${p.chunkIndex}`))),
        !(x.examples || []).length && !(x.passages || []).length ? h('p.note', {}, 'no evidence returned') : null))),
    (a.dropped || []).length ? [h('h2', {}, 'Dropped'), h('ul', { id: 'apis-dropped' }, a.dropped.map((d) => h('li.note', {},
      typeof d === 'string' ? d : `${d.api}${d.source ? ` (named by ${d.source})` : ''}${d.why ? `: ${d.why}` : ''}`
        + (d.reason ? ` — ${d.reason}` : ''))))] : null,
  ];
}

function passage(p, t) {
  const where = h('div.note', {}, `${p.externalId || p.documentId} · chunk ${p.chunkIndex} · offsets ${p.startOffset}–${p.endOffset}`
    + ` · found by ${p.search} search · score ${num(p.score, 4)}`);
  if (!t || t.error) {
    return h('div.passage', {}, where, h('p.note', {}, `The passage's text could not be read (${t && t.error ? t.error.message : 'not asked'}).`));
  }
  return h('div.passage', {}, h('mark', {}, t.text), where);
}
