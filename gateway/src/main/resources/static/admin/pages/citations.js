// Citation playground: POST /api/v1/citations/predict (llm-adapter). Each predicted source is shown beside its
// evidence: the best chunk, marked, and the contexts of the text it answers.
import { api, session } from '../api.js';
import { h, clear, problem, field, num, busy, collectionPicker, documentLink, documentName } from '../ui.js';

export async function render(main, params) {
  const picker = await collectionPicker(api, 'citations-collection', params.get('collection'), session);
  const text = h('textarea', { id: 'citations-text', required: true, rows: 5,
    placeholder: 'A dying declaration is admissible without corroboration [?CITATION?].' });
  const mode = h('select', { id: 'citations-mode' }, ['retrieval', 'llm', 'ensemble'].map((m) => h('option', { value: m }, m)));
  const searchMode = h('select', { id: 'citations-search-mode' }, ['hybrid', 'dense', 'lexical'].map((m) => h('option', { value: m }, m)));
  const topK = h('input', { id: 'citations-topk', type: 'number', min: 1, max: 100, value: 5 });
  const rerank = h('input', { type: 'checkbox', id: 'citations-rerank' });
  const whole = h('input', { type: 'checkbox', id: 'citations-whole' });
  const submit = h('button.primary', { type: 'submit', id: 'citations-submit' }, 'Predict citations');
  const out = h('div', { 'aria-live': 'polite' });
  main.append(h('h1', {}, 'Citation playground'), h('form.grid', { onsubmit: async (e) => {
    e.preventDefault();
    await busy(submit, async () => {
      clear(out, h('p.note.busy', { role: 'status' }, 'Predicting…'));
      try {
        const a = await api('POST', '/api/v1/citations/predict', { json: { collection: picker.value, text: text.value,
          mode: mode.value, searchMode: searchMode.value, topK: Number(topK.value || 5), rerank: rerank.checked,
          wholeText: whole.checked } });
        clear(out, view(a, text.value, picker.value, mode.value));
      } catch (err) {
        clear(out, problem(err, 'Citation prediction'));
      }
    });
  } }, field('Collection', picker), field('Mode', mode), field('Search mode', searchMode), field('Top k', topK),
  field('Text with citation markers ([?CITATION?], [12], (Smith, 2019)) or without', text, 'wide'),
  h('label.check', {}, rerank, 'Rerank'), h('label.check', {}, whole, 'Also search the whole text'), h('div', {}, submit)), out);
  text.focus();
}

function view(a, text, collection, asked) {
  return [
    h('p.note', {}, `mode ${a.mode}${a.model ? ` · model ${a.model}` : ''} · markers found: ${a.markersFound ?? 0}`
      + (a.droppedUnverified ? ` · dropped unverified: ${a.droppedUnverified}` : '')),
    // a fallback is always said: an LLM asked for and failing (degraded), or none configured for the mode asked
    a.degraded ? h('div.problem', { role: 'alert', id: 'citations-fallback' }, h('strong', {}, 'Degraded: '), a.reason || 'no reason given')
      : a.reason || a.mode !== asked ? h('div.problem.fallback', { role: 'status', id: 'citations-fallback' },
        h('strong', {}, `Answered in mode ${a.mode}, not ${asked}: `), a.reason || 'the service did not say why') : null,
    (a.documents || []).length === 0 ? h('p.note', {}, 'No source predicted.') : h('p.note', {},
      'score: the contexts\' rankings fused by reciprocal rank (each context votes 1 / (k + rank) for a source); '
        + 'only the order within one answer means something.'),
    (a.documents || []).map((d) => h('article.result.beside', {},
      h('div', {}, h('strong', {}, `${d.rank}. `, documentLink(collection, d.documentId, documentName(d))),
        h('div.note', {}, `${d.externalId || ''} · score ${num(d.score, 4)} · ${d.verified ? 'verified in the collection' : 'not verified'}`),
        h('div.note', {}, `found by ${(d.sources || []).join(', ')}`),
        (d.supports || []).length ? h('ul', {}, d.supports.map((s) => h('li.note', {},
          `supports context ${s.context + 1}: rank ${s.rank ?? '–'} there${s.chosen ? ', chosen by the LLM' : ''}`))) : null),
      h('div', {}, h('div.note', {}, 'Evidence'), d.evidence
        ? h('div.passage', {}, h('mark', {}, d.evidence.text || ''), h('div.note', {},
          `chunk ${d.evidence.chunkIndex ?? ''} · offsets ${d.evidence.startOffset}–${d.evidence.endOffset}`))
        : h('p.note', {}, 'no evidence chunk')))),
    (a.contexts || []).length ? [h('h2', {}, 'Contexts searched'), h('ol', {}, a.contexts.map((c) => h('li', {},
      h('span.note', {}, `${c.kind}${c.marker ? ` ${c.marker}` : ''}: `), text.slice(c.start, c.end))))] : null,
  ];
}
