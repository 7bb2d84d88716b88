// Documents of one collection (ingest-service through /api/v1/collections/{c}/documents): upload files with
// progress, status per stage, failed documents with their reason and a retry, delete. The list refreshes itself
// while any document is still in the pipeline.
import { api, upload, enc, session, can } from '../api.js';
import { h, clear, problem, field, tableOr, num, busy, statusBadge, when, collectionPicker, documentLink, documentName, duration } from '../ui.js';

const STAGES = ['RECEIVED', 'PARSED', 'CHUNKED', 'EMBEDDED', 'INDEXED'];
const TERMINAL = new Set(['INDEXED', 'FAILED', 'DELETED']);

export async function render(main, params, { go }) {
  const picker = await collectionPicker(api, 'documents-collection', params.get('collection'), session);
  const statusFilter = h('select', { id: 'documents-status' },
    h('option', { value: '' }, 'any status'), [...STAGES, 'FAILED', 'DELETED'].map((s) => h('option', { value: s, selected: params.get('status') === s }, s)));
  const show = h('button', { type: 'submit' }, 'Show');
  const chooser = h('form.toolbar', { onsubmit: (e) => {
    e.preventDefault();
    const p = { collection: picker.value };
    if (statusFilter.value) p.status = statusFilter.value;
    go('documents', p);
  } }, field('Collection', picker), field('Status', statusFilter), show);
  main.append(h('h1', {}, 'Documents'), chooser);
  const collection = params.get('collection') || picker.value;
  if (!collection) {
    main.append(h('p.note', { id: 'documents-none' }, can('write')
      ? 'No collection yet: create one on the Collections page first.'
      : 'This key sees no collection yet; ask an administrator for one.'));
    return null;
  }
  session.choose(collection);
  // a collection deleted (or never created) has no documents to show, whatever ingest-service still remembers
  try {
    await api('GET', `/api/v1/collections/${enc(collection)}`);
  } catch (e) {
    main.append(problem(e, `Collection ${collection}`));
    return null;
  }
  const base = `/api/v1/collections/${enc(collection)}/documents`;

  const files = h('input', { id: 'upload-file', type: 'file', multiple: true, required: true });
  const externalId = h('input', { id: 'upload-external-id', placeholder: 'optional; one file only' });
  const title = h('input', { id: 'upload-title', placeholder: 'optional' });
  const metadata = h('input', { id: 'upload-metadata', placeholder: '{"lang": "en"}' });
  const send = h('button.primary', { type: 'submit', id: 'upload-submit' }, 'Upload');
  const uploads = h('ul', { id: 'uploads', 'aria-live': 'polite' });
  const form = h('form.grid', { id: 'upload-form', onsubmit: async (event) => {
    event.preventDefault();
    await busy(send, () => Promise.all([...files.files].map((file) => {
      const data = new FormData();
      data.append('file', file, file.name);
      if (externalId.value.trim() && files.files.length === 1) data.append('externalId', externalId.value.trim());
      if (title.value.trim()) data.append('title', title.value.trim());
      if (metadata.value.trim()) data.append('metadata', metadata.value.trim());
      return send1(file, data, true);
    })));
    form.reset();
    await load();
  } },
  field('Files (PDF, DOCX, HTML, Markdown, text…)', files, 'wide'), field('External id', externalId),
  field('Title', title), field('Metadata (JSON object)', metadata), h('div', {}, send));

  /**
   * One file: first with duplicates=refuse, so that the same content already in the collection is shown with an
   * "Upload anyway" that sends it again without the check.
   */
  function send1(file, data, check, item) {
    const bar = h('progress', { max: 1, value: 0, 'aria-label': `upload of ${file.name}` });
    const state = h('span', {}, ' uploading');
    const li = h('li', { dataset: { file: file.name } }, `${file.name} `, bar, state);
    if (item) item.replaceWith(li); else uploads.append(li);
    return upload(check ? `${base}?duplicates=refuse` : base, data, (f) => { bar.value = f; })
      .then((d) => {
        bar.value = 1;
        clear(state, d.unchanged ? ' unchanged (same as the current version) · ' : ` accepted: ${d.status} · `,
          documentLink(collection, d.documentId, 'open'));
      })
      .catch((e) => {
        const same = e.status === 409 && e.problem && e.problem.duplicates;
        if (!same) { state.replaceWith(problem(e, `Upload of ${file.name}`)); return; }
        bar.remove();
        clear(state, h('div.problem.duplicate', { role: 'alert' }, h('strong', {}, 'Already in the collection: '),
          same.map((x, i) => [i ? ', ' : '', documentLink(collection, x.documentId, x.name), ` (${x.status})`]),
          '. ', h('button', { type: 'button', class: 'upload-anyway', onclick: () => send1(file, data, false, li) }, 'Upload anyway'),
          ' (a second document with the same content)'));
      })
      .finally(() => { if (!check) load(); });
  }

  const summary = h('p.note', { id: 'documents-summary' });
  const list = h('div', { id: 'documents-list' });
  const messages = h('div', { 'aria-live': 'polite' });
  const refresh = h('button', { type: 'button', id: 'documents-refresh', onclick: () => load() }, 'Refresh');
  const pager = h('div.toolbar');
  let page = Number(params.get('page') || 0);
  if (can('write')) main.append(h('h2', {}, `Upload to ${collection}`), form, uploads);
  main.append(h('h2', {}, `Documents of ${collection}`), h('div.toolbar', {}, refresh, summary), messages, list, pager);

  let timer = null;
  let stopped = false; // left: an answer still on its way must not start polling again
  async function act(label, method, path, button) {
    await busy(button, async () => {
      try {
        await api(method, path);
        clear(messages, h('p.note', { role: 'status' }, `${label}: done.`));
      } catch (e) {
        clear(messages, problem(e, label));
      }
      await load();
    });
  }

  async function load() {
    clearTimeout(timer);
    const q = new URLSearchParams({ page, size: 20 });
    if (params.get('status')) q.set('status', params.get('status'));
    try {
      const p = await api('GET', `${base}?${q}`);
      // deleted documents are listed only when asked for, and never counted with the others
      const by = p.byStatus || {};
      const live = Object.entries(by).filter(([st]) => st !== 'DELETED');
      const count = live.reduce((t, [, n]) => t + n, 0);
      summary.textContent = `${num(count)} document${count === 1 ? '' : 's'}`
        + (live.length ? ` · ${live.map(([st, n]) => `${st.toLowerCase()} ${num(n)}`).join(', ')}` : '')
        + (by.DELETED ? ` · ${num(by.DELETED)} deleted, not counted (status filter: DELETED)` : '');
      clear(list, tableOr('No documents.', ['document', 'status', 'progress', { label: 'chunks', num: true }, 'type', 'updated', 'actions'],
          p.documents.map((d) => h('tr', { dataset: { documentId: d.documentId, status: d.status } },
            h('td', {}, h('div', {}, documentLink(collection, d.documentId, documentName(d))),
              h('div.note', {}, `${d.externalId && d.externalId !== d.documentId ? `${d.externalId} · ` : ''}v${d.version} · ${d.documentId}`)),
            h('td', {}, statusBadge(d.status),
              d.status === 'FAILED' ? h('div.problem', {}, h('strong', {}, `failed at ${d.failedStage || '?'}: `),
                d.failureReason || 'no reason recorded', h('div.note', {}, `attempts: ${d.attempts}`)) : null),
            h('td', {}, progressOf(d), h('div.note', {}, stageNote(d))),
            h('td.num', {}, d.chunks == null || d.status === 'DELETED' ? '–' : `${num(d.chunksEmbedded)}/${num(d.chunks)}`),
            h('td', {}, d.mediaType || '–', h('div.note', {}, d.sizeBytes ? `${num(d.sizeBytes)} bytes` : '')),
            h('td', {}, when(d.updatedAt)),
            h('td', {}, !can('write') ? '–' : null,
              can('write') && d.status === 'FAILED' ? h('button', { type: 'button', 'aria-label': `Retry document ${d.documentId}`, onclick: (e) => act(`Retry ${d.documentId}`, 'POST',
                `${base}/${enc(d.documentId)}:retry`, e.currentTarget) }, 'Retry') : null, ' ',
              can('write') && d.status !== 'DELETED' ? h('button.danger', { type: 'button', 'aria-label': `Delete document ${d.documentId}`,
                onclick: (e) => confirm('Delete this document from search?') && act(`Delete ${d.documentId}`, 'DELETE',
                  `${base}/${enc(d.documentId)}`, e.currentTarget) }, 'Delete') : null)))));
      const pages = Math.max(1, Math.ceil(p.total / 20));
      clear(pager,
        h('button', { type: 'button', disabled: page === 0, onclick: () => { page--; load(); } }, 'Previous'),
        h('span.note', {}, `page ${page + 1} of ${pages}`),
        h('button', { type: 'button', disabled: page + 1 >= pages, onclick: () => { page++; load(); } }, 'Next'));
      if (p.documents.some((d) => !TERMINAL.has(d.status)) && !stopped) timer = setTimeout(load, 1500);
    } catch (e) {
      clear(list, problem(e, `Documents of ${collection}`));
    }
  }
  await load();
  return () => { stopped = true; clearTimeout(timer); };
}

/** A bar of how far the version got: none for a deleted one, stopped (and marked) where a failed one failed. */
export function progressOf(d) {
  if (d.status === 'DELETED') return null;
  return h(`progress${d.status === 'FAILED' ? '.failed' : ''}`, { max: 1, value: d.progress,
    'aria-label': `progress of ${d.documentId}: ${d.status === 'FAILED' ? `failed at ${d.failedStage}` : d.status.toLowerCase()}` });
}

export function stageNote(d) {
  if (d.status === 'DELETED') return 'deleted: out of search';
  if (d.status === 'FAILED') return `stopped at ${d.failedStage || '?'}`;
  if (d.status === 'RECEIVED' && d.waitingBehind != null) {
    return `waiting: ${d.waitingBehind === 0 ? 'next in the queue' : `behind ${num(d.waitingBehind)} document${d.waitingBehind === 1 ? '' : 's'}`}`
      + (d.estimatedWaitSeconds != null ? `, about ${duration(d.estimatedWaitSeconds)}` : ', no estimate yet (nothing parsed in the last 5 min)');
  }
  const i = STAGES.indexOf(d.status);
  return STAGES.map((s, j) => (j <= i ? `✓ ${s.toLowerCase()}` : s.toLowerCase())).join(' → ');
}
