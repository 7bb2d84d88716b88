// Collections: list, create and delete (retrieval-service through /api/v1/collections); settings are fixed at
// creation (retrieval-service has no update), so they are shown read-only.
import { api, enc, session, can, unrestricted } from '../api.js';
import { h, clear, problem, field, tableOr, num, busy, when, collectionNames } from '../ui.js';

// the collection's name as retrieval-service takes it (escaped for the v flag browsers compile patterns with)
export const NAME_PATTERN = '[a-z0-9][a-z0-9_\\-]{0,62}';

export async function render(main, params) {
  const messages = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  const details = h('div');
  const name = h('input', { id: 'collection-name', name: 'name', required: true, pattern: NAME_PATTERN,
    placeholder: 'kb', title: 'lower-case letters, digits, - and _ (up to 63), starting with a letter or digit' });
  const model = h('select', { id: 'collection-model', name: 'embeddingModel' },
    h('option', { value: '' }, 'the service default'));
  api('GET', '/api/v1/embeddings/models').then((m) => {
    for (const x of (m && m.data) || []) model.append(h('option', { value: x.id }, x.id));
  }, () => model.append(h('option', { value: '', disabled: true }, '(the model list could not be read)')));
  const distance = h('select', { id: 'collection-distance', name: 'distance' },
    ['cosine', 'l2', 'inner_product'].map((d) => h('option', { value: d }, d)));
  const storage = h('select', { id: 'collection-storage', name: 'storage' },
    ['vector', 'halfvec'].map((d) => h('option', { value: d }, d)));
  const tokens = h('select', { id: 'collection-token-storage', name: 'lateInteraction',
    title: 'token vectors kept at index time, for reranking every search by late interaction in milliseconds' },
    [['binary', 'binary (default: 50 bytes a token)'], ['int8', 'int8 (388 bytes a token)'],
      ['float32', 'float32 (1,536 bytes a token; needs chunks of ≤ 382 tokens)'], ['none', 'none (rerank only through rerank-service)']]
      .map(([v, label]) => h('option', { value: v }, label)));
  const task = h('input', { id: 'collection-task', name: 'defaultTask', placeholder: 'none (the model’s own)' });
  const language = h('input', { id: 'collection-language', name: 'language', placeholder: 'english' });
  const target = h('input', { id: 'collection-target-tokens', type: 'number', min: 16, placeholder: '480' });
  const overlap = h('input', { id: 'collection-overlap-tokens', type: 'number', min: 0, placeholder: '64' });
  const m = h('input', { id: 'collection-hnsw-m', type: 'number', min: 2, placeholder: '16' });
  const ef = h('input', { id: 'collection-hnsw-ef', type: 'number', min: 4, placeholder: '64' });
  const submit = h('button.primary', { type: 'submit', id: 'collection-create' }, 'Create collection');
  const form = h('form.grid', { id: 'collection-form', onsubmit: async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim(), distance: distance.value, storage: storage.value,
      lateInteraction: { storage: tokens.value } };
    if (model.value) body.embeddingModel = model.value;
    if (task.value.trim()) body.defaultTask = task.value.trim();
    if (language.value.trim()) body.language = language.value.trim();
    if (target.value || overlap.value) {
      body.chunking = {};
      if (target.value) body.chunking.targetTokens = Number(target.value);
      if (overlap.value) body.chunking.overlapTokens = Number(overlap.value);
    }
    if (m.value || ef.value) {
      body.hnsw = {};
      if (m.value) body.hnsw.m = Number(m.value);
      if (ef.value) body.hnsw.efConstruction = Number(ef.value);
    }
    await busy(submit, async () => {
      try {
        await api('POST', '/api/v1/collections', { json: body });
        clear(messages, h('p.note', { role: 'status', id: 'collection-created' }, `Collection ${body.name} created.`));
        form.reset();
        await load();
      } catch (e) {
        clear(messages, problem(e, 'Create collection'));
      }
    });
  } },
  field('Name', name, null, 'Lower-case letters, digits, - and _; it cannot be changed later.'),
  field('Embedding model', model, null, 'Turns text into vectors. Every document and query of the collection uses it; '
    + 'an int8 model, where one is served, is faster on a CPU and nearly as good.'),
  field('Distance', distance, null, 'How vectors are compared. Keep cosine unless the model says otherwise.'),
  field('Vector storage', storage, null, 'vector keeps 4 bytes a dimension; halfvec 2, half the disk and memory, '
    + 'with almost the same results.'),
  field('Token vectors (late interaction)', tokens, null, 'Kept per token so that searches are reranked in '
    + 'milliseconds. binary is small and good; none leaves reranking to rerank-service (slower).'),
  field('Default task', task, null, 'The instruction the model gets for this collection\'s searches '
    + '(e.g. qa, icl, convsearch); empty uses the model\'s own.'),
  field('Text search language', language, null, 'How words are cut to their stems for lexical search '
    + '(a PostgreSQL text search configuration: english, german, simple…).'),
  field('Chunk target tokens', target, null, 'How long a chunk is, in the model\'s tokens. Shorter chunks '
    + 'find precise passages; longer ones keep more context.'),
  field('Chunk overlap tokens', overlap, null, 'Tokens two neighbouring chunks share, so a sentence cut in '
    + 'two is still found whole.'),
  field('HNSW m', m, null, 'Links per vector in the search graph. More finds more of the true nearest chunks, '
    + 'at the cost of memory and indexing time.'),
  field('HNSW ef_construction', ef, null, 'How hard the graph is built. More gives a better graph and slower '
    + 'indexing; searches are not slower.'),
  h('div', {}, submit));

  const filter = h('input', { id: 'collections-filter', type: 'search', placeholder: 'name or model', 'aria-label': 'Filter collections' });
  const sort = h('select', { id: 'collections-sort', 'aria-label': 'Sort collections' },
    [['name', 'by name'], ['created', 'newest first'], ['documents', 'most documents'], ['size', 'largest first']]
      .map(([v, label]) => h('option', { value: v }, label)));
  let rows = [];
  filter.addEventListener('input', () => draw());
  sort.addEventListener('change', () => draw());
  main.append(h('h1', {}, 'Collections'));
  if (can('write') && unrestricted()) main.append(h('details', { open: !params.get('collection') }, h('summary.heading', {}, 'New collection'), form));
  main.append(messages, h('h2', {}, 'Collections'), h('div.toolbar', {}, filter, sort), list, details);

  async function showDetails(c) {
    try {
      const s = await api('GET', `/api/v1/collections/${enc(c)}`);
      const lexical = await api('GET', `/api/v1/collections/${enc(c)}/lexical-index`).catch(() => null);
      const rows = [['embedding model', s.embeddingModel], ['dimensions', s.dimensions], ['distance', s.distance],
        ['storage', s.storage], ['default task', s.defaultTask], ['language', s.language],
        ['chunking', s.chunking ? `${s.chunking.targetTokens} tokens, overlap ${s.chunking.overlapTokens}` : '–'],
        ['HNSW', s.hnsw ? `m ${s.hnsw.m}, ef_construction ${s.hnsw.efConstruction}` : '–'],
        ['documents', num(s.documents)], ['chunks', num(s.chunks)],
        ['size', s.sizeBytes == null ? '–' : `${num(s.sizeBytes / 1048576, 1)} MB`],
        ['token vectors', !s.lateInteraction || s.lateInteraction.storage === 'none' ? 'none (searches rerank only through rerank-service)'
          : `${s.lateInteraction.storage}, ${num((s.lateInteraction.sizeBytes || 0) / 1048576, 1)} MB (searches are reranked over them by default)`
            + (s.lateInteraction.missingChunks ? `; ${num(s.lateInteraction.missingChunks)} of ${num(s.chunks)} chunks still being encoded` : '')],
        ['lexical index', lexicalIndex(lexical)],
        ['created', when(s.createdAt)]];
      const keep = can('write') && (!s.lateInteraction || s.lateInteraction.storage === 'none')
        ? h('button', { id: 'collection-keep-tokens', type: 'button', onclick: async (event) => {
          await busy(event.target, async () => {
            try {
              await api('PUT', `/api/v1/collections/${enc(c)}/late-interaction`, { json: { storage: 'binary' } });
              await showDetails(c);
            } catch (e) {
              clear(messages, problem(e, `Token vectors for ${c}`));
            }
          });
        } }, 'Keep binary token vectors (computes them for every chunk, in the background)') : null;
      clear(details, h('section', { 'aria-label': `Settings of ${c}` }, h('h2', { tabindex: -1, id: 'collection-details' }, `Settings of ${c}`),
        h('dl.settings', {}, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '–')])),
        h('p.note', {}, 'Settings are fixed when a collection is created; token vectors can be added later.'), keep));
      details.querySelector('h2').focus();
    } catch (e) {
      clear(details, problem(e, `Collection ${c}`));
    }
  }

  /** The answering replica's lexical index: its state, and how far behind PostgreSQL it may be. */
  function lexicalIndex(x) {
    if (!x) return '–';
    if (x.state === 'disabled') return 'off (lexical searches compute BM25 in SQL)';
    if (x.state !== 'ready') return 'building (lexical searches compute BM25 in SQL until it is ready)';
    const behind = x.collectionChunks !== x.chunks ? `; ${num(x.collectionChunks)} in the database` : '';
    return `${num(x.chunks)} chunks, ${num((x.sizeBytes || 0) / 1048576, 1)} MB; caught up ${num(x.lagSeconds, 1)} s ago`
      + `${behind} (searches read their own writes)`;
  }

  async function remove(c, button) {
    if (!confirm(`Delete collection ${c} and all its chunks? This cannot be undone.`)) return;
    await busy(button, async () => {
      try {
        await api('DELETE', `/api/v1/collections/${enc(c)}`);
        clear(messages, h('p.note', { role: 'status' }, `Collection ${c} deleted.`));
        clear(details);
        await load();
      } catch (e) {
        clear(messages, problem(e, `Delete ${c}`));
      }
    });
  }

  /** The list as filtered and sorted now. */
  function draw() {
    const q = filter.value.trim().toLowerCase();
    const by = {
      name: (a, b) => a.name.localeCompare(b.name),
      created: (a, b) => String(b.createdAt).localeCompare(String(a.createdAt)),
      documents: (a, b) => b.documents - a.documents,
      size: (a, b) => (b.sizeBytes || 0) - (a.sizeBytes || 0),
    }[sort.value];
    const shown = rows.filter((c) => !q || c.name.includes(q) || String(c.embeddingModel).toLowerCase().includes(q)).sort(by);
    clear(list, tableOr(rows.length ? `No collection matches “${filter.value}”.` : 'No collections yet.',
      ['name', 'model', { label: 'dims', num: true }, 'distance', { label: 'documents', num: true },
          { label: 'chunks', num: true }, { label: 'size', num: true }, 'created', 'actions'], shown.map((c) => h('tr', { dataset: { collection: c.name } },
          h('td', {}, h('button.link', { type: 'button', onclick: () => showDetails(c.name) }, c.name)),
          h('td', {}, c.embeddingModel), h('td.num', {}, c.dimensions), h('td', {}, c.distance),
          h('td.num', {}, num(c.documents)), h('td.num', {}, num(c.chunks)),
          h('td.num', {}, c.sizeBytes == null ? '–' : `${num(c.sizeBytes / 1048576, 1)} MB`), h('td', {}, when(c.createdAt)),
          h('td', {}, h('a', { href: `#/documents?collection=${enc(c.name)}` }, 'Documents'), ' · ',
            h('a', { href: `#/search?collection=${enc(c.name)}` }, 'Search'), ' · ',
            h('a', { href: `#/adapters?collection=${enc(c.name)}` }, 'Adapters'),
            can('write') ? [' · ', h('button.danger', { type: 'button', onclick: (e) => remove(c.name, e.currentTarget),
              'aria-label': `Delete collection ${c.name}` }, 'Delete')] : null)))),
      shown.length !== rows.length ? h('p.note', {}, `${shown.length} of ${rows.length} collections shown.`) : null);
  }

  async function load() {
    try {
      if (unrestricted()) {
        rows = (await api('GET', '/api/v1/collections')).collections;
      } else {
        // a key limited to some collections may not list them all: each of its own is read
        const names = await collectionNames(api, session);
        rows = (await Promise.all(names.map((n) => api('GET', `/api/v1/collections/${enc(n)}`).catch(() => null)))).filter(Boolean);
      }
      draw();
    } catch (e) {
      clear(list, problem(e, 'Collections'));
    }
  }
  await load();
  if (params.get('collection')) showDetails(params.get('collection'));
  else if (can('write') && unrestricted()) name.focus();
}
