// main.js: the app's shell (header, navigation, language and digit
// switches) and its router. Each screen is one module under screens/.
import { html, render, useEffect } from './html.js';
import { isStaff, home, loadMe, logout } from './session.js';
import { t, lang, setLang, applyDocument, digitsChoice, setDigits } from './i18n.js';
import { useStore, set, navigate, getState } from './store.js';
import { Spinner } from './components.js';
import { Welcome, Login } from './screens/login.js';
import { Register } from './screens/register.js';
import { Forgot } from './screens/forgot.js';
import { MyCases } from './screens/cases.js';
import { NewCase } from './screens/newcase.js';
import { CaseScreen } from './screens/case.js';
import { Queue } from './screens/queue.js';
import { Admin } from './screens/admin.js';
import { Entities } from './screens/entities.js';
import { Notifications } from './screens/notifications.js';
import { ChangePassword } from './screens/password.js';
import { Guide, ServicePage } from './screens/guide.js';
import { Meetings } from './screens/meetings.js';
import { MeetingRoom } from './screens/meeting_room.js';
import { Account, unverified } from './screens/account.js';
import { Dashboard, mayOpen } from './screens/dashboard.js';

function Header({ user }) {
  const other = lang() === 'ar' ? 'en' : 'ar';
  const links = [];
  if (user && !user.must_change_password) {
    if (user.role === 'citizen') {
      links.push(['/cases', t('nav.my_cases')], ['/cases/new', t('nav.new_case')]);
    }
    if (isStaff(user) || user.role === 'oversight') links.push(['/queue', t('nav.queue')]);
    if (mayOpen(user)) links.push(['/dashboard', t('nav.dashboard')]);
    if (user.role === 'entity_admin' || user.role === 'platform_admin') links.push(['/admin', t('nav.admin')]);
    if (user.role === 'platform_admin') links.push(['/entities', t('nav.entities')]);
    if (user.role !== 'citizen') links.push(['/meetings', t('nav.meetings')]);
    links.push(['/notifications', t('nav.notifications')]);
  }
  links.push(['/guide', t('nav.guide')]);
  const path = getState().path.split('?')[0];
  return html`<header class="top">
    <a class="skip" href="#main">${t('nav.skip')}</a>
    <div class="bar">
      <a class="brand" href="/"><span class="logo" aria-hidden="true">ج</span> ${t('app.name')}</a>
      <div class="prefs">
        <button type="button" class="link-button" lang=${other} onClick=${() => { setLang(other); set({ prefs: getState().prefs + 1 }); }}>
          ${other === 'en' ? 'English' : 'العربية'}
        </button>
        <label class="digits">
          <span class="visually-hidden">${t('prefs.digits')}</span>
          <select aria-label=${t('prefs.digits')} value=${digitsChoice()}
            onChange=${(e) => { setDigits(e.target.value); set({ prefs: getState().prefs + 1 }); }}>
            <option value="auto" selected=${digitsChoice() === 'auto'}>${t('prefs.digits_auto')}</option>
            <option value="arab" selected=${digitsChoice() === 'arab'}>٠١٢٣</option>
            <option value="latn" selected=${digitsChoice() === 'latn'}>0123</option>
          </select>
        </label>
        ${user && html`<a class="who" href="/account" title=${t('nav.account')}>${user.name}</a>
          <button type="button" class="link-button" onClick=${logout}>${t('nav.logout')}</button>`}
      </div>
    </div>
    ${links.length > 0 && html`<nav aria-label=${t('nav.main')}><ul>
      ${links.map(([href, label]) => html`<li><a href=${href} aria-current=${path === href ? 'page' : undefined}>${label}</a></li>`)}
    </ul></nav>`}
  </header>`;
}

// Unverified reminds a person whose e-mail or mobile is not verified yet
// (notices do not reach it until then), everywhere but on the account page.
function Unverified({ user, path }) {
  if (!user || user.must_change_password || path.split('?')[0] === '/account' || unverified(user).length === 0) return null;
  return html`<p class="notice unverified-banner" role="note">${t('account.unverified_banner')}
    <a href="/account">${t('account.verify_now')}</a></p>`;
}

function Flash({ flash }) {
  if (!flash) return null;
  return html`<div class=${'flash flash-' + flash.kind} role="status">${flash.text}
    <button type="button" class="link-button" aria-label=${t('close')} onClick=${() => set({ flash: null })}>×</button></div>`;
}

// route picks the screen for a path. Screens needing a login send the
// visitor to it; a forced password change comes before anything else.
function route(path, user) {
  const [p, query] = path.split('?');
  const params = new URLSearchParams(query || '');
  // The service guide is open to everyone, logged in or not.
  if (p === '/guide') return { screen: Guide, props: { params, key: query || '' } };
  const g = p.match(/^\/guide\/([0-9a-f-]{36})$/);
  if (g) return { screen: ServicePage, props: { id: g[1], key: g[1] } };
  const open = { '/': Welcome, '/login': Login, '/register': Register, '/forgot': Forgot };
  if (open[p]) {
    if (user && p !== '/forgot') {
      // Logged in on the way somewhere (the guide's "ask about this service"): go on there.
      const next = params.get('next');
      return { redirect: next && next.startsWith('/') && !next.startsWith('//') && !user.must_change_password ? next : home(user) };
    }
    return { screen: open[p], props: { params } };
  }
  if (!user) return { redirect: '/login?next=' + encodeURIComponent(path) };
  if (user.must_change_password && p !== '/password') return { redirect: '/password' };
  const m = p.match(/^\/cases\/([0-9a-f-]{36})$/);
  if (m) return { screen: CaseScreen, props: { id: m[1], key: m[1] } };
  const dash = p.match(/^\/dashboard(?:\/([0-9a-f-]{36}))?$/);
  if (dash) return { screen: Dashboard, props: { id: dash[1] || '', params, key: p } };
  const mr = p.match(/^\/meetings\/([0-9a-f-]{36})$/);
  if (mr) return { screen: MeetingRoom, props: { id: mr[1], key: mr[1] } };
  const table = {
    '/cases': MyCases, '/cases/new': NewCase, '/queue': Queue, '/entities': Entities,
    '/notifications': Notifications, '/password': ChangePassword, '/meetings': Meetings, '/account': Account,
  };
  if (table[p]) return { screen: table[p], props: { params } };
  const a = p.match(/^\/admin(?:\/([a-z-]+))?$/);
  if (a) return { screen: Admin, props: { tab: a[1] || 'departments', params } };
  return { screen: NotFound, props: {} };
}

function NotFound() {
  return html`<section class="page"><h1>${t('notfound.title')}</h1><p><a href="/">${t('notfound.home')}</a></p></section>`;
}

function App() {
  const s = useStore();
  useEffect(() => { applyDocument(); }, [s.prefs]);
  if (!s.ready) return html`<main id="main"><${Spinner} /></main>`;
  const r = route(s.path, s.user);
  if (r.redirect) {
    queueMicrotask(() => navigate(r.redirect, { replace: true }));
    return html`<main id="main"><${Spinner} /></main>`;
  }
  const Screen = r.screen;
  return html`<${Header} user=${s.user} />
    <main id="main" tabindex="-1"><${Flash} flash=${s.flash} /><${Unverified} user=${s.user} path=${s.path} /><${Screen} ...${r.props} user=${s.user} /></main>
    <footer class="foot"><p>${t('footer.text')}</p></footer>`;
}

applyDocument();
const root = document.getElementById('app');
root.textContent = ''; // the boot message
render(html`<${App} />`, root);
loadMe();
