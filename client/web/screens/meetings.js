// screens/meetings.js: the caller's meetings (a board member's, or all of
// the entity's for its admins), each a link to its room, with the caller's
// answer to the invitation (attend / decline / tentative; everyone's answers
// are in the room); whoever manages meetings, or chairs or is secretary of a
// board (GET /boards), schedules one (meeting_schedule.js). A search by
// words of the title or of an agenda item (the server ignores diacritics and
// letter variants) lists what matched, highlighted; the words are in the URL.
import { html, useEffect, useState } from '../html.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { live } from '../live.js';
import { can } from '../session.js';
import { navigate } from '../store.js';
import { Page, Spinner, Input, ErrorSummary, errorOf, When, Marked } from '../components.js';
import { Schedule } from './meeting_schedule.js';

const answers = ['attend', 'tentative', 'decline'];

// Found shows where a searched meeting matched: the agenda items.
function Found({ m }) {
  const items = (m.highlights && m.highlights.agenda) || [];
  if (items.length === 0) return null;
  return html`<ul class="found-items">${items.map((h) => {
    const it = (m.agenda || []).find((a) => a.id === h.id);
    return it && html`<li>${t('meetings.in_agenda')}: <${Marked} text=${it.title} spans=${h.title} /></li>`;
  })}</ul>`;
}

export function Meetings({ user, params }) {
  const q = (params && params.get('q')) || '';
  const [text, setText] = useState(q);
  const [meetings, setMeetings] = useState(null);
  const [error, setError] = useState(null);
  const [runs, setRuns] = useState([]); // the boards the caller chairs or is secretary of
  const load = () => get('/meetings' + (q ? '?q=' + encodeURIComponent(q) : '')).then((r) => setMeetings(r.meetings || [])).catch((e) => setError(errorOf(e)));
  useEffect(() => {
    setMeetings(null);
    load();
    // Invitations, updates and cancellations reach the members' own channel.
    const sub = live.subscribe('user:' + user.id, { onEvent: (ev) => { if (ev && /^meeting\./.test(ev.type)) load(); } });
    return () => sub.close();
  }, [q]);
  useEffect(() => {
    get('/boards').then((r) => setRuns((r.boards || []).filter((b) => b.my_role === 'chair' || b.my_role === 'secretary'))).catch(() => {});
  }, []);
  const answer = async (m, a) => {
    setError(null);
    try {
      const r = await post(`/meetings/${m.id}/rsvp`, { answer: a });
      setMeetings((list) => list.map((x) => (x.id === m.id ? { ...x, my_rsvp: r.meeting.my_rsvp } : x)));
    } catch (e) { setError(errorOf(e)); }
  };
  const manages = !!user.entity_id && (user.role === 'entity_admin' || can(user, 'meetings.manage'));
  return html`<${Page} title=${t('meetings.title')}>
    <${ErrorSummary} error=${error} />
    ${(manages || runs.length > 0) && html`<${Schedule} user=${user} manages=${manages} runs=${runs} onDone=${load} />`}
    <form class="card filters" role="search" onSubmit=${(ev) => { ev.preventDefault(); navigate('/meetings' + (text.trim() ? '?q=' + encodeURIComponent(text.trim()) : '')); }}>
      <${Input} id="meeting-q" type="search" label=${t('meetings.search')} hint=${t('meetings.search_hint')} value=${text} onInput=${setText} />
      <button class="secondary" type="submit">${t('meetings.search_go')}</button>
    </form>
    ${!meetings && !error && html`<${Spinner} />`}
    ${meetings && meetings.length === 0 && html`<p class="empty">${q ? t('meetings.no_results', { q }) : t('meetings.empty')}</p>`}
    ${meetings && meetings.length > 0 && html`<ul class="plain-list meeting-list">
      ${meetings.map((m) => {
        const open = m.status === 'scheduled' || m.status === 'started';
        return html`<li key=${m.id} data-meeting=${m.id}>
          <a class="meeting-link" href=${'/meetings/' + m.id}><${Marked} text=${m.title} spans=${m.highlights && m.highlights.title} /></a>
          <span class="badge">${t('meeting.status.' + m.status)}</span>
          <${When} iso=${m.starts_at} />
          <${Found} m=${m} />
          ${m.my_role && open && html`<div class="rsvp" role="group" aria-label=${t('meetings.your_answer')}>
            ${answers.map((a) => html`<button type="button" class="small" data-answer=${a} aria-pressed=${m.my_rsvp === a ? 'true' : 'false'}
              onClick=${() => answer(m, a)}>${t('rsvp.' + a)}<span class="visually-hidden"> — ${m.title}</span></button>`)}
          </div>`}
        </li>`;
      })}
    </ul>`}
  <//>`;
}
