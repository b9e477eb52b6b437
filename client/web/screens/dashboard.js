// screens/dashboard.js: the statistics dashboard. A supervisor or an
// entity admin sees their entity (a supervisor: their department, as the
// API scopes it); oversight and the platform admin first see every entity
// and open one. One call (GET /stats/entities/{id}/dashboard) paints the
// period's figures, the chart, the departments and the live counters; the
// counters then move with the entity feed's `counters` events. The period
// and grouping live in the URL, so a view can be shared.
import { html, useEffect, useState } from '../html.js';
import { t, num } from '../i18n.js';
import { get, qs } from '../api.js';
import { live } from '../live.js';
import { navigate } from '../store.js';
import { can } from '../session.js';
import { Page, Spinner, ErrorSummary, errorOf, When } from '../components.js';
import { Chart, Employees, seconds, pct } from './dashboard_parts.js';

// mayOpen tells whether u may open the dashboard at all.
export const mayOpen = (u) => !!u && (can(u, 'reports.view') || u.role === 'oversight' || u.role === 'platform_admin');

export function Dashboard({ user, id, params }) {
  const entityID = id || (can(user, 'reports.view') ? user.entity_id : '');
  if (!mayOpen(user)) return html`<${Page} title=${t('dash.title')}><p class="notice">${t('dash.forbidden')}</p><//>`;
  if (!entityID) return html`<${AllEntities} params=${params} />`;
  return html`<${EntityDashboard} key=${entityID} user=${user} entityID=${entityID} params=${params} />`;
}

// periodOf reads the period and grouping from the URL.
const periodOf = (params) => ({ from: params.get('from') || '', to: params.get('to') || '', by: params.get('by') || '' });

// todayIn is today's date (YYYY-MM-DD) in time zone tz: the entity's, as
// the statistics count days, not the browser's (a supervisor abroad, or
// oversight in another zone, would otherwise get yesterday's "today").
const todayIn = (tz) => {
  const opts = { year: 'numeric', month: '2-digit', day: '2-digit' };
  try { return new Intl.DateTimeFormat('en-CA', { ...opts, timeZone: tz || undefined }).format(new Date()); } catch {
    return new Intl.DateTimeFormat('en-CA', opts).format(new Date()); // an unknown zone: the browser's
  }
};

// shift moves a YYYY-MM-DD date by n days (calendar days, no zone).
const shift = (ymd, n) => { const d = new Date(ymd + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };

function presets(tz) {
  const today = todayIn(tz);
  return [
    ['today', { from: today, to: today, by: 'day' }],
    ['week', { from: shift(today, -6), to: today, by: 'day' }],
    ['month', { from: today.slice(0, 8) + '01', to: today, by: 'day' }],
    ['30', { from: shift(today, -29), to: today, by: 'day' }],
  ];
}

// PeriodForm picks the period (presets or two dates) and the grouping.
function PeriodForm({ period, answered }) {
  const [f, setF] = useState({
    from: period.from || (answered && answered.from_date) || '', to: period.to || (answered && answered.to_date) || '', by: period.by || 'day',
  });
  const go = (p) => navigate(location.pathname + qs(p));
  return html`<form class="card form period-form" role="search" aria-label=${t('dash.period')}
      onSubmit=${(ev) => { ev.preventDefault(); go(f); }}>
    <div class="presets" role="group" aria-label=${t('dash.period')}>
      ${presets(answered && answered.time_zone).map(([k, p]) => html`<button type="button" class="secondary" data-preset=${k} onClick=${() => { setF(p); go(p); }}>${t('dash.preset.' + k)}</button>`)}
    </div>
    <div class="period-fields">
      <label>${t('dash.from')} <input id="dash-from" type="date" value=${f.from} onInput=${(e) => setF({ ...f, from: e.target.value })} /></label>
      <label>${t('dash.to')} <input id="dash-to" type="date" value=${f.to} onInput=${(e) => setF({ ...f, to: e.target.value })} /></label>
      <label>${t('dash.by')} <select id="dash-by" value=${f.by} onChange=${(e) => setF({ ...f, by: e.target.value })}>
        ${['day', 'week', 'month'].map((b) => html`<option value=${b} selected=${f.by === b}>${t('dash.by.' + b)}</option>`)}
      </select></label>
      <button class="primary" type="submit">${t('dash.apply')}</button>
    </div>
  </form>`;
}

function EntityDashboard({ user, entityID, params }) {
  const period = periodOf(params);
  const query = qs(period);
  const [data, setData] = useState(null);
  const [counters, setCounters] = useState(null);
  const [error, setError] = useState(null);
  const [dept, setDept] = useState(user.department_id && !can(user, 'entity.manage') ? user.department_id : '');
  useEffect(() => {
    setData(null);
    get(`/stats/entities/${entityID}/dashboard${query}`)
      .then((d) => { setData(d); setCounters(d.counters); setError(null); })
      .catch((e) => setError(errorOf(e)));
  }, [entityID, query]);
  // The counters move live: the entity feed carries them, for the same
  // scope (entity-wide, or the supervisor's department) as the answer's.
  const scope = data && data.counters ? data.counters.department_id || '' : null;
  useEffect(() => {
    if (scope === null) return undefined;
    const sub = live.subscribe(`entity:${entityID}:feed`, {
      onEvent: (ev) => {
        if (ev && ev.type === 'counters' && ev.entity_id === entityID && (ev.department_id || '') === scope) setCounters(ev);
      },
    });
    return () => sub.close();
  }, [entityID, scope]);
  if (error) return html`<${Page} title=${t('dash.title')}><${ErrorSummary} error=${error} /><//>`;
  if (!data) return html`<${Page} title=${t('dash.title')}><${Spinner} /><//>`;
  const fg = data.figures;
  const p = fg.period;
  const groups = (data.by_department && data.by_department.groups) || [];
  const deptName = (groups.find((g) => g.key === dept) || {}).name || '';
  return html`<${Page} title=${t('dash.title')} wide>
    <p class="lead period-line">${t('dash.period')}: <${When} iso=${p.from_date + 'T12:00:00Z'} time=${false} /> — <${When} iso=${p.to_date + 'T12:00:00Z'} time=${false} /></p>
    <${PeriodForm} key=${query} period=${period} answered=${p} />
    <section aria-labelledby="h-now" class="dash-section">
      <h2 id="h-now">${t('dash.now')} <span class="badge live-badge">${t('dash.live')}</span></h2>
      <ul class="cards counters" aria-live="polite">
        ${['open', 'late', 'opened_today', 'resolved_today'].map((k) => html`<${Stat} k=${k} v=${num(counters ? counters[k] : 0)} />`)}
      </ul>
    </section>
    <section aria-labelledby="h-period" class="dash-section">
      <h2 id="h-period">${t('dash.in_period')}</h2>
      <ul class="cards figures">
        <${Stat} k="total" v=${num(fg.total)} />
        <${Stat} k="completed" v=${num(fg.completed)} />
        <${Stat} k="sla_met" v=${pct(fg.sla_met_pct)} />
        <${Stat} k="first_response" v=${seconds(fg.avg_first_response_s)} />
        <${Stat} k="resolution" v=${seconds(fg.avg_resolution_s)} />
        <${Stat} k="rating" v=${fg.avg_rating == null ? t('dash.none') : num(fg.avg_rating, { maximumFractionDigits: 1 }) + ' / ' + num(5)} />
        <${Stat} k="escalations" v=${num(fg.escalations)} />
        <${Stat} k="objections" v=${pct(fg.objection_rate_pct)} />
      </ul>
    </section>
    <${Chart} buckets=${(data.indicators && data.indicators.buckets) || []} />
    ${groups.length > 0 && html`<section aria-labelledby="h-depts" class="dash-section">
      <h2 id="h-depts">${t('dash.departments')}</h2>
      <div class="table-wrap"><table class="departments">
        <thead><tr><th scope="col">${t('dash.department')}</th><th scope="col">${t('dash.total')}</th><th scope="col">${t('dash.open')}</th>
          <th scope="col">${t('dash.late')}</th><th scope="col">${t('dash.completed')}</th><th scope="col">${t('dash.sla_met')}</th>
          <th scope="col">${t('dash.first_response')}</th><th scope="col"><span class="visually-hidden">${t('dash.employees')}</span></th></tr></thead>
        <tbody>${groups.map((g) => html`<tr data-department=${g.key}>
          <th scope="row">${g.name}</th><td>${num(g.total)}</td><td>${num(g.open)}</td><td>${num(g.late)}</td><td>${num(g.completed)}</td>
          <td>${pct(g.sla_met_pct)}</td><td>${seconds(g.avg_first_response_s)}</td>
          <td><button type="button" class="link-button" aria-pressed=${dept === g.key} onClick=${() => setDept(g.key)}>${t('dash.show_employees')}</button></td>
        </tr>`)}</tbody>
      </table></div>
    </section>`}
    ${dept && html`<${Employees} key=${dept + query} departmentID=${dept} name=${deptName} query=${query} />`}
  <//>`;
}

function Stat({ k, v }) {
  return html`<li class=${'card stat stat-' + k} data-stat=${k}><span class="stat-label">${t('dash.' + k)}</span><span class="stat-value">${v}</span></li>`;
}

// AllEntities is oversight's first view: every entity's figures, each a
// way into its dashboard.
function AllEntities({ params }) {
  const period = periodOf(params);
  const query = qs({ from: period.from, to: period.to });
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { get('/stats/entities' + query).then(setData).catch((e) => setError(errorOf(e))); }, [query]);
  return html`<${Page} title=${t('dash.title')} wide>
    <${ErrorSummary} error=${error} />
    ${!data && !error ? html`<${Spinner} />` : data && html`
      <${PeriodForm} key=${query} period=${period} answered=${data.period} />
      <div class="table-wrap"><table class="entities-table">
        <caption>${t('dash.entities')}</caption>
        <thead><tr><th scope="col">${t('dash.entity')}</th><th scope="col">${t('dash.total')}</th><th scope="col">${t('dash.open')}</th>
          <th scope="col">${t('dash.late')}</th><th scope="col">${t('dash.completed')}</th><th scope="col">${t('dash.sla_met')}</th>
          <th scope="col">${t('dash.resolution')}</th></tr></thead>
        <tbody>${(data.groups || []).map((g) => html`<tr data-entity=${g.key}>
          <th scope="row"><a href=${'/dashboard/' + g.key + query}>${g.name}</a></th><td>${num(g.total)}</td><td>${num(g.open)}</td>
          <td>${num(g.late)}</td><td>${num(g.completed)}</td><td>${pct(g.sla_met_pct)}</td><td>${seconds(g.avg_resolution_s)}</td>
        </tr>`)}</tbody>
      </table></div>`}
  <//>`;
}
