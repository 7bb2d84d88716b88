// Search playground: POST /api/v1/search (retrieval-service). Each matched passage is shown in its document's parsed
// text (GET /api/v1/collections/{c}/documents/{id}/text, ingest-service), marked at its startOffset/endOffset.
import { api, enc } from '../api.js';
import { h, clear, problem, field, table, num, busy, jsonField, collectionPicker } from '../ui.js';

const CONTEXT = 240; // characters of the document shown around a passage

export async function render(main, params) {
  const picker = await collectionPicker(api, 'search-collection', params.get('collection'));
  const query = h('textarea', { id: 'search-query', required: true, rows: 2, placeholder: 'how do I reset my password' });
  const mode = h('select', { id: 'search-mode' }, ['hybrid', 'dense', 'lexical'].map((m) => h('option', { value: m }, m)));
  const task = h('input', { id: 'search-task', placeholder: 'collection default' });
  const topK = h('input', { id: 'search-topk', type: 'number', min: 1, max: 100, value: 5 });
  const filter = h('textarea', { id: 'search-filter', rows: 2, placeholder: '{"lang": "en"}' });
  const rerank = h('select', { id: 'search-rerank',
    title: 'by default a collection that stores token vectors reranks every search over them (milliseconds)' },
    [['default', 'default (stored token vectors, if any)'], ['on', 'on (else through rerank-service: seconds)'], ['off', 'off']]
      .map(([v, label]) => h('option', { value: v }, label)));
  const rerankTopN = h('input', { id: 'search-rerank-topn', type: 'number', min: 1, max: 1000, placeholder: '100 stored, 50 service' });
  const adapter = h('input', { id: 'search-adapter', placeholder: 'active one' });
  const submit = h('button.primary', { type: 'submit', id: 'search-submit' }, 'Search');
  const out = h('div', { id: 'search-results', 'aria-live': 'polite' });
  const form = h('form.grid', { id: 'search-form', onsubmit: async (event) => {
    event.preventDefault();
    await busy(submit, async () => {
      try {
        const body = { collection: picker.value, query: query.value, mode: mode.value, topK: Number(topK.value || 5) };
        if (task.value.trim()) body.task = task.value.trim();
        const f = jsonField(filter.value, 'Filter');
        if (f !== undefined) body.filter = f;
        if (rerank.value !== 'default' || rerankTopN.value) {
          body.rerank = { enabled: rerank.value !== 'off', ...(rerankTopN.value ? { topN: Number(rerankTopN.value) } : {}) };
        }
        if (adapter.value.trim()) body.adapter = adapter.value.trim();
        const answer = await api('POST', '/api/v1/search', { json: body });
        clear(out, await results(body.collection, answer));
      } catch (e) {
        clear(out, problem(e, 'Search'));
      }
    });
  } },
  field('Collection', picker), field('Mode', mode), field('Task', task), field('Top k', topK),
  field('Query', query, 'wide'), field('Filter (JSON over chunk metadata)', filter, 'wide'),
  field('Rerank', rerank), field('Rerank top n', rerankTopN), field('Adapter (id or none)', adapter),
  h('div', {}, submit));
  main.append(h('h1', {}, 'Search playground'), form, out);
  query.focus();
  // Ctrl+Enter in the query searches
  query.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit(); });
}

async function results(collection, answer) {
  const t = answer.timings || {};
  const stages = ['embedMs', 'denseMs', 'lexicalMs', 'rerankMs', 'totalMs'];
  const flags = [`exact scan: ${answer.exact ? 'yes' : 'no'}`, `adapter: ${answer.adapter ?? 'none'}`];
  if (answer.reranked !== undefined && answer.reranked !== null) {
    flags.push(`reranked: ${answer.reranked ? `yes, by ${answer.reranker}` : 'no'}`);
  }
  const texts = new Map(); // documentId → Promise of its parsed text
  const items = await Promise.all((answer.results || []).map(async (r, i) => {
    let passage;
    try {
      if (!texts.has(r.documentId)) {
        texts.set(r.documentId, api('GET', `/api/v1/collections/${enc(collection)}/documents/${enc(r.documentId)}/text`, { as: 'text' }));
      }
      passage = highlighted(await texts.get(r.documentId), r);
    } catch (e) {
      passage = [h('div.passage', {}, h('mark', {}, r.text)),
        h('p.note', {}, `The document's text could not be read (${e.message}); the chunk is shown alone.`)];
    }
    return h('article.result', { dataset: { documentId: r.documentId } },
      h('header', {}, h('strong', {}, `${i + 1}. ${r.title || r.externalId || r.documentId}`),
        h('span.note', {}, `${r.externalId ? `${r.externalId} · ` : ''}chunk ${r.chunkIndex} · v${r.version} · offsets ${r.startOffset}–${r.endOffset}`),
        h('span', {}, `score ${num(r.score, 4)}`),
        h('span.note', {}, Object.entries(r.scores || {}).map(([k, v]) => `${k} ${num(v, 4)}${(r.ranks || {})[k] != null ? ` (#${r.ranks[k]})` : ''}`).join(' · '))),
      passage);
  }));
  return [
    h('h2', {}, `${(answer.results || []).length} results`),
    table(stages.map((s) => ({ label: s.replace('Ms', ' ms'), num: true })),
      [h('tr', { id: 'search-timings' }, stages.map((s) => h('td.num', {}, num(t[s], 1))))], 'per-stage timings'),
    h('p.note', {}, flags.join(' · ')),
    answer.rerankError ? h('div.problem', { role: 'alert' }, h('strong', {}, 'Rerank skipped: '), answer.rerankError) : null,
    answer.rerankNote ? h('p.note', { id: 'search-rerank-note' }, `Stored token vectors not used: ${answer.rerankNote}.`) : null,
    items.length ? items : h('p.note', {}, 'Nothing matched.'),
  ];
}

/** The passage marked at its offsets, with some of the document's text around it. */
function highlighted(text, r) {
  const start = r.startOffset;
  const end = r.endOffset;
  if (start == null || end == null || start < 0 || end > text.length || start >= end) {
    return [h('div.passage', {}, h('mark', {}, r.text)),
      h('p.note', {}, 'The offsets do not fit the current version of the document; the chunk is shown alone.')];
  }
  const from = Math.max(0, start - CONTEXT);
  const to = Math.min(text.length, end + CONTEXT);
  return h('div.passage', {}, from > 0 ? '…' : '', text.slice(from, start), h('mark', {}, text.slice(start, end)),
    text.slice(end, to), to < text.length ? '…' : '');
}
