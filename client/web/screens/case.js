// screens/case.js: one case, for its requester and for staff. The public
// timeline (and, for staff with the permission, the internal one on its own,
// visibly different tab) updates live from case:<id> and case:<id>:staff,
// with who is present and who is typing.
import { html, useEffect, useRef, useState } from '../html.js';
import { t, digitsIn, duration, size } from '../i18n.js';
import { get } from '../api.js';
import { live } from '../live.js';
import { isStaff, can } from '../session.js';
import { Page, Spinner, When, StatusBadge, PriorityBadge, Late, CaseNumber, ErrorSummary, errorOf } from '../components.js';
import { Composer, CitizenActions, StaffActions } from './case_tools.js';

const maxSeq = (events, ch) => events.filter((e) => e.channel === ch).reduce((m, e) => Math.max(m, e.seq), 0);

function EventBody({ e, c }) {
  const d = e.data || {};
  switch (e.type) {
    case 'comment': return html`<p class="body">${d.body}</p>`;
    case 'created': return html`<p class="sys">${t('ev.created')}</p>`;
    case 'assigned': return html`<p class="sys">${t('ev.assigned', {
      name: (c.assignee && c.assignee.id === d.assignee_id) ? c.assignee.name : t('ev.an_employee') })}${d.auto ? ' ' + t('ev.auto') : ''}</p>`;
    case 'status_changed': return html`<p class="sys">${t('ev.status', { from: t('status.' + d.from), to: t('status.' + d.to) })}</p>`;
    case 'postponed': case 'postponement_requested': case 'postponement_approved':
      return html`<p class="sys">${t('ev.' + e.type)} <${When} iso=${d.until} /></p>${d.reason && html`<p class="body">${d.reason}</p>`}`;
    case 'postponement_refused': return html`<p class="sys">${t('ev.postponement_refused')}</p><p class="body">${d.reason}</p>`;
    case 'resolved': return html`<p class="sys">${t('ev.resolved')}</p><p class="body">${d.resolution}</p>`;
    case 'objected': return html`<p class="sys">${t('ev.objected', { level: t('role.' + d.level) })}</p><p class="body">${d.reason}</p>`;
    case 'escalated': return html`<p class="sys">${t('ev.escalated', { level: t('role.' + d.level) })}</p>`;
    case 'rated': return html`<p class="sys">${t('ev.rated', { score: d.score })} <span class="stars" aria-hidden="true">${'★'.repeat(d.score)}</span></p>
      ${d.comment && html`<p class="body">${d.comment}</p>`}`;
    case 'voice': return html`<div class="voice"><audio controls preload="metadata" src=${'/api/v1/attachments/' + d.attachment_id}
        aria-label=${t('ev.voice')}></audio> <span class="duration" data-duration-ms=${d.duration_ms}>${duration(d.duration_ms)}</span></div>`;
    case 'attachment': return html`<p class="file"><a href=${'/api/v1/attachments/' + d.attachment_id} download=${d.name}>${d.name}</a>
      <span class="size">${size(d.size)}</span></p>`;
    case 'reminder': case 'overdue': return html`<p class="sys">${t('ev.' + e.type)} <${When} iso=${d.due_at} /></p>`;
    default: return html`<p class="sys">${t('ev.' + e.type)}</p>`;
  }
}

function Timeline({ events, c, internal }) {
  const end = useRef(null);
  useEffect(() => { if (end.current && end.current.scrollIntoView) end.current.scrollIntoView({ block: 'nearest' }); }, [events.length]);
  if (events.length === 0) return html`<p class="empty">${t('case.no_events')}</p>`;
  return html`<ol class=${'timeline' + (internal ? ' internal' : '')} aria-live="polite">
    ${events.map((e) => html`<li key=${e.channel + e.seq} class=${'ev ev-' + e.type + (e.actor && e.actor.id === c.requester.id ? ' from-requester' : '')}
        data-seq=${e.seq} data-visibility=${e.visibility}>
      <div class="ev-head"><span class="actor">${e.actor ? e.actor.name : t('ev.system')}</span> <${When} iso=${e.created_at} /></div>
      <${EventBody} e=${e} c=${c} />
    </li>`)}
    <li ref=${end} class="end" aria-hidden="true"></li>
  </ol>`;
}

function Facts({ c }) {
  return html`<dl class="facts case-facts">
    <div><dt>${t('case.number')}</dt><dd><${CaseNumber} c=${c} /></dd></div>
    <div><dt>${t('case.status')}</dt><dd><${StatusBadge} c=${c} /> <${Late} c=${c} /></dd></div>
    <div><dt>${t('case.priority')}</dt><dd><${PriorityBadge} p=${c.priority} /></dd></div>
    <div><dt>${t('case.due')}</dt><dd><${When} iso=${c.due_at} /></dd></div>
    <div><dt>${t('case.requester')}</dt><dd>${c.requester.name}</dd></div>
    <div><dt>${t('case.assignee')}</dt><dd>${c.assignee ? c.assignee.name : t('case.unassigned')}</dd></div>
    <div><dt>${t('case.opened')}</dt><dd><${When} iso=${c.created_at} /></dd></div>
    ${c.kind && html`<div><dt>${t('newcase.kind')}</dt><dd>${t('kind.' + c.kind)}${c.category ? ' — ' + t('category.' + c.category) : ''}</dd></div>`}
    ${c.location && html`<div><dt>${t('newcase.location')}</dt><dd dir="ltr">${digitsIn(c.location.lat + ', ' + c.location.lng)}</dd></div>`}
    ${c.escalation_level && c.escalation_level !== 'employee' && html`<div><dt>${t('case.level')}</dt><dd>${t('role.' + c.escalation_level)}</dd></div>`}
    ${c.rating > 0 && html`<div><dt>${t('case.rating')}</dt><dd>${digitsIn(c.rating)} / ${digitsIn(5)}</dd></div>`}
  </dl>`;
}

export function CaseScreen({ id, user }) {
  const [c, setC] = useState(null);
  const [events, setEvents] = useState([]);
  const [error, setError] = useState(null);
  const [tab, setTab] = useState('public');
  const [present, setPresent] = useState(new Set());
  const [typing, setTyping] = useState({});
  const staff = isStaff(user) || user.role === 'oversight';
  const internalAllowed = staff && can(user, 'case.view_internal');
  const pub = 'case:' + id, stf = 'case:' + id + ':staff';
  const reload = () => get('/cases/' + id).then((r) => setC(r.case)).catch((e) => setError(errorOf(e)));

  useEffect(() => {
    let subs = [];
    let stopped = false;
    (async () => {
      try {
        const [{ case: cs }, { events: evs }] = await Promise.all([get('/cases/' + id), get(`/cases/${id}/events`)]);
        if (stopped) return;
        setC(cs);
        setEvents(evs);
        const add = (ev) => {
          setEvents((old) => (old.some((o) => o.channel === ev.channel && o.seq === ev.seq) ? old : [...old, ev]));
          if (ev.type !== 'comment') reload();
          if (ev.actor) setTyping((ty) => { const n = { ...ty }; delete n[ev.actor.id]; return n; });
        };
        const presence = {
          onSnapshot: (d) => setPresent(new Set(d.presence || [])),
          onPresence: (d) => setPresent((p) => { const n = new Set(p); if (d.action === 'leave') n.delete(d.user_id); else n.add(d.user_id); return n; }),
          onTyping: (d) => {
            if (d.user_id === user.id) return;
            setTyping((ty) => ({ ...ty, [d.user_id]: d.state === 'stop' ? undefined : Date.now() }));
          },
        };
        subs.push(live.subscribe(pub, { onEvent: add, ...presence }, maxSeq(evs, pub)));
        if (internalAllowed) subs.push(live.subscribe(stf, { onEvent: add }, maxSeq(evs, stf)));
      } catch (e) { setError(errorOf(e)); }
    })();
    const tick = setInterval(() => setTyping((ty) => {
      const now = Date.now(), n = {};
      for (const [k, v] of Object.entries(ty)) if (v && now - v < 5000) n[k] = v;
      return Object.keys(n).length === Object.keys(ty).length ? ty : n;
    }), 1000);
    return () => { stopped = true; subs.forEach((s) => s.close()); clearInterval(tick); };
  }, [id]);

  if (error && !c) return html`<${Page} title=${t('case.title')}><${ErrorSummary} error=${error} /><//>`;
  if (!c) return html`<${Page} title=${t('case.title')}><${Spinner} /><//>`;
  const names = new Map([[c.requester.id, c.requester.name], [user.id, user.name]]);
  if (c.assignee) names.set(c.assignee.id, c.assignee.name);
  for (const e of events) if (e.actor) names.set(e.actor.id, e.actor.name);
  const who = (ids) => [...ids].map((i) => names.get(i) || t('case.someone'));
  const typers = Object.keys(typing).filter((k) => typing[k]);
  const shown = events.filter((e) => (tab === 'internal' ? e.channel === stf : e.channel === pub));
  const pubCount = events.filter((e) => e.channel === pub).length;
  const stfCount = events.length - pubCount;
  return html`<${Page} title=${c.subject} wide>
    <div class="case-layout">
      <aside class="case-side">
        <${Facts} c=${c} />
        ${c.body && html`<div class="case-body"><h2>${t('newcase.body')}</h2><p>${c.body}</p></div>`}
        <div class="presence" aria-live="polite"><h2>${t('case.present')}</h2>
          <ul>${who(present).map((n) => html`<li>${n}</li>`)}</ul></div>
        ${staff ? html`<${StaffActions} c=${c} user=${user} onDone=${reload} />` : html`<${CitizenActions} c=${c} onDone=${reload} />`}
      </aside>
      <div class="case-main">
        ${internalAllowed && html`<div class="tabs" role="tablist" aria-label=${t('case.timelines')}>
          <button type="button" role="tab" id="tab-public" aria-selected=${tab === 'public'} aria-controls="panel"
            onClick=${() => setTab('public')}>${t('case.tab_public')} (${digitsIn(pubCount)})</button>
          <button type="button" role="tab" id="tab-internal" class="internal-tab" aria-selected=${tab === 'internal'}
            aria-controls="panel" onClick=${() => setTab('internal')}>${t('case.tab_internal')} (${digitsIn(stfCount)})</button>
        </div>`}
        <div id="panel" role=${internalAllowed ? 'tabpanel' : undefined} class=${tab === 'internal' ? 'panel internal' : 'panel'}
          aria-labelledby=${internalAllowed ? 'tab-' + tab : undefined}>
          ${tab === 'internal' && html`<p class="internal-note-banner">${t('case.internal_banner')}</p>`}
          <${Timeline} events=${shown} c=${c} internal=${tab === 'internal'} />
          <p class="typing" aria-live="polite">${typers.length > 0 ? t('case.typing', { names: who(typers).join('، ') }) : ''}</p>
          <${Composer} c=${c} user=${user} internal=${tab === 'internal'} channel=${pub} staff=${staff} onError=${setError} />
          <${ErrorSummary} error=${error} />
        </div>
      </div>
    </div>
  <//>`;
}
