// Overview: GET /api/v1/admin/overview (the gateway reads each service's health, retrieval's collections, ingest's
// statuses per collection and both services' Prometheus metrics). Throughput is the change of ingest-service's
// counters between two refreshes of this page.
import { api } from '../api.js';
import { h, clear, problem, table, num, statusBadge } from '../ui.js';

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

function unavailable(section, what) {
  return h('p.note', {}, `${what} not available: ${section.detail || 'unknown reason'}`);
}

function view(o, previous) {
  const parts = [];
  parts.push(h('h2', {}, 'Services'), table(['service', 'health', { label: 'answered in ms', num: true }, 'detail'],
    o.services.map((s) => h('tr', {}, h('td', {}, s.name), h('td', {}, statusBadge(s.status)),
      h('td.num', {}, num(s.millis)), h('td', {}, s.detail || '')))));

  parts.push(h('h2', {}, 'Ingest'));
  if (o.ingest.available) {
    const i = o.ingest.value;
    const seconds = previous && previous.ingest.available ? (Date.parse(o.at) - Date.parse(previous.at)) / 1000 : 0;
    const rate = (now, before) => (seconds > 0 && before !== null ? (now - before) / seconds : null);
    const p = previous && previous.ingest.available ? previous.ingest.value : null;
    const docRate = p ? rate(i.documentsEmbedded, p.documentsEmbedded) : null;
    const chunkRate = p ? rate(i.chunks, p.chunks) : null;
    parts.push(h('div.cards', {},
      card('documents/s', docRate === null ? 'measuring…' : num(docRate, 2), 'embedded, since the last refresh'),
      card('chunks/s', chunkRate === null ? 'measuring…' : num(chunkRate, 1), 'since the last refresh'),
      card('documents embedded', num(i.documentsEmbedded), 'since ingest-service started'),
      card('documents failed', num(i.documentsFailed), 'dead-lettered to rag.documents.v1-dlt, since start'),
      card('chunks', num(i.chunks), 'since ingest-service started'),
      card('mean time per document', i.meanDocumentSeconds == null ? '–' : `${num(i.meanDocumentSeconds, 2)} s`, 'parse → embedded')),
      Object.keys(i.indexerEvents || {}).length
        ? h('p.note', {}, 'retrieval-service chunk batches: ',
          Object.entries(i.indexerEvents).map(([k, v]) => `${k} ${num(v)}`).join(', '))
        : null);
  } else {
    parts.push(unavailable(o.ingest, 'Ingest counters'));
  }

  parts.push(h('h2', {}, 'Consumer lag'));
  if (o.consumerLag.available) {
    parts.push(o.consumerLag.value.length
      ? table(['service', 'topic', { label: 'records behind', num: true }],
        o.consumerLag.value.map((l) => h('tr', {}, h('td', {}, l.service), h('td', {}, l.topic), h('td.num', {}, num(l.lag)))))
      : h('p.note', {}, 'No consumer has reported its lag yet.'));
    if (o.consumerLag.detail) parts.push(h('p.note', {}, o.consumerLag.detail));
  } else {
    parts.push(unavailable(o.consumerLag, 'Consumer lag'));
  }

  parts.push(h('h2', {}, 'Dead letters'));
  if (o.deadLetters.available) {
    parts.push(o.deadLetters.value.length
      ? table(['service', 'topic', { label: 'records', num: true }],
        o.deadLetters.value.map((d) => h('tr', {}, h('td', {}, d.service), h('td', {}, d.topic),
          h('td.num', {}, d.records === null ? 'unreadable' : num(d.records)))),
        'poison records kept with their reason (header kafka_dlt-exception-message), counted on the broker')
      : h('p.note', {}, 'No service reports its dead-letter topic.'));
    if (o.deadLetters.detail) parts.push(h('p.note', {}, o.deadLetters.detail));
  } else {
    parts.push(unavailable(o.deadLetters, 'Dead letters'));
  }

  parts.push(h('h2', {}, 'Collections'));
  if (o.collections.available) {
    const statuses = ['RECEIVED', 'PARSED', 'CHUNKED', 'EMBEDDED', 'INDEXED', 'FAILED', 'DELETED'];
    parts.push(o.collections.value.length
      ? table(['collection', { label: 'documents', num: true }, { label: 'chunks', num: true },
        ...statuses.map((s) => ({ label: s.toLowerCase(), num: true }))],
      o.collections.value.map((c) => h('tr', {},
        h('td', {}, h('a', { href: `#/documents?collection=${encodeURIComponent(c.name)}` }, c.name)),
        h('td.num', {}, num(c.documents)), h('td.num', {}, num(c.chunks)),
        statuses.map((s) => h('td.num', {}, c.byStatus ? num(c.byStatus[s] || 0) : '–')))),
      'documents and chunks: searchable now (retrieval-service); per status: every version ingest-service knows, '
        + 'failed ones are the dead letters')
      : h('p.note', {}, 'No collections yet.'));
  } else {
    parts.push(unavailable(o.collections, 'Collections'));
  }
  parts.push(h('p.note', {}, `Read at ${new Date(o.at).toLocaleTimeString()}.`));
  return parts;
}

function card(label, value, note) {
  return h('div.card', {}, h('div.note', {}, label), h('div.value', {}, value), h('div.note', {}, note));
}
