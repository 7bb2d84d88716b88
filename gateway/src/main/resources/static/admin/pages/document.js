// One document: its metadata and status history (ingest-service), its parsed text with every chunk marked at its
// offsets, and the chunks listed beside (retrieval-service, GET …/documents/{id}/chunks). Search results, citations
// and the documents list link here.
import { api, enc, can, traceLink } from '../api.js';
import { h, clear, problem, table, num, busy, statusBadge, when, duration, documentName } from '../ui.js';
import { progressOf, stageNote } from './documents.js';

const PAGE = 200; // chunks read per call
const MAX_TEXT = 400_000; // characters of text shown with their chunks; the rest is cut with a note

export async function render(main, params, { go }) {
  const collection = params.get('collection');
  const id = params.get('id');
  if (!collection || !id) {
    main.append(h('h1', {}, 'Document'), h('p.note', {}, 'Open a document from the Documents page or a search result.'));
    return null;
  }
  const base = `/api/v1/collections/${enc(collection)}/documents/${enc(id)}`;
  let d;
  try {
    d = await api('GET', base);
  } catch (e) {
    main.append(h('h1', {}, 'Document'), problem(e, `Document ${id}`));
    return null;
  }
  const name = documentName(d);
  const messages = h('div', { 'aria-live': 'polite' });
  const actions = h('div.toolbar', {},
    h('a', { href: `#/documents?collection=${enc(collection)}` }, `← Documents of ${collection}`),
    can('write') && d.status === 'FAILED' ? h('button', { type: 'button', id: 'document-retry', onclick: (e) => act('Retry', 'POST', `${base}:retry`, e.currentTarget) }, 'Retry') : null,
    can('write') && d.status !== 'DELETED' ? h('button.danger', { type: 'button', id: 'document-delete',
      onclick: (e) => confirm(`Delete ${name} from search?`) && act('Delete', 'DELETE', base, e.currentTarget) }, 'Delete') : null);
  main.append(h('h1', { id: 'document-title', tabindex: -1 }, name), actions, messages);

  async function act(label, method, path, button) {
    await busy(button, async () => {
      try {
        await api(method, path);
        go('document', { collection, id, done: label.toLowerCase() });
      } catch (e) {
        clear(messages, problem(e, label));
      }
    });
  }
  if (params.get('done')) messages.append(h('p.note', { role: 'status' }, `${params.get('done')}: done.`));

  const facts = [['status', [statusBadge(d.status), ' ', progressOf(d), h('span.note', {}, ` ${stageNote(d)}`)]],
    d.status === 'FAILED' ? ['failure', h('span.problem', {}, `at ${d.failedStage}: ${d.failureReason || 'no reason recorded'}`)] : null,
    ['document id', h('code', {}, d.documentId)], ['external id', d.externalId], ['version', d.version],
    ['file', d.fileName || '–'], ['type', d.mediaType], ['size', `${num(d.sizeBytes)} bytes`],
    ['chunks', d.chunks == null ? '–' : `${num(d.chunksEmbedded)} of ${num(d.chunks)} embedded`],
    ['attempts', d.attempts], ['source', d.source],
    // the trace of the upload (or record) of this version: gateway, ingest, embedding and retrieval, to INDEXED
    ['trace', d.traceId ? (traceLink(d.traceId)
      ? h('a', { id: 'document-trace', href: traceLink(d.traceId), target: '_blank', rel: 'noopener' }, h('code', {}, d.traceId))
      : h('code', { id: 'document-trace' }, d.traceId)) : '–'],
    ['received', when(d.createdAt)], ['updated', when(d.updatedAt)], ['indexed', when(d.indexedAt)],
    ['metadata', Object.keys(d.metadata || {}).length ? h('code', {}, JSON.stringify(d.metadata)) : '–']].filter(Boolean);
  main.append(h('section', { 'aria-label': 'Document facts' },
    h('dl.settings', { id: 'document-facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '–')]))));

  const history = h('div', { id: 'document-history' });
  const textView = h('div', { id: 'document-text' });
  main.append(h('h2', {}, 'Status history'), history, h('h2', {}, 'Text and chunks'), textView);
  const [steps, text, chunks] = await Promise.all([
    api('GET', `${base}/history`).catch((e) => e),
    d.status === 'DELETED' ? Promise.resolve(null) : api('GET', `${base}/text`, { as: 'text' }).catch((e) => e),
    d.status === 'DELETED' ? Promise.resolve([]) : readChunks(collection, id).catch((e) => e),
  ]);
  clear(history, steps instanceof Error ? problem(steps, 'Status history') : historyTable(steps));
  if (d.status === 'DELETED') {
    clear(textView, h('p.note', {}, 'Deleted: its text and chunks are erased.'));
  } else if (text instanceof Error) {
    clear(textView, h('p.note', {}, `No text: ${text.message}`));
  } else {
    // chunks of another version (the indexed one, while a new version is on its way) point into another text
    const all = chunks instanceof Error ? [] : chunks;
    const current = all.filter((c) => c.version === d.version);
    clear(textView, chunks instanceof Error ? problem(chunks, 'Chunks') : null,
      current.length < all.length ? h('p.note', { id: 'document-other-version' }, `${num(all.length - current.length)} chunks `
        + `of version ${all.find((c) => c.version !== d.version).version} are still in search; they are not marked in this version's text.`) : null,
      textWithChunks(text, current));
  }
  main.querySelector('h1').focus();
  return null;
}

/** Every chunk of the indexed version, in order. */
async function readChunks(collection, id) {
  const all = [];
  for (let from = 0; ; from += PAGE) {
    let page;
    try {
      page = await api('GET', `/api/v1/collections/${enc(collection)}/documents/${enc(id)}/chunks?from=${from}&size=${PAGE}`);
    } catch (e) {
      if (e.status === 404 && from === 0) return []; // not indexed yet
      throw e;
    }
    all.push(...page.chunks);
    if (page.chunks.length < PAGE || all.length >= page.total) return all;
  }
}

function historyTable(steps) {
  if (!steps.length) return h('p.note', {}, 'No status recorded.');
  return table(['when', 'version', 'status', { label: 'after', num: true }, 'detail'], steps.map((s, i) => h('tr', {},
    h('td', {}, when(s.at)), h('td', {}, `v${s.version}`), h('td', {}, statusBadge(s.status)),
    h('td.num', {}, i === 0 ? '–' : duration((Date.parse(s.at) - Date.parse(steps[i - 1].at)) / 1000)),
    h('td', {}, s.status === 'FAILED' ? `failed at ${s.failedStage}: ${s.failureReason || ''}` : s.attempts > 1 ? `attempt ${s.attempts}` : ''))));
}

/**
 * The text cut at every chunk boundary: each piece marked with the chunk(s) holding it (alternating shades; the
 * overlap of two chunks darker), and the chunk list beside, each entry jumping to its place in the text.
 */
function textWithChunks(text, chunks) {
  const shown = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  const fits = chunks.filter((c) => c.startOffset >= 0 && c.endOffset <= text.length && c.startOffset < c.endOffset);
  const cuts = new Set([0, shown.length]);
  for (const c of fits) {
    if (c.startOffset < shown.length) cuts.add(c.startOffset);
    if (c.endOffset < shown.length) cuts.add(c.endOffset);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  const anchored = new Set();
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const holders = fits.filter((c) => c.startOffset <= from && c.endOffset >= to);
    const piece = shown.slice(from, to);
    if (!holders.length) { pieces.push(piece); continue; }
    const first = holders[0];
    const attrs = { class: `chunk chunk-${first.chunkIndex % 2 ? 'odd' : 'even'}${holders.length > 1 ? ' overlap' : ''}`,
      title: `chunk ${holders.map((c) => c.chunkIndex).join(' and ')}`, dataset: { chunk: holders.map((c) => c.chunkIndex).join(' ') } };
    if (!anchored.has(first.chunkIndex)) { attrs.id = `chunk-${first.chunkIndex}`; anchored.add(first.chunkIndex); }
    pieces.push(h('span', attrs, piece));
  }
  const list = h('ol.chunks', { id: 'document-chunks', start: 0 }, fits.map((c) => h('li', { value: c.chunkIndex },
    h('button.link', { type: 'button', onclick: () => {
      const el = document.getElementById(`chunk-${c.chunkIndex}`);
      if (el) { el.scrollIntoView({ block: 'center' }); el.classList.add('focus'); setTimeout(() => el.classList.remove('focus'), 1500); }
    } }, `chunk ${c.chunkIndex}`),
    h('span.note', {}, ` ${c.startOffset}–${c.endOffset} · ${num(c.tokenCount)} tokens`),
    h('div.note', {}, c.text.length > 160 ? `${c.text.slice(0, 160)}…` : c.text))));
  const missing = chunks.length - fits.length;
  return [
    h('p.note', {}, `${num(text.length)} characters; ${num(chunks.length)} chunks indexed, each marked in the text where its offsets point`
      + (missing ? `; ${missing} do not fit this version's text` : '') + (shown !== text ? `; the first ${num(MAX_TEXT)} characters are shown` : '') + '.'),
    h('div.document-view', {}, h('div.passage.document-text', {}, pieces), h('div', {}, h('h3', {}, 'Chunks'), list)),
  ];
}
