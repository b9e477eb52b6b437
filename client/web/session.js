// session.js: who is logged in. The session is the HttpOnly cookie set by
// POST /auth/login; the app never sees or stores the token.
import { get, post, setUnauthorizedHandler } from './api.js';
import { t } from './i18n.js';
import { set, navigate, getState } from './store.js';
import { live } from './live.js';

const staffRoles = ['employee', 'supervisor', 'entity_admin'];
export const isStaff = (u) => !!u && staffRoles.includes(u.role);
export const can = (u, perm) => !!u && (u.permissions || []).includes(perm);

// home is where a user lands after logging in.
export function home(u) {
  if (!u) return '/';
  if (u.must_change_password) return '/password';
  if (u.role === 'citizen') return '/cases';
  if (u.role === 'platform_admin') return '/entities';
  return '/queue';
}

// loadMe asks the server who the cookie belongs to, and (dis)connects the
// live client accordingly.
export async function loadMe() {
  try {
    const { user } = await get('/me');
    set({ user, ready: true });
    if (user.must_change_password) live.stop(); // the socket refuses them until then
    else live.start();
    return user;
  } catch {
    set({ user: null, ready: true });
    live.stop();
    return null;
  }
}

export async function login(loginName, password) {
  const { user } = await post('/auth/login', { login: loginName, password });
  live.stop();
  set({ user });
  if (!user.must_change_password) live.start();
  return user;
}

export async function logout() {
  try { await post('/auth/logout'); } catch { /* ended already */ }
  live.stop();
  set({ user: null });
  navigate('/');
}

setUnauthorizedHandler(() => {
  if (getState().user) {
    live.stop();
    set({ user: null, flash: { kind: 'error', text: t('session.ended') } });
    navigate('/login', { replace: true });
  }
});
