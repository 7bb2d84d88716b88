// The console's shell: sign-in, navigation by location hash (#/page?param=…), one page module at a time.
import { api, session, can, unrestricted } from './api.js';
import { h, clear, problem, field, busy } from './ui.js';

const pages = {
  overview: () => import('./pages/overview.js'),
  collections: () => import('./pages/collections.js'),
  documents: () => import('./pages/documents.js'),
  search: () => import('./pages/search.js'),
  citations: () => import('./pages/citations.js'),
  apis: () => import('./pages/apis.js'),
  adapters: () => import('./pages/adapters.js'),
  reports: () => import('./pages/reports.js'),
  keys: () => import('./pages/keys.js'),
  document: () => import('./pages/document.js'),
  'dead-letters': () => import('./pages/deadletters.js'),
};

// what each page needs of the key (the gateway refuses the rest): a scope, and for some every collection
const NEEDS = {
  overview: ['admin'], reports: ['admin'], keys: ['admin'], 'dead-letters': ['write', true],
};

function allowed(page) {
  const [scope, all] = NEEDS[page] || ['read'];
  return can(scope) && (!all || unrestricted());
}

/** Where a key lands: the overview for admin keys, else the documents of its collections. */
function home() {
  return allowed('overview') ? 'overview' : 'documents';
}

const main = document.getElementById('main');
let leave = null; // the current page's clean-up (timers)

function route() {
  const [path, query] = (location.hash.replace(/^#\/?/, '') || home()).split('?');
  return { page: pages[path] ? path : home(), params: new URLSearchParams(query || '') };
}

function go(page, params) {
  const q = params ? `?${new URLSearchParams(params)}` : '';
  location.hash = `#/${page}${q}`;
}

let generation = 0; // bumped by every navigation and sign-out: a page still rendering for an older one is dropped

async function show() {
  const mine = ++generation;
  if (leave) { leave(); leave = null; }
  if (!session.key()) return signIn();
  const me = await session.me().catch(() => null); // an older gateway without /api/v1/me: every page is shown
  if (mine !== generation) return;
  document.getElementById('nav').hidden = false;
  document.getElementById('who').hidden = false;
  document.getElementById('who-key').textContent = me
    ? `${me.name} · ${me.may[me.may.length - 1] || 'no scope'}${me.collections ? ` · ${me.collections.join(', ')}` : ''}`
    : `key ${session.key().slice(0, 8)}…`;
  const { page, params } = route();
  for (const a of document.querySelectorAll('#nav a')) {
    const target = a.getAttribute('href').slice(2);
    a.hidden = !allowed(target);
    if (target === page || (page === 'document' && target === 'documents')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!allowed(page)) {
    const [scope, all] = NEEDS[page] || ['read'];
    clear(main, h('h1', {}, 'Not for this key'), h('p', { id: 'not-allowed' },
      `This page needs a key with the ${scope} scope${all ? ' and no collection list' : ''}; this key has `
        + `${me ? `${me.scopes.join(', ') || 'no scope'}${me.collections ? ` and is limited to ${me.collections.join(', ')}` : ''}` : 'other rights'}.`),
      h('p', {}, h('a', { href: `#/${home()}` }, 'Go to what this key can use')));
    return;
  }
  clear(main, h('p.note', {}, 'Loading…'));
  try {
    const module = await pages[page]();
    if (mine !== generation) return;
    // each page renders into a container of its own, so a page overtaken meanwhile leaves nothing on screen
    const root = h('div');
    clear(main, root);
    const cleanup = (await module.render(root, params, { go })) || null;
    if (mine !== generation) {
      if (cleanup) cleanup();
      root.remove();
      return;
    }
    leave = cleanup;
  } catch (e) {
    if (mine === generation) clear(main, problem(e, 'This page failed'));
  }
}

function signIn(message) {
  document.getElementById('nav').hidden = true;
  document.getElementById('who').hidden = true;
  const key = h('input', { id: 'signin-key', name: 'key', type: 'password', autocomplete: 'off', required: true,
    placeholder: 'rag_…', spellcheck: false });
  const submit = h('button.primary', { type: 'submit', id: 'signin-submit' }, 'Sign in');
  const errors = h('div', { 'aria-live': 'polite' }, message ? problem(message, 'Signed out') : null);
  const form = h('form.grid.signin', {
    id: 'signin-form',
    onsubmit: async (event) => {
      event.preventDefault();
      session.signIn(key.value.trim());
      await busy(submit, async () => {
        try {
          // any valid key may ask who it is: this checks the key without naming a collection
          await api('GET', '/api/v1/me', { probe: true });
          show();
        } catch (e) {
          if (e.status === 401) {
            session.signOut();
            clear(errors, problem(e, 'Sign-in failed'));
            key.focus();
          } else {
            show(); // not a refusal of the key (an older gateway, say): the pages will say what works
          }
        }
      });
    },
  }, field('API key (kept in this tab only)', key, 'wide'), h('div', {}, submit));
  clear(main, h('h1', {}, 'Sign in'),
    h('p', {}, 'Use an API key of the gateway. ', h('code', {}, './rag up'),
      ' prints the admin key on its first start; keys with the ', h('code', {}, 'admin'),
      ' scope see every page, others see what their scopes allow.'),
    form, errors);
  key.focus();
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  location.hash = '#/'; // the next key lands where it can work
  show();
});
window.addEventListener('hashchange', show);
// the skip link moves the focus to the page, not the location: with hash routing, #main would be a page of its own
document.querySelector('a.skip').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
// a key that stops working (revoked, expired) sends the user back to sign-in, whichever page made the call
window.addEventListener('rag:unauthorized', (e) => {
  // only the key signed in now: a late answer to a call made with an earlier key changes nothing
  if (!session.key() || e.detail.key !== session.key()) return;
  session.signOut();
  generation++;
  if (leave) { leave(); leave = null; }
  signIn(e.detail.error);
});
show();
