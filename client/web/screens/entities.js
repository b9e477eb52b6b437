// screens/entities.js: the platform admin's entities: the list, and a new
// entity (its admins are then created from its employees tab).
import { html, useEffect, useState } from '../html.js';
import { t, pick } from '../i18n.js';
import { get, post } from '../api.js';
import { Page, Spinner, Input, Select, ErrorSummary, useForm } from '../components.js';

const sectors = ['government', 'private', 'nonprofit'];

export function Entities() {
  const [list, setList] = useState(null);
  const load = () => get('/entities').then((r) => setList(r.entities));
  useEffect(() => { load(); }, []);
  const form = useForm({ name_ar: '', name_en: '', sector: 'government' }, (f) => post('/entities', f), load);
  return html`<${Page} title=${t('entities.title')} wide>
    <div class="admin-grid">
      <div>${!list ? html`<${Spinner} />` : html`<ul class="plain-list">${list.map((e) => html`<li>
        <a href=${'/admin/departments?entity=' + e.id}>${pick(e)}</a> <span class="badge">${t('sector.' + e.sector)}</span></li>`)}</ul>`}</div>
      <form class="card form" onSubmit=${form.submit} novalidate aria-labelledby="new-entity">
        <h2 id="new-entity">${t('entities.new')}</h2>
        <${ErrorSummary} error=${form.error} />
        <${Input} id="ent-name-ar" label=${t('admin.name_ar')} value=${form.f.name_ar} error=${form.fe.name_ar} dir="rtl" onInput=${form.up('name_ar')} />
        <${Input} id="ent-name-en" label=${t('admin.name_en')} value=${form.f.name_en} error=${form.fe.name_en} dir="ltr" onInput=${form.up('name_en')} />
        <${Select} id="ent-sector" label=${t('entities.sector')} value=${form.f.sector} error=${form.fe.sector}
          options=${sectors.map((s) => ({ value: s, label: t('sector.' + s) }))} onChange=${form.up('sector')} />
        <button class="primary" type="submit" disabled=${form.busy}>${t('admin.create')}</button>
      </form>
    </div>
  <//>`;
}
