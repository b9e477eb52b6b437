// screens/meetings.js: the caller's meetings (a board member's, or all of
// the entity's for its admins), each a link to its room. A later issue
// grows it (scheduling, invitations); the room is screens/meeting_room.js.
import { html, useEffect, useState } from '../html.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { Page, Spinner, ErrorSummary, errorOf, When } from '../components.js';

export function Meetings() {
  const [meetings, setMeetings] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    get('/meetings').then((r) => setMeetings(r.meetings || [])).catch((e) => setError(errorOf(e)));
  }, []);
  return html`<${Page} title=${t('meetings.title')}>
    <${ErrorSummary} error=${error} />
    ${!meetings && !error && html`<${Spinner} />`}
    ${meetings && meetings.length === 0 && html`<p class="empty">${t('meetings.empty')}</p>`}
    ${meetings && meetings.length > 0 && html`<ul class="plain-list meeting-list">
      ${meetings.map((m) => html`<li key=${m.id}>
        <a class="meeting-link" href=${'/meetings/' + m.id}>${m.title}</a>
        <span class="badge">${t('meeting.status.' + m.status)}</span>
        <${When} iso=${m.starts_at} />
      </li>`)}
    </ul>`}
  <//>`;
}
