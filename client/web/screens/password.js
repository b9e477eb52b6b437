// screens/password.js: change one's password; an account created with a
// generated password lands here first and can do nothing else until done.
import { html, useState } from '../html.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { navigate, set } from '../store.js';
import { home, loadMe } from '../session.js';
import { Input, ErrorSummary, errorOf, Page } from '../components.js';

export function ChangePassword({ user }) {
  const [f, setF] = useState({ current: '', next: '', again: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    if (f.next !== f.again) {
      setError({ code: 'EINVALID', message: t('password.mismatch'), fields: { again: t('password.mismatch') } });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await post('/me/password', { current_password: f.current, new_password: f.next });
      const u = await loadMe();
      set({ flash: { kind: 'ok', text: t('password.done') } });
      navigate(home(u), { replace: true });
    } catch (err) {
      const e = errorOf(err);
      e.fields = { ...e.fields };
      if (e.fields.current_password) e.fields.current = e.fields.current_password;
      if (e.fields.new_password) e.fields.next = e.fields.new_password;
      setError(e);
      setBusy(false);
    }
  };
  const fe = (error && error.fields) || {};
  return html`<${Page} title=${t('password.title')}>
    ${user.must_change_password && html`<p class="notice" role="note">${t('password.forced')}</p>`}
    <form class="card form narrow" onSubmit=${submit} novalidate>
      <${ErrorSummary} error=${error} labels=${{ current: t('password.current'), next: t('password.new'), again: t('password.again') }} />
      <${Input} id="current" type="password" label=${t('password.current')} value=${f.current} error=${fe.current}
        autocomplete="current-password" required onInput=${(v) => setF({ ...f, current: v })} />
      <${Input} id="next" type="password" label=${t('password.new')} hint=${t('register.password_hint')} value=${f.next}
        error=${fe.next} autocomplete="new-password" required onInput=${(v) => setF({ ...f, next: v })} />
      <${Input} id="again" type="password" label=${t('password.again')} value=${f.again} error=${fe.again}
        autocomplete="new-password" required onInput=${(v) => setF({ ...f, again: v })} />
      <button class="primary" type="submit" disabled=${busy}>${t('password.submit')}</button>
    </form>
  <//>`;
}
