// Dead letters: the records of the dead-letter topics (ingest-service reads them from the broker, GET
// /api/v1/dead-letters), newest first, each with the reason it was set aside; Replay sends one back to its topic
// once it can succeed (the collection created, the file fixed upstream). Write scope and a key without a collection
// list: the records name any collection.
import { api, enc } from '../api.js';
import { h, clear, problem, field, tableOr, num, busy, when, documentLink, documentName } from '../ui.js';

export async function render(main, params, { go }) {
  const topic = h('select', { id: 'dead-letters-topic' }, h('option', { value: '' }, 'every dead-letter topic'));
  const chosen = params.get('topic') || '';
  const messages = h('div', { 'aria-live': 'polite' });
  const list = h('div', { id: 'dead-letters-list' });
  main.append(h('h1', {}, 'Dead letters'),
    h('p.note', {}, 'Records a consumer could not process, set aside with the reason. Fix the cause, then Replay: the '
      + 'record goes back to its topic once (a second replay sends nothing), and the consumers take it as new.'),
    h('form.toolbar', { onsubmit: (e) => { e.preventDefault(); go('dead-letters', topic.value ? { topic: topic.value } : {}); } },
      field('Topic', topic), h('button', { type: 'submit' }, 'Show')), messages, list);

  async function replay(r, button) {
    await busy(button, async () => {
      try {
        const x = await api('POST', `/api/v1/dead-letters/${enc(r.topic)}/${r.partition}/${r.offset}:replay`);
        clear(messages, h('p.note', { role: 'status', id: 'dead-letter-replayed' }, x.replayed
          ? `Record ${r.id} sent back to ${x.sentTo}.`
          : `Record ${r.id} was replayed before (${when(x.at)}); nothing was sent.`));
      } catch (e) {
        clear(messages, problem(e, `Replay of ${r.id}`));
      }
      await load();
    });
  }

  async function load() {
    try {
      const q = new URLSearchParams({ limit: 100 });
      if (chosen) q.set('topic', chosen);
      const page = await api('GET', `/api/v1/dead-letters?${q}`);
      if (topic.options.length === 1) {
        for (const t of page.topics) topic.append(h('option', { value: t, selected: t === chosen }, t));
      }
      clear(list, tableOr('No dead letters: every record was processed.', ['record', 'when', 'document', 'reason', ''],
        page.records.map((r) => h('tr', { dataset: { deadLetter: r.id, key: r.key || '' } },
          h('td', {}, h('code', {}, r.id), h('div.note', {}, `back to ${r.originalTopic} · ${num(r.bytes)} bytes`)),
          h('td', {}, when(r.timestamp)),
          h('td', {}, r.collection ? [r.documentId ? documentLink(r.collection, r.documentId, documentName(r))
            : (r.title || r.fileName || r.externalId || '–'), h('div.note', {}, `collection ${r.collection}${r.externalId ? ` · ${r.externalId}` : ''}`)]
            : h('span.note', {}, r.key ? `key ${r.key}` : 'not a document record')),
          h('td', {}, h('div.problem', {}, r.reason || 'no reason recorded'), r.exception ? h('div.note', {}, r.exception) : null),
          h('td', {}, r.replayedAt ? h('span.note', {}, `replayed ${when(r.replayedAt)}`)
            : h('button', { type: 'button', 'aria-label': `Replay ${r.id}`, onclick: (e) => replay(r, e.currentTarget) }, 'Replay'))))));
    } catch (e) {
      clear(list, problem(e, 'Dead letters'));
    }
  }
  await load();
  return null;
}
