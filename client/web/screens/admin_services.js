// screens/admin_services.js: an entity's services in the guide (issue 19):
// the list with each one's state (draft, published, changed since
// published), a new draft, editing the draft (the public keeps the
// published version until the next publish), publishing, and the history
// of published versions.
import { html, useEffect, useState } from '../html.js';
import { t, pick } from '../i18n.js';
import { get, post, patch } from '../api.js';
import { Spinner, Input, ErrorSummary, errorOf, useForm, When } from '../components.js';

const channels = ['online', 'app', 'office', 'phone', 'email'];
const local = (o) => (o && (o.ar || o.en) ? { ar: o.ar || '', en: o.en || '' } : { ar: '', en: '' });
const lines = (list, lang) => (list || []).map((x) => x[lang]).join('\n');
const fromLines = (ar, en) => {
  const a = ar.split('\n').map((x) => x.trim()).filter(Boolean);
  const e = en.split('\n').map((x) => x.trim()).filter(Boolean);
  return Array.from({ length: Math.max(a.length, e.length) }, (_, i) => ({ ar: a[i] || '', en: e[i] || '' }));
};

// toForm and toBody turn a service into the editor's fields and back.
function toForm(s) {
  const f = { name_ar: s.name_ar || '', name_en: s.name_en || '', description_ar: s.description_ar || '',
    description_en: s.description_en || '', url: s.url || '', channels: s.channels || [] };
  for (const k of ['eligibility', 'fees', 'duration', 'office_hours']) {
    const v = local(s[k]);
    f[k + '_ar'] = v.ar; f[k + '_en'] = v.en;
  }
  for (const k of ['documents', 'steps']) { f[k + '_ar'] = lines(s[k], 'ar'); f[k + '_en'] = lines(s[k], 'en'); }
  return f;
}
function toBody(f) {
  const b = { name_ar: f.name_ar, name_en: f.name_en, description_ar: f.description_ar, description_en: f.description_en,
    url: f.url, channels: f.channels };
  for (const k of ['eligibility', 'fees', 'duration', 'office_hours']) b[k] = { ar: f[k + '_ar'], en: f[k + '_en'] };
  for (const k of ['documents', 'steps']) b[k] = fromLines(f[k + '_ar'], f[k + '_en']);
  return b;
}

// Editor is the form of a draft: every field in Arabic and English.
function Editor({ id, f, up, fe }) {
  const pair = (k, textarea) => html`<div class="row">
    ${['ar', 'en'].map((l) => textarea
      ? html`<div class="field"><label for=${`${id}-${k}-${l}`}>${t(`svc.${k}`)} (${t('svc.lang_' + l)})</label>
          <p class="hint" id=${`${id}-${k}-${l}-hint`}>${t('svc.one_a_line')}</p>
          <textarea id=${`${id}-${k}-${l}`} rows="3" dir=${l === 'ar' ? 'rtl' : 'ltr'} aria-describedby=${`${id}-${k}-${l}-hint`}
            onInput=${(ev) => up(`${k}_${l}`)(ev.target.value)}>${f[`${k}_${l}`]}</textarea></div>`
      : html`<${Input} id=${`${id}-${k}-${l}`} label=${`${t(`svc.${k}`)} (${t('svc.lang_' + l)})`} value=${f[`${k}_${l}`]}
          error=${fe[`${k}_${l}`] || fe[`${k}.${l}`] || fe[k]} dir=${l === 'ar' ? 'rtl' : 'ltr'} onInput=${up(`${k}_${l}`)} />`)}
  </div>`;
  return html`
    ${pair('name')}
    ${pair('description')}
    ${pair('eligibility')}
    ${pair('fees')}
    ${pair('duration')}
    ${pair('office_hours')}
    ${pair('documents', true)}
    ${pair('steps', true)}
    <fieldset class="choices"><legend>${t('guide.channels')}</legend>
      ${channels.map((c) => html`<label class="choice"><input type="checkbox" name=${id + '-channel'} value=${c} checked=${f.channels.includes(c)}
        onChange=${(ev) => up('channels')(ev.target.checked ? [...f.channels, c] : f.channels.filter((x) => x !== c))} />
        ${t('guide.channel.' + c)}</label>`)}
    </fieldset>
    <${Input} id=${id + '-url'} type="url" label=${t('svc.url')} hint=${t('svc.url_hint')} value=${f.url} error=${fe.url} dir="ltr" onInput=${up('url')} />`;
}

// Versions is the history of a service's published versions.
function Versions({ id }) {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { get(`/services/${id}/versions`).then((r) => setList(r.versions)).catch((x) => setError(errorOf(x))); }, [id]);
  if (error) return html`<${ErrorSummary} error=${error} />`;
  if (!list) return html`<${Spinner} />`;
  if (!list.length) return html`<p>${t('svc.never_published')}</p>`;
  return html`<ol class="plain-list versions" reversed>${list.map((v) => html`<li>
    <strong>${t('svc.version', { n: v.version })}</strong> — ${pick(v.content)} — <${When} iso=${v.published_at} /></li>`)}</ol>`;
}

// Edit is one service: its draft's editor, publish, and its history.
function Edit({ service, onDone }) {
  const [f, setF] = useState(toForm(service));
  const [error, setError] = useState(null);
  const [flash, setFlash] = useState('');
  const [status, setStatus] = useState(service.status);
  const [history, setHistory] = useState(0);
  const up = (k) => (v) => setF((old) => ({ ...old, [k]: v }));
  const act = async (fn, done) => {
    setFlash(''); setError(null);
    try {
      const r = await fn();
      setF(toForm(r.service)); setStatus(r.service.status); setFlash(done); setHistory((n) => n + 1);
    } catch (x) { setError(errorOf(x)); }
  };
  const save = (ev) => { ev.preventDefault(); act(() => patch(`/services/${service.id}`, toBody(f)), t('svc.saved')); };
  return html`<div class="card" id="service-editor">
    <h2>${pick(service)} <span class=${'badge svc-' + status}>${t('svc.status_' + status)}</span></h2>
    <${ErrorSummary} error=${error} />
    ${flash && html`<p class="flash flash-ok" role="status">${flash}</p>`}
    <form class="form" onSubmit=${save} novalidate aria-labelledby="svc-edit-title">
      <h3 id="svc-edit-title">${t('svc.edit_draft')}</h3>
      <p class="hint">${t('svc.draft_hint')}</p>
      <${Editor} id="svc-edit" f=${f} up=${up} fe=${(error && error.fields) || {}} />
      <div class="actions">
        <button class="primary" type="submit" id="svc-save">${t('admin.save')}</button>
        <button type="button" id="svc-publish" disabled=${status === 'published'}
          onClick=${() => act(() => post(`/services/${service.id}/publish`), t('svc.published_now'))}>${t('svc.publish')}</button>
        <button type="button" onClick=${onDone}>${t('close')}</button>
      </div>
    </form>
    <h3>${t('svc.history')}</h3>
    <${Versions} id=${service.id} key=${history} />
  </div>`;
}

export function Services({ entityID }) {
  const [list, setList] = useState(null);
  const [editing, setEditing] = useState(null);
  const load = () => get(`/entities/${entityID}/services?limit=100`).then((r) => setList(r.services));
  useEffect(() => { load(); }, [entityID]);
  const blank = toForm({});
  const form = useForm(blank, (f) => post(`/entities/${entityID}/services`, toBody(f)).then((r) => setEditing(r.service)), load);
  return html`<div class="admin-grid">
    <div><h2>${t('svc.title')}</h2>
      ${!list ? html`<${Spinner} />` : !list.length ? html`<p>${t('svc.none')}</p>` : html`<div class="table-wrap"><table id="services-table">
        <thead><tr><th scope="col">${t('admin.name')}</th><th scope="col">${t('admin.state')}</th>
          <th scope="col">${t('svc.versions')}</th><th scope="col">${t('admin.actions')}</th></tr></thead>
        <tbody>${list.map((s) => html`<tr data-id=${s.id}><td>${pick(s)}</td>
          <td><span class=${'badge svc-' + s.status}>${t('svc.status_' + (s.status || 'published'))}</span></td>
          <td>${s.version}</td>
          <td><button type="button" class="svc-open" onClick=${() => setEditing(s)}>${t('svc.open')}</button>
            ${s.version > 0 && html` <a href=${'/guide/' + s.id}>${t('svc.public_page')}</a>`}</td></tr>`)}</tbody>
      </table></div>`}
      ${editing && html`<${Edit} key=${editing.id} service=${editing} onDone=${() => { setEditing(null); load(); }} />`}
    </div>
    <form class="card form" onSubmit=${form.submit} novalidate aria-labelledby="new-service">
      <h2 id="new-service">${t('svc.new')}</h2>
      <p class="hint">${t('svc.new_hint')}</p>
      <${ErrorSummary} error=${form.error} />
      <${Input} id="svc-name-ar" label=${t('admin.name_ar')} value=${form.f.name_ar} error=${form.fe.name_ar} dir="rtl" onInput=${form.up('name_ar')} />
      <${Input} id="svc-name-en" label=${t('admin.name_en')} value=${form.f.name_en} error=${form.fe.name_en} dir="ltr" onInput=${form.up('name_en')} />
      <div class="field"><label for="svc-desc-ar">${t('svc.description')} (${t('svc.lang_ar')})</label>
        <textarea id="svc-desc-ar" rows="3" dir="rtl" onInput=${(ev) => form.up('description_ar')(ev.target.value)}>${form.f.description_ar}</textarea></div>
      <button class="primary" type="submit" disabled=${form.busy}>${t('svc.create_draft')}</button>
    </form>
  </div>`;
}
