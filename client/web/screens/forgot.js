// screens/forgot.js: reset a forgotten password: the login, then the
// six-digit code sent by e-mail and SMS with the new password.
import { html, useState } from '../html.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { navigate, set } from '../store.js';
import { Input, ErrorSummary, errorOf } from '../components.js';

export function Forgot({ params }) {
  const [stage, setStage] = useState('ask');
  const [f, setF] = useState({ login: params.get('login') || '', code: '', password: '', again: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const up = (k) => (v) => setF({ ...f, [k]: v });
  const ask = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/auth/password-reset', { login: f.login.trim() });
      setStage('confirm');
    } catch (err) { setError(errorOf(err)); }
    setBusy(false);
  };
  const confirm = async (ev) => {
    ev.preventDefault();
    if (f.password !== f.again) {
      setError({ code: 'EINVALID', message: t('password.mismatch'), fields: { again: t('password.mismatch') } });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await post('/auth/password-reset/confirm', { login: f.login.trim(), code: f.code.trim(), password: f.password });
      set({ flash: { kind: 'ok', text: t('forgot.done') } });
      navigate('/login', { replace: true });
    } catch (err) { setError(errorOf(err)); setBusy(false); }
  };
  const fe = (error && error.fields) || {};
  const labels = { login: t('login.login'), code: t('forgot.code'), password: t('password.new'), again: t('password.again') };
  return html`<section class="page narrow">
    <h1>${t('forgot.title')}</h1>
    ${stage === 'ask' ? html`<form class="card form" onSubmit=${ask} novalidate>
        <p>${t('forgot.lead')}</p>
        <${ErrorSummary} error=${error} labels=${labels} />
        <${Input} id="login" label=${labels.login} value=${f.login} error=${fe.login} autocomplete="username" required onInput=${up('login')} />
        <button class="primary" type="submit" disabled=${busy}>${t('forgot.send')}</button>
      </form>`
    : html`<form class="card form" onSubmit=${confirm} novalidate>
        <p class="notice" role="status">${t('forgot.sent')}</p>
        <${ErrorSummary} error=${error} labels=${labels} />
        <${Input} id="code" label=${labels.code} value=${f.code} error=${fe.code} inputmode="numeric" autocomplete="one-time-code"
          dir="ltr" required onInput=${up('code')} />
        <${Input} id="password" type="password" label=${labels.password} hint=${t('register.password_hint')} value=${f.password}
          error=${fe.password} autocomplete="new-password" required onInput=${up('password')} />
        <${Input} id="again" type="password" label=${labels.again} value=${f.again} error=${fe.again}
          autocomplete="new-password" required onInput=${up('again')} />
        <button class="primary" type="submit" disabled=${busy}>${t('forgot.submit')}</button>
        <button type="button" class="link-button" onClick=${() => setStage('ask')}>${t('forgot.again')}</button>
      </form>`}
    <p><a href="/login">${t('register.have_account')}</a></p>
  </section>`;
}
