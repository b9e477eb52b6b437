// screens/queue.js: the employee's queue (priority, due time, late marker),
// updated live when a case is assigned, with search by case number,
// national ID, mobile or words, and filters.
import { html, useEffect, useRef, useState } from '../html.js';
import { t } from '../i18n.js';
import { get, qs } from '../api.js';
import { live } from '../live.js';
import { can } from '../session.js';
import { Page, Spinner, ErrorSummary, errorOf, Input, Select } from '../components.js';
import { CaseList } from './cases.js';

const statuses = ['new', 'assigned', 'in_progress', 'awaiting_citizen', 'postponed', 'resolved', 'objected', 'closed'];

export function Queue({ user }) {
  const wide = can(user, 'case.view_all') || user.role === 'oversight';
  const [scope, setScope] = useState(wide ? 'all' : 'me');
  const [filter, setFilter] = useState({ q: '', status: '', priority: '', late: '' });
  const [query, setQuery] = useState(filter);
  const [cases, setCases] = useState(null);
  const [error, setError] = useState(null);
  const pending = useRef(null);
  const load = () => get('/cases' + qs({ ...query, assignee: scope === 'me' ? 'me' : '', late: query.late ? 'true' : '' }))
    .then((r) => { setCases(r.cases); setError(null); }).catch((e) => setError(errorOf(e)));
  const soon = () => { clearTimeout(pending.current); pending.current = setTimeout(load, 150); };
  useEffect(() => { load(); }, [scope, query]);
  useEffect(() => {
    const subs = [live.subscribe('user:' + user.id, { onEvent: soon })];
    if (user.entity_id && can(user, 'reports.view')) subs.push(live.subscribe(`entity:${user.entity_id}:feed`, { onEvent: soon }));
    return () => { subs.forEach((s) => s.close()); clearTimeout(pending.current); };
  }, [scope, query]);
  const search = (ev) => { ev.preventDefault(); setQuery({ ...filter }); };
  return html`<${Page} title=${t('queue.title')} wide>
    <form class="card filters" role="search" onSubmit=${search}>
      <${Input} id="q" type="search" label=${t('queue.search')} hint=${t('queue.search_hint')} value=${filter.q}
        onInput=${(v) => setFilter({ ...filter, q: v })} />
      <div class="row">
        <${Select} id="f-status" label=${t('case.status')} value=${filter.status} placeholder=${t('form.all')}
          options=${statuses.map((s) => ({ value: s, label: t('status.' + s) }))} onChange=${(v) => setFilter({ ...filter, status: v })} />
        <${Select} id="f-priority" label=${t('case.priority')} value=${filter.priority} placeholder=${t('form.all')}
          options=${['normal', 'important', 'very_important'].map((p) => ({ value: p, label: t('priority.' + p) }))}
          onChange=${(v) => setFilter({ ...filter, priority: v })} />
        <label class="choice"><input type="checkbox" checked=${!!filter.late} onChange=${(e) => setFilter({ ...filter, late: e.target.checked ? '1' : '' })} />
          ${t('queue.late_only')}</label>
      </div>
      <div class="row">
        <button class="primary" type="submit">${t('queue.apply')}</button>
        ${wide && html`<fieldset class="choices inline"><legend class="visually-hidden">${t('queue.scope')}</legend>
          <label class="choice"><input type="radio" name="scope" checked=${scope === 'me'} onChange=${() => setScope('me')} /> ${t('queue.mine')}</label>
          <label class="choice"><input type="radio" name="scope" checked=${scope === 'all'} onChange=${() => setScope('all')} /> ${t('queue.all')}</label>
        </fieldset>`}
      </div>
    </form>
    <${ErrorSummary} error=${error} />
    ${cases ? html`<${CaseList} cases=${cases} staff />` : !error && html`<${Spinner} />`}
  <//>`;
}
