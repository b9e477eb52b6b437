// screens/admin_employees.js: an entity's employees: create one (role,
// department, permission grants; a generated password is e-mailed and must
// be changed at first login), grant or revoke permissions, disable/enable.
import { html, useEffect, useState } from '../html.js';
import { t, pick } from '../i18n.js';
import { get, post, put } from '../api.js';
import { Spinner, Input, Select, ErrorSummary, errorOf, useForm } from '../components.js';

export const permissions = ['case.handle', 'case.reassign', 'case.postpone', 'case.approve', 'case.view_internal',
  'case.view_all', 'reports.view', 'employees.manage', 'entity.manage', 'meetings.manage', 'meeting.vote', 'audit.view'];
const roles = ['employee', 'supervisor', 'entity_admin'];

function Permissions({ entityID, emp, onDone }) {
  const [sel, setSel] = useState(new Set(emp.permissions));
  const [error, setError] = useState(null);
  const save = async (ev) => {
    ev.preventDefault();
    const grant = permissions.filter((p) => sel.has(p) && !emp.permissions.includes(p));
    const revoke = permissions.filter((p) => !sel.has(p) && emp.permissions.includes(p));
    try { await put(`/entities/${entityID}/employees/${emp.id}/permissions`, { grant, revoke }); onDone(); } catch (x) { setError(errorOf(x)); }
  };
  return html`<form class="perm-form" onSubmit=${save}>
    <${ErrorSummary} error=${error} />
    <fieldset class="choices perms"><legend>${t('admin.permissions_of', { name: emp.name })}</legend>
      ${permissions.map((p) => html`<label class="choice"><input type="checkbox" checked=${sel.has(p)}
        onChange=${(ev) => { const n = new Set(sel); if (ev.target.checked) n.add(p); else n.delete(p); setSel(n); }} /> ${t('perm.' + p)}</label>`)}
    </fieldset>
    <button class="primary" type="submit">${t('admin.save')}</button>
  </form>`;
}

export function Employees({ entityID }) {
  const [list, setList] = useState(null);
  const [depts, setDepts] = useState([]);
  const [editing, setEditing] = useState(null);
  const [error, setError] = useState(null);
  const [created, setCreated] = useState(null);
  const load = () => get(`/entities/${entityID}/employees`).then((r) => setList(r.employees)).catch((x) => setError(errorOf(x)));
  useEffect(() => { load(); get(`/entities/${entityID}/departments`).then((r) => setDepts(r.departments)); }, [entityID]);
  const form = useForm({ name: '', email: '', mobile: '', department_id: '', role: 'employee', perms: [] }, async (f) => {
    const body = { name: f.name.trim(), email: f.email.trim(), department_id: f.department_id, role: f.role };
    if (f.mobile.trim()) body.mobile = f.mobile.trim();
    if (f.perms.length) body.permissions = f.perms;
    const r = await post(`/entities/${entityID}/employees`, body);
    setCreated(r.user);
  }, load);
  const toggle = async (emp) => {
    try { await post(`/entities/${entityID}/employees/${emp.id}/${emp.active ? 'disable' : 'enable'}`); load(); } catch (x) { setError(errorOf(x)); }
  };
  const deptName = (id) => pick(depts.find((d) => d.id === id));
  return html`<div class="admin-grid">
    <div><h2>${t('admin.employees')}</h2>
      <${ErrorSummary} error=${error} />
      ${!list ? html`<${Spinner} />` : html`<div class="table-wrap"><table>
        <thead><tr><th scope="col">${t('admin.name')}</th><th scope="col">${t('admin.role')}</th>
          <th scope="col">${t('admin.department')}</th><th scope="col">${t('admin.state')}</th><th scope="col"><span class="visually-hidden">${t('admin.actions')}</span></th></tr></thead>
        <tbody>${list.map((e) => html`<tr class=${e.active ? '' : 'inactive'}>
          <td>${e.name}<br /><span class="mono small" dir="ltr">${e.email}</span></td><td>${t('role.' + e.role)}</td>
          <td>${deptName(e.department_id)}</td><td>${e.active ? t('admin.active') : t('admin.disabled')}</td>
          <td class="row-actions">
            <button type="button" class="link-button" onClick=${() => setEditing(editing === e.id ? null : e.id)}>${t('admin.permissions')}</button>
            <button type="button" class="link-button" onClick=${() => toggle(e)}>${e.active ? t('admin.disable') : t('admin.enable')}</button>
          </td></tr>
          ${editing === e.id && html`<tr><td colspan="5"><${Permissions} entityID=${entityID} emp=${e} onDone=${() => { setEditing(null); load(); }} /></td></tr>`}`)}
        </tbody></table></div>`}
    </div>
    <form class="card form" onSubmit=${form.submit} novalidate aria-labelledby="new-emp">
      <h2 id="new-emp">${t('admin.new_employee')}</h2>
      ${created && html`<p class="flash flash-ok" role="status">${t('admin.employee_created', { name: created.name })}</p>`}
      <${ErrorSummary} error=${form.error} />
      <${Input} id="emp-name" label=${t('admin.name')} value=${form.f.name} error=${form.fe.name} onInput=${form.up('name')} />
      <${Input} id="emp-email" type="email" label=${t('admin.email')} value=${form.f.email} error=${form.fe.email} dir="ltr" onInput=${form.up('email')} />
      <${Input} id="emp-mobile" type="tel" label=${t('admin.mobile')} value=${form.f.mobile} error=${form.fe.mobile} dir="ltr" onInput=${form.up('mobile')} />
      <${Select} id="emp-dept" label=${t('admin.department')} value=${form.f.department_id} error=${form.fe.department_id}
        placeholder=${t('form.choose')} options=${depts.map((d) => ({ value: d.id, label: pick(d) }))} onChange=${form.up('department_id')} />
      <${Select} id="emp-role" label=${t('admin.role')} value=${form.f.role} error=${form.fe.role}
        options=${roles.map((r) => ({ value: r, label: t('role.' + r) }))} onChange=${form.up('role')} />
      <fieldset class="choices perms"><legend>${t('admin.extra_permissions')}</legend>
        ${permissions.map((p) => html`<label class="choice"><input type="checkbox" checked=${form.f.perms.includes(p)}
          onChange=${(ev) => form.setF({ ...form.f, perms: ev.target.checked ? [...form.f.perms, p] : form.f.perms.filter((x) => x !== p) })} />
          ${t('perm.' + p)}</label>`)}
      </fieldset>
      <p class="hint">${t('admin.password_emailed')}</p>
      <button class="primary" type="submit" disabled=${form.busy}>${t('admin.create')}</button>
    </form>
  </div>`;
}
