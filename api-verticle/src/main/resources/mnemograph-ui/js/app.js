// The shell: sign-in, navigation between the views (hash routes), and a status line.
import { call, session, whenRefused } from './api.js';
import { fill } from './dom.js';
import { status, timing } from './status.js';
import * as memories from './memories.js';
import * as search from './search.js';
import * as workspace from './workspace.js';

const $ = (id) => document.getElementById(id);
const view = $('view');

const routes = [
  [/^#\/memories$/, () => memories.list(view)],
  [/^#\/memory\/(.+)$/, (id) => memories.detail(view, decodeURIComponent(id))],
  [/^#\/search$/, () => search.show(view)],
  [/^#\/graph$/, async () => (await import('./graph.js')).show(view)],
  [/^#\/workspace$/, () => workspace.show(view)],
];

async function route() {
  if (!session.key()) return;
  const hash = location.hash || '#/memories';
  for (const [pattern, render] of routes) {
    const m = hash.match(pattern);
    if (m) {
      for (const a of document.querySelectorAll('#nav a')) {
        const current = hash.startsWith('#/' + a.dataset.view) || (a.dataset.view === 'memories' && hash.startsWith('#/memory/'));
        if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
      }
      status('');
      fill(view);
      try {
        await render(...m.slice(1));
      } catch (e) {
        if (e.status !== 401) status(e.message, true);
      }
      return;
    }
  }
  location.hash = '#/memories';
}

function showSignedIn(signedIn) {
  $('sign-in').hidden = signedIn;
  $('nav').hidden = !signedIn;
  view.hidden = !signedIn;
  if (!signedIn) {
    fill(view);
    status('');
    $('api-key').value = '';
    $('api-key').focus();
  }
}

function signOut(message = '') {
  session.signOut();
  showSignedIn(false);
  $('sign-in-error').textContent = message;
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = $('api-key').value.trim();
  timing.signInAt = performance.now();
  $('sign-in-error').textContent = '';
  try {
    await call('GET', '/workspace', undefined, key);
  } catch (e) {
    $('sign-in-error').textContent = e.status === 401
      ? 'That key was not accepted: ' + e.message + ' Check that you pasted the whole key and that it is not revoked.'
      : 'Could not sign in: ' + e.message;
    return;
  }
  session.signIn(key);
  $('api-key').value = '';
  showSignedIn(true);
  if (location.hash) route(); else location.hash = '#/memories';   // the hash change routes
});

$('sign-out').addEventListener('click', () => signOut('Signed out.'));
whenRefused(() => signOut('The service no longer accepts this key; sign in again.'));
window.addEventListener('hashchange', route);

showSignedIn(Boolean(session.key()));
route();
