// screens/register.js: a citizen registers with a national ID, an e-mail or
// a mobile number (one is enough), then is logged in.
import { html, useState } from '../html.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { navigate, set } from '../store.js';
import { login, home } from '../session.js';
import { Input, ErrorSummary, errorOf } from '../components.js';

const kinds = ['national_id', 'email', 'mobile'];

export function Register() {
  const [kind, setKind] = useState('national_id');
  const [f, setF] = useState({ name: '', value: '', password: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { name: f.name.trim(), password: f.password, [kind]: f.value.trim() };
      await post('/auth/register', body);
      // An e-mail or a mobile gets a code: the account page takes it. The
      // logged-in visitor of /register is sent on to `next` (main.js).
      const verify = kind !== 'national_id';
      if (verify) navigate('/register?next=/account', { replace: true });
      set({ flash: { kind: 'ok', text: t(verify ? 'register.verify_sent' : 'register.done') } });
      const user = await login(f.value.trim(), f.password);
      if (!verify) navigate(home(user), { replace: true });
    } catch (err) {
      const e = errorOf(err);
      if (e.fields[kind]) e.fields = { ...e.fields, value: e.fields[kind] };
      setError(e);
      setBusy(false);
    }
  };
  const fe = (error && error.fields) || {};
  const types = { national_id: 'text', email: 'email', mobile: 'tel' };
  return html`<section class="page narrow">
    <h1>${t('register.title')}</h1>
    <p class="lead">${t('register.lead')}</p>
    <form class="card form" onSubmit=${submit} novalidate>
      <${ErrorSummary} error=${error} labels=${{ name: t('register.name'), value: t('register.' + kind), password: t('login.password') }} />
      <${Input} id="name" label=${t('register.name')} value=${f.name} error=${fe.name} autocomplete="name" required
        onInput=${(v) => setF({ ...f, name: v })} />
      <fieldset class="choices">
        <legend>${t('register.by')}</legend>
        ${kinds.map((k) => html`<label class="choice"><input type="radio" name="kind" value=${k} checked=${kind === k}
          onChange=${() => setKind(k)} /> ${t('register.' + k)}</label>`)}
      </fieldset>
      <${Input} id="value" type=${types[kind]} label=${t('register.' + kind)} hint=${t('register.hint_' + kind)}
        value=${f.value} error=${fe.value || fe[kind]} dir="ltr" inputmode=${kind === 'national_id' ? 'numeric' : undefined}
        autocomplete=${kind === 'email' ? 'email' : kind === 'mobile' ? 'tel' : 'off'} required
        onInput=${(v) => setF({ ...f, value: v })} />
      <${Input} id="password" type="password" label=${t('login.password')} hint=${t('register.password_hint')}
        value=${f.password} error=${fe.password} autocomplete="new-password" required
        onInput=${(v) => setF({ ...f, password: v })} />
      <button class="primary" type="submit" disabled=${busy}>${t('register.submit')}</button>
      <p class="aside"><a href="/login">${t('register.have_account')}</a></p>
    </form>
  </section>`;
}
