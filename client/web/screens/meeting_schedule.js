// screens/meeting_schedule.js: scheduling a meeting of an explicit list of
// the entity's employees (POST /meetings with members and their roles):
// title, start and end, remote or a place, the agenda one item a line. The
// members are invited by e-mail (.ics), SMS and in the app.
import { html, useEffect, useState } from '../html.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { Input, Textarea, ErrorSummary, errorOf } from '../components.js';

const roles = ['chair', 'secretary', 'member', 'observer'];

// local is a datetime-local value for d (the browser's zone).
const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);

export function Schedule({ user, onDone }) {
  const start = new Date(Date.now() + 24 * 3600 * 1000);
  start.setMinutes(0, 0, 0);
  const blank = { title: '', starts: local(start), ends: local(new Date(start.getTime() + 3600 * 1000)), remote: true, location: '', agenda: '' };
  const [f, setF] = useState(blank);
  const [people, setPeople] = useState([]);
  const [seats, setSeats] = useState({}); // user_id → role
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open || !user.entity_id || people.length) return;
    get(`/entities/${user.entity_id}/employees`).then((r) => setPeople((r.employees || []).filter((e) => e.active)))
      .catch((e) => setError(errorOf(e)));
  }, [open]);
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = {
        entity_id: user.entity_id, title: f.title.trim(), remote: f.remote, location: f.remote ? '' : f.location.trim(),
        starts_at: new Date(f.starts).toISOString(), ends_at: new Date(f.ends).toISOString(),
        agenda: f.agenda.split('\n').map((s) => s.trim()).filter(Boolean).map((title) => ({ title })),
        members: Object.entries(seats).map(([user_id, role]) => ({ user_id, role })),
      };
      await post('/meetings', body);
      setF(blank);
      setSeats({});
      setOpen(false);
      if (onDone) onDone();
    } catch (err) { setError(errorOf(err)); }
    setBusy(false);
  };
  const fe = (error && error.fields) || {};
  if (!open) return html`<p><button type="button" class="primary" id="schedule-open" onClick=${() => setOpen(true)}>${t('schedule.open')}</button></p>`;
  return html`<form class="card form schedule" onSubmit=${submit} novalidate aria-labelledby="schedule-h">
    <h2 id="schedule-h">${t('schedule.title')}</h2>
    <${ErrorSummary} error=${error} labels=${{ title: t('schedule.name'), starts_at: t('schedule.starts'), ends_at: t('schedule.ends'), members: t('schedule.members') }} />
    <${Input} id="meeting-title" label=${t('schedule.name')} value=${f.title} error=${fe.title} required onInput=${(v) => setF({ ...f, title: v })} />
    <${Input} id="meeting-starts" type="datetime-local" label=${t('schedule.starts')} value=${f.starts} error=${fe.starts_at}
      onInput=${(v) => setF({ ...f, starts: v })} />
    <${Input} id="meeting-ends" type="datetime-local" label=${t('schedule.ends')} value=${f.ends} error=${fe.ends_at}
      onInput=${(v) => setF({ ...f, ends: v })} />
    <label class="choice"><input type="checkbox" id="meeting-remote" checked=${f.remote} onChange=${(e) => setF({ ...f, remote: e.target.checked })} />
      ${t('schedule.remote')}</label>
    ${!f.remote && html`<${Input} id="meeting-location" label=${t('schedule.location')} value=${f.location} error=${fe.location}
      onInput=${(v) => setF({ ...f, location: v })} />`}
    <${Textarea} id="meeting-agenda" label=${t('schedule.agenda')} value=${f.agenda} error=${fe.agenda} rows="4"
      onInput=${(v) => setF({ ...f, agenda: v })} />
    <fieldset class="members-pick">
      <legend>${t('schedule.members')}</legend>
      ${fe.members && html`<p class="error-text">${fe.members}</p>`}
      ${people.map((p) => html`<div class="member-row" key=${p.id} data-user=${p.id}>
        <label class="choice"><input type="checkbox" checked=${!!seats[p.id]}
          onChange=${(e) => setSeats((s) => { const n = { ...s }; if (e.target.checked) n[p.id] = 'member'; else delete n[p.id]; return n; })} /> ${p.name}</label>
        ${seats[p.id] && html`<select aria-label=${t('schedule.role_of', { name: p.name })} value=${seats[p.id]}
          onChange=${(e) => setSeats((s) => ({ ...s, [p.id]: e.target.value }))}>
          ${roles.map((r) => html`<option value=${r} selected=${seats[p.id] === r}>${t('seat.' + r)}</option>`)}
        </select>`}
      </div>`)}
    </fieldset>
    <div class="row-actions">
      <button class="primary" type="submit" disabled=${busy}>${t('schedule.submit')}</button>
      <button class="secondary" type="button" onClick=${() => setOpen(false)}>${t('cancel')}</button>
    </div>
  </form>`;
}
