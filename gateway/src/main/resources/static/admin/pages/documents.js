// Documents of one collection (ingest-service through /api/v1/collections/{c}/documents): upload files with
// progress, status per stage, failed documents with their reason and a retry, delete. The list refreshes itself
// while any document is still in the pipeline.
import { api, upload, enc } from '../api.js';
import { h, clear, problem, field, tableOr, num, busy, statusBadge, when, collectionPicker } from '../ui.js';

const STAGES = ['RECEIVED', 'PARSED', 'CHUNKED', 'EMBEDDED', 'INDEXED'];
const TERMINAL = new Set(['INDEXED', 'FAILED', 'DELETED']);

export async function render(main, params, { go }) {
  const picker = await collectionPicker(api, 'documents-collection', params.get('collection'));
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
    main.append(h('p.note', {}, 'Create a collection first.'));
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
      const bar = h('progress', { max: 1, value: 0, 'aria-label': `upload of ${file.name}` });
      const state = h('span', {}, ' uploading');
      uploads.append(h('li', {}, `${file.name} `, bar, state));
      const data = new FormData();
      data.append('file', file, file.name);
      if (externalId.value.trim() && files.files.length === 1) data.append('externalId', externalId.value.trim());
      if (title.value.trim()) data.append('title', title.value.trim());
      if (metadata.value.trim()) data.append('metadata', metadata.value.trim());
      return upload(base, data, (f) => { bar.value = f; })
        .then((d) => { bar.value = 1; state.textContent = d.unchanged ? ' unchanged (same as the current version)' : ` accepted: ${d.status}`; })
        .catch((e) => { state.replaceWith(problem(e, `Upload of ${file.name}`)); });
    })));
    form.reset();
    await load();
  } },
  field('Files (PDF, DOCX, HTML, Markdown, text…)', files, 'wide'), field('External id', externalId),
  field('Title', title), field('Metadata (JSON object)', metadata), h('div', {}, send));

  const summary = h('p.note', { id: 'documents-summary' });
  const list = h('div', { id: 'documents-list' });
  const messages = h('div', { 'aria-live': 'polite' });
  const refresh = h('button', { type: 'button', id: 'documents-refresh', onclick: () => load() }, 'Refresh');
  const pager = h('div.toolbar');
  let page = Number(params.get('page') || 0);
  main.append(h('h2', {}, `Upload to ${collection}`), form, uploads,
    h('h2', {}, `Documents of ${collection}`), h('div.toolbar', {}, refresh, summary), messages, list, pager);

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
      summary.textContent = `${num(p.total)} documents · ` + Object.entries(p.byStatus || {})
        .map(([s, n]) => `${s.toLowerCase()} ${num(n)}`).join(', ');
      clear(list, tableOr('No documents.', ['document', 'status', 'progress', { label: 'chunks', num: true }, 'type', 'updated', 'actions'],
          p.documents.map((d) => h('tr', { dataset: { documentId: d.documentId, status: d.status } },
            h('td', {}, h('div', {}, d.title || d.fileName || d.externalId || d.documentId),
              h('div.note', {}, `${d.externalId && d.externalId !== d.documentId ? `${d.externalId} · ` : ''}v${d.version} · ${d.documentId}`)),
            h('td', {}, statusBadge(d.status),
              d.status === 'FAILED' ? h('div.problem', {}, h('strong', {}, `failed at ${d.failedStage || '?'}: `),
                d.failureReason || 'no reason recorded', h('div.note', {}, `attempts: ${d.attempts}`)) : null),
            h('td', {}, h('progress', { max: 1, value: d.progress, 'aria-label': `progress of ${d.documentId}` }),
              h('div.note', {}, stageNote(d))),
            h('td.num', {}, d.chunks == null ? '–' : `${num(d.chunksEmbedded)}/${num(d.chunks)}`),
            h('td', {}, d.mediaType || '–', h('div.note', {}, d.sizeBytes ? `${num(d.sizeBytes)} bytes` : '')),
            h('td', {}, when(d.updatedAt)),
            h('td', {},
              d.status === 'FAILED' ? h('button', { type: 'button', 'aria-label': `Retry document ${d.documentId}`, onclick: (e) => act(`Retry ${d.documentId}`, 'POST',
                `${base}/${enc(d.documentId)}:retry`, e.currentTarget) }, 'Retry') : null, ' ',
              d.status !== 'DELETED' ? h('button.danger', { type: 'button', 'aria-label': `Delete document ${d.documentId}`,
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

function stageNote(d) {
  if (d.status === 'FAILED' || d.status === 'DELETED') return d.status.toLowerCase();
  const i = STAGES.indexOf(d.status);
  return STAGES.map((s, j) => (j <= i ? `✓ ${s.toLowerCase()}` : s.toLowerCase())).join(' → ');
}
