// Overview: GET /api/v1/admin/overview (the gateway reads each service's health, retrieval's collections, ingest's
// statuses per collection and both services' Prometheus metrics). Throughput is the change of ingest-service's
// counters between two refreshes of this page.
import { api } from '../api.js';
import { h, clear, problem, table, tableOr, num, statusBadge } from '../ui.js';

const EVERY_MS = 5000;

export async function render(main) {
  const body = h('div', { 'aria-live': 'polite' });
  const refresh = h('button', { type: 'button', id: 'overview-refresh' }, 'Refresh now');
  const auto = h('input', { type: 'checkbox', id: 'overview-auto', checked: true });
  main.append(h('h1', {}, 'Overview'),
    h('div.toolbar', {}, refresh, h('label.check', {}, auto, `refresh every ${EVERY_MS / 1000} s`)), body);
  let previous = null;
  let timer = null;

  async function load() {
    try {
      const o = await api('GET', '/api/v1/admin/overview');
      clear(body, view(o, previous));
      previous = o;
    } catch (e) {
      clear(body, problem(e, 'Overview'));
    }
  }
  function schedule() {
    clearInterval(timer);
    if (auto.checked) timer = setInterval(load, EVERY_MS);
  }
  refresh.addEventListener('click', load);
  auto.addEventListener('change', schedule);
  await load();
  schedule();
  return () => clearInterval(timer);
}

/**
 * A section of the overview: its heading, then what {@code body} makes of the section's value and the section's
 * detail (what could not be read) — or, when nothing could be read, why.
 */
function section(title, s, body, what = title) {
  return [h('h2', {}, title), s.available
    ? [body(s.value), s.detail ? h('p.note', {}, s.detail) : null]
    : h('p.note', {}, `${what} not available: ${s.detail || 'unknown reason'}`)];
}

function view(o, previous) {
  const parts = [];
  parts.push(h('h2', {}, 'Services'), table(['service', 'health', { label: 'answered in ms', num: true }, 'detail'],
    o.services.map((s) => h('tr', {}, h('td', {}, s.name), h('td', {}, statusBadge(s.status)),
      h('td.num', {}, num(s.millis)), h('td', {}, s.detail || '')))));

  const failedNow = o.collections.available
    ? o.collections.value.reduce((t, c) => t + ((c.byStatus || {}).FAILED || 0), 0) : null;
  parts.push(...section('Ingest', o.ingest, (i) => {
    const p = previous && previous.ingest.available ? previous.ingest.value : null;
    const seconds = p ? (Date.parse(o.at) - Date.parse(previous.at)) / 1000 : 0;
    const rate = (now, before) => (seconds > 0 ? (now - before) / seconds : null);
    const docRate = p ? rate(i.documentsEmbedded, p.documentsEmbedded) : null;
    const chunkRate = p ? rate(i.chunks, p.chunks) : null;
    return [h('div.cards', {},
      card('documents/s', docRate === null ? 'measuring…' : num(docRate, 2), 'embedded, since the last refresh'),
      card('chunks/s', chunkRate === null ? 'measuring…' : num(chunkRate, 1), 'since the last refresh'),
      card('documents embedded', num(i.documentsEmbedded), 'since ingest-service started'),
      card('documents failed now', failedNow === null ? '–' : num(failedNow), 'FAILED in the collections listed below (their sum)'),
      card('failures since start', num(i.documentsFailed), 'each failed attempt, retries too, since ingest-service started: '
        + 'dead-lettered to rag.documents.v1-dlt or rag.documents.interactive.v1-dlt'),
      card('chunks', num(i.chunks), 'since ingest-service started'),
      card('mean time per document', i.meanDocumentSeconds == null ? '–' : `${num(i.meanDocumentSeconds, 2)} s`, 'parse → embedded')),
    Object.keys(i.indexerEvents || {}).length
      ? h('p.note', {}, 'retrieval-service chunk batches: ',
        Object.entries(i.indexerEvents).map(([k, v]) => `${k} ${num(v)}`).join(', '))
      : null];
  }, 'Ingest counters'));

  parts.push(...section('Consumer lag', o.consumerLag, (lags) => tableOr('No consumer has reported its lag yet.',
    ['service', 'topic', { label: 'records behind', num: true }],
    lags.map((l) => h('tr', {}, h('td', {}, l.service), h('td', {}, l.topic), h('td.num', {}, num(l.lag)))))));

  parts.push(...section('Dead letters', o.deadLetters, (topics) => tableOr('No service reports its dead-letter topic.',
    ['service', 'topic', { label: 'records', num: true }],
    topics.map((d) => h('tr', {}, h('td', {}, d.service), h('td', {}, h('a', { href: `#/dead-letters?topic=${encodeURIComponent(d.topic)}` }, d.topic)),
      h('td.num', {}, d.records === null ? 'unreadable' : num(d.records)))),
    'poison records kept with their reason (header kafka_dlt-exception-message), counted on the broker')));

  const statuses = ['RECEIVED', 'PARSED', 'CHUNKED', 'EMBEDDED', 'INDEXED', 'FAILED'];
  parts.push(...section('Collections', o.collections, (collections) => tableOr('No collections yet.',
    ['collection', { label: 'documents', num: true }, { label: 'chunks', num: true },
      ...statuses.map((s) => ({ label: s.toLowerCase(), num: true }))],
    collections.map((c) => h('tr', {},
      h('td', {}, h('a', { href: `#/documents?collection=${encodeURIComponent(c.name)}` }, c.name)),
      h('td.num', {}, num(c.documents)), h('td.num', {}, num(c.chunks)),
      statuses.map((s) => h('td.num', {}, c.byStatus ? num(c.byStatus[s] || 0) : '–')))),
    'documents and chunks: searchable now (retrieval-service); per status: the documents ingest-service tracks, '
      + 'deleted ones left out')));
  parts.push(h('p.note', {}, `Read at ${new Date(o.at).toLocaleTimeString()}.`));
  return parts;
}

function card(label, value, note) {
  return h('div.card', {}, h('div.note', {}, label), h('div.value', {}, value), h('div.note', {}, note));
}
