// screens/account.js: my account: name and language, my e-mail and mobile
// with their verification (type the six-digit code sent to the address, or
// ask for a new one), changing an address (with the current password: a
// new code goes to it), and the way to the password screen.
import { html, useState } from '../html.js';
import { t, setLang } from '../i18n.js';
import { post, patch } from '../api.js';
import { set, getState } from '../store.js';
import { Input, ErrorSummary, errorOf, Page } from '../components.js';

const channels = [
  { ch: 'email', field: 'email', verified: 'email_verified', type: 'email', autocomplete: 'email' },
  { ch: 'mobile', field: 'mobile', verified: 'mobile_verified', type: 'tel', autocomplete: 'tel' },
];

// unverified lists the channels on which u has an address still to verify.
export const unverified = (u) => channels.filter((c) => u && u[c.field] && u[c.verified] === false).map((c) => c.ch);

export function Account({ user }) {
  return html`<${Page} title=${t('account.title')}>
    ${channels.map((c) => user[c.field] && html`<${Contact} key=${c.ch + user[c.field]} c=${c} user=${user} />`)}
    <${Profile} user=${user} />
    <${Addresses} user=${user} />
    <p><a href="/password">${t('account.change_password')}</a></p>
  <//>`;
}

// Contact shows one address and, until it is verified, the code form.
function Contact({ c, user }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const done = user[c.verified] !== false;
  const verify = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post('/me/contacts/verify', { channel: c.ch, code: code.trim() });
      set({ user: r.user, flash: { kind: 'ok', text: t('account.verified_' + c.ch) } });
    } catch (err) {
      setError(errorOf(err));
      setBusy(false);
    }
  };
  const resend = async () => {
    setError(null);
    setSent(false);
    try {
      await post('/me/contacts/resend', { channel: c.ch });
      setSent(true);
    } catch (err) { setError(errorOf(err)); }
  };
  const id = 'code-' + c.ch;
  return html`<section class="card contact" aria-labelledby=${'h-' + c.ch} data-channel=${c.ch}>
    <h2 id=${'h-' + c.ch}>${t('account.' + c.ch)}</h2>
    <p><bdi dir="ltr">${user[c.field]}</bdi>
      <span class=${'badge ' + (done ? 'verified' : 'unverified')}>${t(done ? 'account.is_verified' : 'account.not_verified')}</span></p>
    ${!done && html`<form class="form" onSubmit=${verify} novalidate>
      <p class="hint">${t('account.code_hint_' + c.ch)}</p>
      <${ErrorSummary} error=${error} labels=${{ code: t('account.code'), channel: t('account.' + c.ch) }} />
      ${sent && html`<p role="status" class="sent">${t('account.code_sent')}</p>`}
      <${Input} id=${id} label=${t('account.code')} value=${code} error=${error && error.fields.code}
        dir="ltr" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required onInput=${setCode} />
      <div class="actions">
        <button class="primary" type="submit" disabled=${busy}>${t('account.verify')}</button>
        <button class="secondary" type="button" onClick=${resend}>${t('account.resend')}</button>
      </div>
    </form>`}
  </section>`;
}

// Profile edits the name and the language of notices and of the app.
function Profile({ user }) {
  const [f, setF] = useState({ name: user.name, lang: user.lang || 'ar' });
  const [error, setError] = useState(null);
  const submit = async (ev) => {
    ev.preventDefault();
    setError(null);
    try {
      const r = await patch('/me', { name: f.name.trim(), lang: f.lang });
      setLang(r.user.lang);
      set({ user: r.user, prefs: getState().prefs + 1, flash: { kind: 'ok', text: t('account.saved') } });
    } catch (err) { setError(errorOf(err)); }
  };
  const fe = (error && error.fields) || {};
  return html`<form class="card form" onSubmit=${submit} novalidate aria-labelledby="h-profile">
    <h2 id="h-profile">${t('account.profile')}</h2>
    <${ErrorSummary} error=${error} labels=${{ name: t('register.name'), lang: t('account.lang') }} />
    <${Input} id="profile-name" label=${t('register.name')} value=${f.name} error=${fe.name} autocomplete="name" required
      onInput=${(v) => setF({ ...f, name: v })} />
    <fieldset class="choices">
      <legend>${t('account.lang')}</legend>
      ${['ar', 'en'].map((l) => html`<label class="choice"><input type="radio" name="lang" value=${l} checked=${f.lang === l}
        onChange=${() => setF({ ...f, lang: l })} /> <span lang=${l}>${l === 'ar' ? 'العربية' : 'English'}</span></label>`)}
    </fieldset>
    <button class="primary" type="submit">${t('account.save')}</button>
  </form>`;
}

// Addresses changes the e-mail or the mobile; the server asks for the
// current password and sends a code to the new address.
function Addresses({ user }) {
  const [f, setF] = useState({ email: user.email || '', mobile: user.mobile || '', password: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await patch('/me', { email: f.email.trim(), mobile: f.mobile.trim(), current_password: f.password });
      setF({ ...f, password: '' });
      const text = unverified(r.user).length > 0 ? t('account.codes_sent') : t('account.saved');
      set({ user: r.user, flash: { kind: 'ok', text } });
    } catch (err) { setError(errorOf(err)); }
    setBusy(false);
  };
  const fe = (error && error.fields) || {};
  return html`<form class="card form" onSubmit=${submit} novalidate aria-labelledby="h-addresses">
    <h2 id="h-addresses">${t('account.addresses')}</h2>
    <p class="hint">${t('account.addresses_hint')}</p>
    <${ErrorSummary} error=${error} labels=${{ email: t('account.email'), mobile: t('account.mobile'), current_password: t('password.current') }} />
    ${channels.map((c) => html`<${Input} id=${'new-' + c.ch} type=${c.type} label=${t('account.' + c.ch)} value=${f[c.field]}
      error=${fe[c.field]} dir="ltr" autocomplete=${c.autocomplete} onInput=${(v) => setF({ ...f, [c.field]: v })} />`)}
    <${Input} id="current-password" type="password" label=${t('password.current')} value=${f.password}
      error=${fe.current_password} autocomplete="current-password" onInput=${(v) => setF({ ...f, password: v })} />
    <button class="primary" type="submit" disabled=${busy}>${t('account.save_addresses')}</button>
  </form>`;
}
