// screens/login.js: the first page (what Jihat is, with the login form on
// it) and the login page.
import { html, useState } from '../html.js';
import { t } from '../i18n.js';
import { navigate } from '../store.js';
import { login, home } from '../session.js';
import { Input, ErrorSummary, errorOf } from '../components.js';

export function LoginForm({ next }) {
  const [f, setF] = useState({ login: '', password: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await login(f.login.trim(), f.password);
      const dest = user.must_change_password ? '/password' : (next && next.startsWith('/') && !next.startsWith('//') ? next : home(user));
      navigate(dest, { replace: true });
    } catch (err) {
      setError(errorOf(err));
      setBusy(false);
    }
  };
  const fe = (error && error.fields) || {};
  return html`<form class="card form" onSubmit=${submit} novalidate>
    <${ErrorSummary} error=${error} labels=${{ login: t('login.login'), password: t('login.password') }} />
    <${Input} id="login" label=${t('login.login')} hint=${t('login.login_hint')} value=${f.login} error=${fe.login}
      autocomplete="username" required onInput=${(v) => setF({ ...f, login: v })} />
    <${Input} id="password" type="password" label=${t('login.password')} value=${f.password} error=${fe.password}
      autocomplete="current-password" required onInput=${(v) => setF({ ...f, password: v })} />
    <button class="primary" type="submit" disabled=${busy}>${t('login.submit')}</button>
    <p class="aside"><a href="/forgot">${t('login.forgot')}</a></p>
    <p class="aside"><a href="/register">${t('login.no_account')}</a></p>
  </form>`;
}

export function Welcome() {
  return html`<section class="page welcome">
    <div class="hero">
      <h1>${t('welcome.title')}</h1>
      <p class="lead">${t('welcome.lead')}</p>
      <ul class="points">
        <li>${t('welcome.point1')}</li><li>${t('welcome.point2')}</li><li>${t('welcome.point3')}</li>
      </ul>
      <p><a class="button" href="/register">${t('welcome.register')}</a></p>
    </div>
    <div>
      <h2>${t('login.title')}</h2>
      <${LoginForm} />
      <details class="demo card">
        <summary>${t('welcome.demo')}</summary>
        <p>${t('welcome.demo_text')}</p>
        <ul dir="ltr" class="mono">
          <li>citizen@jihat.demo</li><li>sara@ministry.demo</li><li>noura@ministry.demo</li><li>admin@ministry.demo</li>
        </ul>
        <p>${t('welcome.demo_password')} <code dir="ltr">Jihat-demo-2026!</code></p>
      </details>
    </div>
  </section>`;
}

export function Login({ params }) {
  return html`<section class="page narrow">
    <h1>${t('login.title')}</h1>
    <${LoginForm} next=${params.get('next')} />
  </section>`;
}
