// Search playground: POST /api/v1/search (retrieval-service). Each matched passage is shown in its document's parsed
// text (GET /api/v1/collections/{c}/documents/{id}/text, ingest-service), marked at its startOffset/endOffset.
import { api, enc, session } from '../api.js';
import { h, clear, problem, field, table, num, busy, jsonField, collectionPicker, termMarker, documentLink, documentName } from '../ui.js';

const CONTEXT = 240; // characters of the document shown around a passage
const HISTORY = 'rag.console.search-history';
const KEEP = 10; // queries kept in the tab's history

/** The queries searched in this tab, newest first: {collection, query, mode}. */
function history() {
  try { return JSON.parse(sessionStorage.getItem(HISTORY)) || []; } catch { return []; }
}

function remember(entry) {
  const rest = history().filter((x) => x.query !== entry.query || x.collection !== entry.collection || x.mode !== entry.mode);
  sessionStorage.setItem(HISTORY, JSON.stringify([entry, ...rest].slice(0, KEEP)));
}

export async function render(main, params) {
  const picker = await collectionPicker(api, 'search-collection', params.get('collection'), session);
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
  const past = h('div', { id: 'search-history' });
  function showHistory() {
    const list = history();
    clear(past, list.length ? [h('span.note', {}, 'Recent: '), list.map((x) => h('button.link.recent', { type: 'button',
      title: `${x.mode} search in ${x.collection}`, onclick: () => {
        if ([...(picker.options || [])].some((o) => o.value === x.collection) || picker.tagName === 'INPUT') picker.value = x.collection;
        picker.dispatchEvent(new Event('change')); // kept as the tab's collection, as a choice by hand is
        mode.value = x.mode;
        query.value = x.query;
        form.requestSubmit();
      } }, x.query.length > 60 ? `${x.query.slice(0, 60)}…` : x.query))] : null);
  }
  const form = h('form.grid', { id: 'search-form', onsubmit: async (event) => {
    event.preventDefault();
    await busy(submit, async () => {
      // the old results go at once: what is on screen is always the answer to what the form says
      out.setAttribute('aria-busy', 'true');
      clear(out, h('p.note.busy', { id: 'search-busy', role: 'status' }, `Searching ${picker.value}…`));
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
        remember({ collection: body.collection, query: body.query, mode: body.mode });
        showHistory();
        clear(out, await results(body.collection, body.query, answer));
      } catch (e) {
        clear(out, problem(e, 'Search'));
      } finally {
        out.removeAttribute('aria-busy');
      }
    });
  } },
  field('Collection', picker), field('Mode', mode), field('Task', task), field('Top k', topK),
  field('Query', query, 'wide'), field('Filter (JSON over chunk metadata)', filter, 'wide'),
  field('Rerank', rerank), field('Rerank top n', rerankTopN), field('Adapter (id or none)', adapter),
  h('div', {}, submit));
  main.append(h('h1', {}, 'Search playground'), form, past, out);
  showHistory();
  query.focus();
  // Ctrl+Enter in the query searches
  query.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit(); });
}

/** What the score of a result means, for the mode the answer was computed in. */
function scoreMeaning(answer) {
  if (answer.reranked) {
    return `score: the reranker's (${answer.reranker}) relevance of the chunk to the query; higher is better.`;
  }
  switch (answer.mode) {
    case 'hybrid': return 'score: reciprocal rank fusion, the sum of 1 / (k + rank) over the dense and lexical rankings '
      + 'the chunk is in (its #rank in each is shown; k is 60 unless configured); only the order within one search means something.';
    case 'lexical': return 'score: BM25 of the query\'s words in the chunk (as PostgreSQL analyses them); higher is better, '
      + 'not comparable across queries.';
    default: return 'score: similarity of the chunk\'s vector to the query\'s (cosine: 1 is identical); higher is better.';
  }
}

async function results(collection, query, answer) {
  const t = answer.timings || {};
  const stages = ['embedMs', 'denseMs', 'lexicalMs', 'rerankMs', 'totalMs'];
  const flags = [`exact scan: ${answer.exact ? 'yes' : 'no'}`, `adapter: ${answer.adapter ?? 'none'}`];
  if (answer.reranked !== undefined && answer.reranked !== null) {
    flags.push(`reranked: ${answer.reranked ? `yes, by ${answer.reranker}` : 'no'}`);
  }
  const mark = termMarker(query);
  const texts = new Map(); // documentId → Promise of its parsed text
  const items = await Promise.all((answer.results || []).map(async (r, i) => {
    let passage;
    try {
      if (!texts.has(r.documentId)) {
        texts.set(r.documentId, api('GET', `/api/v1/collections/${enc(collection)}/documents/${enc(r.documentId)}/text`, { as: 'text' }));
      }
      passage = highlighted(await texts.get(r.documentId), r, mark);
    } catch (e) {
      passage = [h('div.passage', {}, h('span.hit', {}, mark(r.text))),
        h('p.note', {}, `The document's text could not be read (${e.message}); the chunk is shown alone.`)];
    }
    return h('article.result', { dataset: { documentId: r.documentId } },
      h('header', {}, h('strong', {}, `${i + 1}. `, documentLink(collection, r.documentId, documentName(r))),
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
    h('p.note', { id: 'search-score-meaning' }, scoreMeaning(answer)),
    answer.rerankError ? h('div.problem', { role: 'alert' }, h('strong', {}, 'Rerank skipped: '), answer.rerankError) : null,
    answer.rerankNote ? h('p.note', { id: 'search-rerank-note' }, `Stored token vectors not used: ${answer.rerankNote}.`) : null,
    items.length ? items : h('p.note', {}, 'Nothing matched.'),
  ];
}

/**
 * The passage at its offsets (shaded), with some of the document's text around it; the query's words marked in
 * both.
 */
function highlighted(text, r, mark) {
  const start = r.startOffset;
  const end = r.endOffset;
  if (start == null || end == null || start < 0 || end > text.length || start >= end) {
    return [h('div.passage', {}, h('span.hit', {}, mark(r.text))),
      h('p.note', {}, 'The offsets do not fit the current version of the document; the chunk is shown alone.')];
  }
  const from = Math.max(0, start - CONTEXT);
  const to = Math.min(text.length, end + CONTEXT);
  return h('div.passage', {}, from > 0 ? '…' : '', mark(text.slice(from, start)),
    h('span.hit', { title: `chunk ${r.chunkIndex}` }, mark(text.slice(start, end))),
    mark(text.slice(end, to)), to < text.length ? '…' : '');
}
