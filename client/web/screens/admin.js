// screens/admin.js: an entity's administration, one tab each: departments,
// case types with SLA hours per priority, employees with roles and
// permission grants, the distribution rule and working calendar, and the
// notification templates, the entity's services in the guide
// (admin_services.js), and its boards and committees (admin_boards.js). A
// platform admin picks the entity first.
import { html, useEffect, useState } from '../html.js';
import { t, pick } from '../i18n.js';
import { get, post, patch } from '../api.js';
import { navigate } from '../store.js';
import { Page, Spinner, Input, Select, ErrorSummary, errorOf, useForm } from '../components.js';
import { Employees } from './admin_employees.js';
import { Templates } from './admin_templates.js';
import { Services } from './admin_services.js';
import { Boards } from './admin_boards.js';

const tabs = ['departments', 'case-types', 'employees', 'settings', 'templates', 'services', 'boards'];

function Departments({ entityID }) {
  const [list, setList] = useState(null);
  const load = () => get(`/entities/${entityID}/departments`).then((r) => setList(r.departments));
  useEffect(() => { load(); }, [entityID]);
  const form = useForm({ name_ar: '', name_en: '' }, (f) => post(`/entities/${entityID}/departments`, f), load);
  return html`<div class="admin-grid">
    <div><h2>${t('admin.departments')}</h2>
      ${!list ? html`<${Spinner} />` : html`<ul class="plain-list">${list.map((d) => html`<li>${pick(d)}</li>`)}</ul>`}</div>
    <form class="card form" onSubmit=${form.submit} novalidate aria-labelledby="new-dept">
      <h2 id="new-dept">${t('admin.new_department')}</h2>
      <${ErrorSummary} error=${form.error} />
      <${Input} id="dept-name-ar" label=${t('admin.name_ar')} value=${form.f.name_ar} error=${form.fe.name_ar} dir="rtl" onInput=${form.up('name_ar')} />
      <${Input} id="dept-name-en" label=${t('admin.name_en')} value=${form.f.name_en} error=${form.fe.name_en} dir="ltr" onInput=${form.up('name_en')} />
      <button class="primary" type="submit" disabled=${form.busy}>${t('admin.create')}</button>
    </form>
  </div>`;
}

function CaseTypes({ entityID }) {
  const [list, setList] = useState(null);
  const [depts, setDepts] = useState([]);
  const load = () => get(`/entities/${entityID}/case-types`).then((r) => setList(r.case_types));
  useEffect(() => { load(); get(`/entities/${entityID}/departments`).then((r) => setDepts(r.departments)); }, [entityID]);
  const form = useForm({ name_ar: '', name_en: '', department_id: '', normal: '40', important: '16', very_important: '8' },
    (f) => post(`/entities/${entityID}/case-types`, { name_ar: f.name_ar, name_en: f.name_en, department_id: f.department_id,
      sla_hours: { normal: +f.normal, important: +f.important, very_important: +f.very_important } }), load);
  const deptName = (id) => pick(depts.find((d) => d.id === id));
  return html`<div class="admin-grid">
    <div><h2>${t('admin.case_types')}</h2>
      ${!list ? html`<${Spinner} />` : html`<div class="table-wrap"><table>
        <thead><tr><th scope="col">${t('admin.name')}</th><th scope="col">${t('admin.department')}</th>
          <th scope="col">${t('admin.sla')}</th></tr></thead>
        <tbody>${list.map((c) => html`<tr><td>${pick(c)}</td><td>${deptName(c.department_id)}</td>
          <td>${t('admin.sla_line', { n: c.sla_hours.normal, i: c.sla_hours.important, v: c.sla_hours.very_important })}</td></tr>`)}</tbody>
      </table></div>`}</div>
    <form class="card form" onSubmit=${form.submit} novalidate aria-labelledby="new-type">
      <h2 id="new-type">${t('admin.new_case_type')}</h2>
      <${ErrorSummary} error=${form.error} />
      <${Input} id="type-name-ar" label=${t('admin.name_ar')} value=${form.f.name_ar} error=${form.fe.name_ar} dir="rtl" onInput=${form.up('name_ar')} />
      <${Input} id="type-name-en" label=${t('admin.name_en')} value=${form.f.name_en} error=${form.fe.name_en} dir="ltr" onInput=${form.up('name_en')} />
      <${Select} id="type-dept" label=${t('admin.department')} value=${form.f.department_id} error=${form.fe.department_id}
        placeholder=${t('form.choose')} options=${depts.map((d) => ({ value: d.id, label: pick(d) }))} onChange=${form.up('department_id')} />
      <fieldset><legend>${t('admin.sla_hours')}</legend><div class="row">
        ${['normal', 'important', 'very_important'].map((p) => html`<${Input} id=${'sla-' + p} type="number" min="1" label=${t('priority.' + p)}
          value=${form.f[p]} error=${form.fe['sla_hours.' + p]} onInput=${form.up(p)} />`)}
      </div></fieldset>
      <button class="primary" type="submit" disabled=${form.busy}>${t('admin.create')}</button>
    </form>
  </div>`;
}

const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function Settings({ entityID }) {
  const [e, setE] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => { get(`/entities/${entityID}`).then(setE).catch((x) => setError(errorOf(x))); }, [entityID]);
  if (!e) return html`<${ErrorSummary} error=${error} /><${Spinner} />`;
  const cal = e.calendar || {};
  const setCal = (k, v) => setE({ ...e, calendar: { ...cal, [k]: v } });
  const save = async (ev) => {
    ev.preventDefault();
    setSaved(false);
    try {
      const r = await patch(`/entities/${entityID}`, { assign_rule: e.assign_rule, calendar: { ...cal,
        holidays: (typeof cal.holidays === 'string' ? cal.holidays.split(/\s+/) : cal.holidays || []).filter(Boolean) } });
      setE(r); setError(null); setSaved(true);
    } catch (x) { setError(errorOf(x)); }
  };
  const holidays = typeof cal.holidays === 'string' ? cal.holidays : (cal.holidays || []).join('\n');
  return html`<form class="card form" onSubmit=${save} novalidate>
    <${ErrorSummary} error=${error} />
    ${saved && html`<p class="flash flash-ok" role="status">${t('admin.saved')}</p>`}
    <fieldset class="choices"><legend>${t('admin.rule')}</legend>
      ${['round_robin', 'least_load'].map((r) => html`<label class="choice"><input type="radio" name="rule" checked=${e.assign_rule === r}
        onChange=${() => setE({ ...e, assign_rule: r })} /> ${t('rule.' + r)}</label>`)}
    </fieldset>
    <fieldset class="choices"><legend>${t('admin.workdays')}</legend>
      ${days.map((d) => html`<label class="choice"><input type="checkbox" checked=${(cal.workdays || []).includes(d)}
        onChange=${(ev) => setCal('workdays', ev.target.checked ? [...(cal.workdays || []), d] : (cal.workdays || []).filter((x) => x !== d))} />
        ${t('day.' + d)}</label>`)}
    </fieldset>
    <div class="row">
      <${Input} id="cal-start" type="time" label=${t('admin.day_start')} value=${cal.start} onInput=${(v) => setCal('start', v)} />
      <${Input} id="cal-end" type="time" label=${t('admin.day_end')} value=${cal.end} onInput=${(v) => setCal('end', v)} />
      <${Input} id="cal-tz" label=${t('admin.time_zone')} value=${cal.time_zone} dir="ltr" onInput=${(v) => setCal('time_zone', v)} />
    </div>
    <div class="field"><label for="cal-holidays">${t('admin.holidays')}</label>
      <p class="hint" id="cal-holidays-hint">${t('admin.holidays_hint')}</p>
      <textarea id="cal-holidays" dir="ltr" rows="5" aria-describedby="cal-holidays-hint"
        onInput=${(ev) => setCal('holidays', ev.target.value)}>${holidays}</textarea></div>
    <button class="primary" type="submit">${t('admin.save')}</button>
  </form>`;
}

export function Admin({ user, tab, params }) {
  const [entities, setEntities] = useState(null);
  const chosen = user.role === 'platform_admin' ? params.get('entity') : user.entity_id;
  useEffect(() => { if (user.role === 'platform_admin') get('/entities').then((r) => setEntities(r.entities)); }, []);
  const q = user.role === 'platform_admin' && chosen ? '?entity=' + chosen : '';
  const body = !chosen ? null
    : tab === 'departments' ? html`<${Departments} entityID=${chosen} />`
      : tab === 'case-types' ? html`<${CaseTypes} entityID=${chosen} />`
        : tab === 'employees' ? html`<${Employees} entityID=${chosen} />`
          : tab === 'settings' ? html`<${Settings} entityID=${chosen} />`
            : tab === 'services' ? html`<${Services} entityID=${chosen} />`
              : tab === 'boards' ? html`<${Boards} entityID=${chosen} />`
              : html`<${Templates} entityID=${chosen} />`;
  return html`<${Page} title=${t('admin.title')} wide>
    ${user.role === 'platform_admin' && entities && html`<${Select} id="admin-entity" label=${t('admin.entity')} value=${chosen || ''}
      placeholder=${t('form.choose')} options=${entities.map((e) => ({ value: e.id, label: pick(e) }))}
      onChange=${(v) => navigate(`/admin/${tab}?entity=${v}`)} />`}
    ${chosen && html`<nav class="tabs-nav" aria-label=${t('admin.sections')}><ul>
      ${tabs.map((x) => html`<li><a href=${`/admin/${x}${q}`} aria-current=${x === tab ? 'page' : undefined}>${t('admin.tab_' + x)}</a></li>`)}
    </ul></nav>`}
    ${body}
    ${!chosen && user.role !== 'platform_admin' && html`<p>${t('admin.no_entity')}</p>`}
  <//>`;
}
