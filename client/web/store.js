// store.js: the one small store of the app's shared state (who is logged
// in, the language and digit choice, the current path, a flash message).
// Screens read it with useStore and change it with set; everything else is
// local to a screen.
import { useEffect, useState } from './html.js';

const state = {
  user: null,        // the /me user, or null when logged out
  ready: false,      // /me has answered once
  path: location.pathname + location.search,
  flash: null,       // {kind: 'ok'|'error', text}
  prefs: 0,          // bumped when the language or the digits change
};
const listeners = new Set();

export function getState() { return state; }

export function set(patch) {
  Object.assign(state, patch);
  for (const fn of listeners) fn(state);
}

export function useStore() {
  const [, force] = useState(0);
  useEffect(() => {
    const fn = () => force((n) => n + 1);
    listeners.add(fn);
    fn(); // a change between the first render and this effect is not lost
    return () => listeners.delete(fn);
  }, []);
  return state;
}

// navigate changes the page without a reload (history API).
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  set({ path, flash: replace ? state.flash : null });
  window.scrollTo(0, 0);
}

addEventListener('popstate', () => set({ path: location.pathname + location.search }));

// Links inside the app navigate without a reload.
document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a[href]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
  const href = a.getAttribute('href');
  if (!href.startsWith('/') || href.startsWith('/api/') || a.hasAttribute('download') || a.target) return;
  ev.preventDefault();
  navigate(href);
});
