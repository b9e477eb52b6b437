// screens/meeting_minutes.js: the minutes in the meeting room. Members read
// them (the draft is filled in from attendance, agenda, decisions and vote
// results until someone edits it); the chair, the secretary or an admin
// edits the text (PUT with the version read, so two editors never overwrite
// each other); the chair approves, which freezes that version (editing again
// starts the next draft). The printable right-to-left page is the server's
// minutes.html.
import { html, useEffect, useState } from '../html.js';
import { t, num } from '../i18n.js';
import { get, put, post } from '../api.js';
import { ErrorSummary, errorOf, When } from '../components.js';

export function Minutes({ meeting, runs, chairs }) {
  const [mi, setMi] = useState(null);
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const load = () => get(`/meetings/${meeting.id}/minutes`).then((r) => { setMi(r.minutes); setText(r.minutes.body); })
    .catch((e) => setError(errorOf(e)));
  useEffect(() => { load(); }, [meeting.id]);
  const act = async (fn) => {
    setError(null);
    setSaved(false);
    try { const r = await fn(); setMi(r.minutes); setText(r.minutes.body); setSaved(true); } catch (e) { setError(errorOf(e)); }
  };
  const save = (ev) => { ev.preventDefault(); act(() => put(`/meetings/${meeting.id}/minutes`, { body: text, version: mi.version || 0 })); };
  if (!mi && !error) return null;
  return html`<section class="card minutes" aria-labelledby="minutes-h">
    <h2 id="minutes-h">${t('minutes.title')}</h2>
    <${ErrorSummary} error=${error} />
    ${mi && html`<p class="minutes-state" data-status=${mi.status}>
      <span class="badge">${t('minutes.status.' + mi.status)}</span> ${t('minutes.version', { n: mi.version || 1 })}
      ${mi.approved_at && html` — ${t('minutes.approved_at')} <${When} iso=${mi.approved_at} />`}</p>`}
    ${saved && html`<p role="status" class="sent">${t('minutes.saved')}</p>`}
    ${mi && (runs ? html`<form class="form" onSubmit=${save}>
        <label for="minutes-body">${t('minutes.text')}</label>
        <textarea id="minutes-body" rows="10" onInput=${(e) => setText(e.target.value)}>${text}</textarea>
        ${mi.status === 'approved' && html`<p class="hint">${t('minutes.next_version')}</p>`}
        <div class="row-actions">
          <button type="submit" class="secondary" id="minutes-save">${t('minutes.save')}</button>
          ${chairs && mi.status !== 'approved' && html`<button type="button" class="primary" id="minutes-approve"
            onClick=${() => act(() => post(`/meetings/${meeting.id}/minutes/approve`))}>${t('minutes.approve')}</button>`}
        </div>
      </form>` : html`<pre class="minutes-body">${mi.body}</pre>`)}
    <p><a href=${`/api/v1/meetings/${meeting.id}/minutes.html`} target="_blank" rel="noopener" id="minutes-print">${t('minutes.print')}</a>
      ${mi && html` <span class="hint">(${num(mi.body.length)} ${t('minutes.chars')})</span>`}</p>
  </section>`;
}
