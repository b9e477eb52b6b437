// screens/notifications.js: my notifications (in-app), newest first, live.
import { html, useEffect, useState } from '../html.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { live } from '../live.js';
import { Page, Spinner, When, ErrorSummary, errorOf } from '../components.js';

export function Notifications({ user }) {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const load = () => get('/notifications').then((r) => setList(r.notifications)).catch((e) => setError(errorOf(e)));
  useEffect(() => {
    load();
    const sub = live.subscribe('user:' + user.id, { onEvent: load });
    return () => sub.close();
  }, []);
  const readAll = async () => { try { await post('/notifications/read-all'); load(); } catch (e) { setError(errorOf(e)); } };
  return html`<${Page} title=${t('notifications.title')}>
    <${ErrorSummary} error=${error} />
    <p><button type="button" class="secondary" onClick=${readAll}>${t('notifications.read_all')}</button></p>
    ${!list ? html`<${Spinner} />` : list.length === 0 ? html`<p class="empty">${t('notifications.empty')}</p>` : html`<ul class="notes">
      ${list.map((n) => html`<li class=${n.read_at ? 'read' : 'unread'}>
        <p class="note-title">${n.case_id ? html`<a href=${'/cases/' + n.case_id}>${n.title}</a>` : n.title}</p>
        ${n.body && html`<p>${n.body}</p>`}
        <${When} iso=${n.created_at} />
      </li>`)}
    </ul>`}
  <//>`;
}
