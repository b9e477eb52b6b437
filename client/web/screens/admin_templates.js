// screens/admin_templates.js: an entity's notification texts, per kind,
// language and channel (Go text/template fields listed beside them).
import { html, useEffect, useState } from '../html.js';
import { t } from '../i18n.js';
import { get, put } from '../api.js';
import { Spinner, Select, ErrorSummary, errorOf } from '../components.js';

const kinds = ['case.created', 'case.assigned_requester', 'case.reply', 'case.awaiting_citizen', 'case.postponed',
  'case.resolved', 'case.objection_received', 'case.assigned', 'case.citizen_reply', 'case.postponement_requested',
  'case.postponement_approved', 'case.postponement_refused', 'case.objection', 'case.deadline_approaching', 'case.late',
  'employee.credentials'];

export function Templates({ entityID }) {
  const [kind, setKind] = useState(kinds[0]);
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setData(null);
    setSaved(false);
    get(`/entities/${entityID}/templates/${kind}`).then(setData).catch((x) => setError(errorOf(x)));
  }, [entityID, kind]);
  const edit = (i, k, v) => setData({ ...data, templates: data.templates.map((x, j) => (j === i ? { ...x, [k]: v } : x)) });
  const save = async (ev) => {
    ev.preventDefault();
    try {
      const r = await put(`/entities/${entityID}/templates/${kind}`, {
        templates: data.templates.map(({ lang, channel, subject, body }) => ({ lang, channel, subject, body })) });
      setData(r); setError(null); setSaved(true);
    } catch (x) { setError(errorOf(x)); }
  };
  return html`<div>
    <${Select} id="tpl-kind" label=${t('admin.template_kind')} value=${kind} options=${kinds.map((k) => ({ value: k, label: k }))}
      onChange=${setKind} dir="ltr" />
    <${ErrorSummary} error=${error} />
    ${saved && html`<p class="flash flash-ok" role="status">${t('admin.saved')}</p>`}
    ${!data ? html`<${Spinner} />` : html`<form class="card form" onSubmit=${save}>
      <p class="hint">${t('admin.template_fields')} <span dir="ltr" class="mono">${(data.fields || []).map((f) => '{{.' + f + '}}').join(' ')}</span></p>
      ${data.templates.map((x, i) => html`<fieldset class=${x.custom ? 'custom' : ''}>
        <legend>${t('admin.template_of', { lang: x.lang === 'ar' ? 'العربية' : 'English', channel: t('channel.' + x.channel) })}</legend>
        ${x.channel !== 'sms' && html`<div class="field"><label for=${'tpl-s-' + i}>${t('admin.template_subject')}</label>
          <input id=${'tpl-s-' + i} dir=${x.lang === 'ar' ? 'rtl' : 'ltr'} value=${x.subject} onInput=${(ev) => edit(i, 'subject', ev.target.value)} /></div>`}
        <div class="field"><label for=${'tpl-b-' + i}>${t('admin.template_body')}</label>
          <textarea id=${'tpl-b-' + i} rows="4" dir=${x.lang === 'ar' ? 'rtl' : 'ltr'}
            onInput=${(ev) => edit(i, 'body', ev.target.value)}>${x.body}</textarea></div>
      </fieldset>`)}
      <button class="primary" type="submit">${t('admin.save')}</button>
    </form>`}
  </div>`;
}
