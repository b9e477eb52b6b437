// screens/meeting_minutes.js: the minutes in the meeting room. Members read
// them (the draft is filled in from attendance, agenda, decisions and vote
// results until someone edits it); the chair, the secretary or an admin
// edits the text (PUT with the version read, so two editors never overwrite
// each other); the chair approves, which freezes that version (editing again
// starts the next draft). The printable right-to-left page is the server's
// minutes.html. Whoever runs the meeting and may list the entity's employees
// grants one of them, not a member, the right to read the minutes.
import { html, useEffect, useState } from '../html.js';
import { t, num } from '../i18n.js';
import { get, put, post } from '../api.js';
import { ErrorSummary, Select, errorOf, When } from '../components.js';

// GrantAccess: POST /meetings/{id}/minutes/access {user_id}, among the
// entity's active employees who hold no seat in the meeting. Hidden when the
// caller may not list the employees.
function GrantAccess({ meeting }) {
  const [people, setPeople] = useState(null);
  const [who, setWho] = useState('');
  const [error, setError] = useState(null);
  const [done, setDone] = useState('');
  useEffect(() => {
    const seated = new Set((meeting.members || []).map((m) => m.user_id));
    get(`/entities/${meeting.entity_id}/employees`)
      .then((r) => setPeople((r.employees || []).filter((e) => e.active && !seated.has(e.id)))).catch(() => setPeople([]));
  }, [meeting.id]);
  if (!people || people.length === 0) return null;
  const grant = async (ev) => {
    ev.preventDefault();
    setError(null);
    setDone('');
    try {
      await post(`/meetings/${meeting.id}/minutes/access`, { user_id: who });
      setDone(t('minutes.granted', { name: people.find((p) => p.id === who).name }));
      setWho('');
    } catch (e) { setError(errorOf(e)); }
  };
  return html`<form class="form grant-minutes" onSubmit=${grant} aria-labelledby="grant-h">
    <h3 id="grant-h">${t('minutes.access')}</h3>
    <${ErrorSummary} error=${error} />
    ${done && html`<p role="status" class="sent">${done}</p>`}
    <${Select} id="grant-user" label=${t('minutes.access_user')} value=${who} placeholder=${t('form.choose')}
      error=${error && error.fields && error.fields.user_id} options=${people.map((p) => ({ value: p.id, label: p.name }))} onChange=${setWho} />
    <button type="submit" class="secondary" disabled=${!who}>${t('minutes.grant')}</button>
  </form>`;
}

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
    ${runs && html`<${GrantAccess} meeting=${meeting} />`}
  </section>`;
}
