// API keys (the gateway's own /api/v1/admin/keys, admin scope): list, create with scopes and collections (the
// secret is shown once), revoke.
import { api, enc, session } from '../api.js';
import { h, clear, problem, field, table, busy, when } from '../ui.js';

export async function render(main) {
  const name = h('input', { id: 'key-name', required: true, placeholder: 'ci' });
  const scopes = ['read', 'write', 'admin'].map((s) => h('input', { type: 'checkbox', id: `key-scope-${s}`, value: s, defaultChecked: s === 'read' }));
  const collections = h('input', { id: 'key-collections', placeholder: 'kb, docs (empty: every collection)' });
  const expires = h('input', { id: 'key-expires', type: 'date' });
  const submit = h('button.primary', { type: 'submit', id: 'key-create' }, 'Create key');
  const created = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  const form = h('form.grid', { id: 'key-form', onsubmit: async (e) => {
    e.preventDefault();
    await busy(submit, async () => {
      try {
        const body = { name: name.value.trim(), scopes: scopes.filter((s) => s.checked).map((s) => s.value) };
        const cs = collections.value.split(',').map((c) => c.trim()).filter(Boolean);
        if (cs.length) body.collections = cs;
        // a collection that does not exist (a typo?) is said before the key is made; it may be created later
        const unknown = (await Promise.all(cs.map((c) => api('GET', `/api/v1/collections/${enc(c)}`)
          .then(() => null, (err) => (err.status === 404 ? c : null))))).filter(Boolean);
        if (unknown.length && !confirm(`No collection is named ${unknown.join(', ')} (yet). Create the key anyway?`)) {
          clear(created, h('p.note', { role: 'status', id: 'key-unknown-collections' },
            `Not created: ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not a collection.`));
          return;
        }
        if (expires.value) body.expiresAt = new Date(`${expires.value}T00:00:00Z`).toISOString();
        const k = await api('POST', '/api/v1/admin/keys', { json: body });
        const secret = h('output.secret', { id: 'key-secret' }, k.key);
        clear(created, h('div.card', { role: 'status' }, h('p', {}, `Key ${k.name} created. Copy it now: it is shown only this once.`),
          secret, ' ', h('button', { type: 'button', onclick: () => navigator.clipboard && navigator.clipboard.writeText(k.key) }, 'Copy')));
        form.reset();
        await load();
      } catch (err) {
        clear(created, problem(err, 'Create key'));
      }
    });
  } }, field('Name', name),
  h('fieldset', {}, h('legend.note', {}, 'Scopes (write includes read; admin both)'),
    scopes.map((s) => h('label.check', {}, s, s.value))),
  field('Collections (comma-separated; not for admin keys)', collections),
  field('Expires (empty: never)', expires), h('div', {}, submit));

  async function revoke(k, button) {
    if (!confirm(`Revoke key ${k.name} (${k.prefix}…)? Clients using it are refused at once.`)) return;
    // the key of this very session: a second, explicit question, since the console signs out at once
    if (k.id === own && !confirm(`${k.name} is the key this console is signed in with. Revoking it signs you out now. Revoke it?`)) return;
    await busy(button, async () => {
      try {
        await api('DELETE', `/api/v1/admin/keys/${enc(k.id)}`);
        clear(created, h('p.note', { role: 'status' }, `Key ${k.name} revoked.`));
      } catch (err) {
        clear(created, problem(err, `Revoke ${k.name}`));
      }
      await load();
    });
  }

  const me = await session.me().catch(() => null);
  const own = me && me.keyId;
  async function load() {
    try {
      const keys = await api('GET', '/api/v1/admin/keys');
      clear(list, table(['name', 'prefix', 'scopes', 'collections', 'created', 'expires', 'last used', ''], keys.map((k) => h(`tr${k.id === own ? '.own' : ''}`, { dataset: { keyId: k.id } },
        h('td', {}, k.name, k.id === own ? h('strong.badge', { id: 'key-own' }, ' this session') : null), h('td', {}, h('code', {}, `${k.prefix}…`)), h('td', {}, k.scopes.join(', ')),
        h('td', {}, k.collections && k.collections.length ? k.collections.join(', ') : 'all'), h('td', {}, when(k.createdAt)),
        h('td', {}, k.expiresAt ? when(k.expiresAt) : 'never'), h('td', {}, k.lastUsedAt ? when(k.lastUsedAt) : 'never'),
        h('td', {}, h('button.danger', { type: 'button', 'aria-label': `Revoke key ${k.name}`, onclick: (e) => revoke(k, e.currentTarget) }, 'Revoke'))))));
    } catch (err) {
      clear(list, problem(err, 'API keys'));
    }
  }
  main.append(h('h1', {}, 'API keys'), form, created, h('h2', {}, 'Keys'), list);
  await load();
  name.focus();
}
