// screens/cases.js: the citizen's cases, with status, priority and due
// date, kept fresh by the live user channel.
import { html, useEffect, useState } from '../html.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { live } from '../live.js';
import { Page, Spinner, When, StatusBadge, PriorityBadge, Late, CaseNumber, ErrorSummary, errorOf } from '../components.js';

export function CaseList({ cases, staff }) {
  if (cases.length === 0) return html`<p class="empty">${t(staff ? 'queue.empty' : 'cases.empty')}</p>`;
  return html`<ul class="case-list">
    ${cases.map((c) => html`<li class=${'case-row' + (c.late ? ' is-late' : '')} data-case=${c.id}>
      <a href=${'/cases/' + c.id} class="case-link">
        <span class="subject">${c.subject}</span>
        <span class="meta"><${CaseNumber} c=${c} /> <${StatusBadge} c=${c} /> <${PriorityBadge} p=${c.priority} /> <${Late} c=${c} /></span>
      </a>
      <dl class="facts">
        ${staff && html`<div><dt>${t('case.requester')}</dt><dd>${c.requester && c.requester.name}</dd></div>`}
        ${!staff && html`<div><dt>${t('case.assignee')}</dt><dd>${c.assignee ? c.assignee.name : t('case.unassigned')}</dd></div>`}
        <div><dt>${t('case.due')}</dt><dd><${When} iso=${c.due_at} /></dd></div>
      </dl>
    </li>`)}
  </ul>`;
}

export function MyCases({ user }) {
  const [cases, setCases] = useState(null);
  const [error, setError] = useState(null);
  const load = () => get('/cases').then((r) => setCases(r.cases)).catch((e) => setError(errorOf(e)));
  useEffect(() => {
    load();
    const sub = live.subscribe('user:' + user.id, { onEvent: load });
    return () => sub.close();
  }, []);
  return html`<${Page} title=${t('cases.title')}>
    <p><a class="button" href="/cases/new">${t('nav.new_case')}</a></p>
    <${ErrorSummary} error=${error} />
    ${cases ? html`<${CaseList} cases=${cases} />` : !error && html`<${Spinner} />`}
  <//>`;
}
