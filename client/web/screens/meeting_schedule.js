// screens/meeting_schedule.js: scheduling a meeting of one of the entity's
// boards (its seats and rules; admin_boards.js) or, for whoever manages
// meetings, of an explicit list of the entity's employees (POST /meetings
// with members and their roles). A board's chair or secretary who does not
// manage meetings schedules their boards' meetings only:
// title, start and end, remote or a place, the agenda one item a line. The
// members are invited by e-mail (.ics), SMS and in the app.
import { html, useEffect, useState } from '../html.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { Input, Select, Textarea, ErrorSummary, errorOf } from '../components.js';
import { SeatPicker, seatList } from './seat_picker.js';

// local is a datetime-local value for d (the browser's zone).
const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);

export function Schedule({ user, manages, runs, onDone }) {
  const start = new Date(Date.now() + 24 * 3600 * 1000);
  start.setMinutes(0, 0, 0);
  const blank = { title: '', starts: local(start), ends: local(new Date(start.getTime() + 3600 * 1000)), remote: true, location: '', agenda: '' };
  const [f, setF] = useState(blank);
  const [people, setPeople] = useState([]);
  const [boards, setBoards] = useState([]);
  const [boardID, setBoardID] = useState(manages ? '' : runs[0].id); // '' = members chosen here
  const [seats, setSeats] = useState({}); // user_id → role
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open || !manages || !user.entity_id || people.length) return;
    get(`/entities/${user.entity_id}/employees`).then((r) => setPeople((r.employees || []).filter((e) => e.active)))
      .catch((e) => setError(errorOf(e)));
    get(`/entities/${user.entity_id}/boards`).then((r) => setBoards(r.boards || [])).catch(() => setBoards([]));
  }, [open]);
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = {
        entity_id: manages ? user.entity_id : (runs.find((b) => b.id === boardID) || {}).entity_id,
        title: f.title.trim(), remote: f.remote, location: f.remote ? '' : f.location.trim(),
        starts_at: new Date(f.starts).toISOString(), ends_at: new Date(f.ends).toISOString(),
        agenda: f.agenda.split('\n').map((s) => s.trim()).filter(Boolean).map((title) => ({ title })),
      };
      if (boardID) body.board_id = boardID;
      else body.members = seatList(seats);
      await post('/meetings', body);
      setF(blank);
      setSeats({});
      setBoardID(manages ? '' : runs[0].id);
      setOpen(false);
      if (onDone) onDone();
    } catch (err) { setError(errorOf(err)); }
    setBusy(false);
  };
  const fe = (error && error.fields) || {};
  // Whoever manages meetings picks one of the entity's boards or explicit
  // members; a board's chair or secretary picks one of the boards they run.
  const choices = manages
    ? (boards.length ? [{ value: '', label: t('schedule.for_members') }, ...boards.map((b) => ({ value: b.id, label: b.name }))] : [])
    : runs.map((b) => ({ value: b.id, label: b.name }));
  if (!open) return html`<p><button type="button" class="primary" id="schedule-open" onClick=${() => setOpen(true)}>${t('schedule.open')}</button></p>`;
  return html`<form class="card form schedule" onSubmit=${submit} novalidate aria-labelledby="schedule-h">
    <h2 id="schedule-h">${t('schedule.title')}</h2>
    <${ErrorSummary} error=${error} labels=${{ title: t('schedule.name'), starts_at: t('schedule.starts'), ends_at: t('schedule.ends'), members: t('schedule.members'), member_ids: t('schedule.members'), board_id: t('schedule.for') }} />
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
    ${choices.length > 0 && html`<${Select} id="meeting-board" label=${t('schedule.for')} value=${boardID} error=${fe.board_id}
      options=${choices} onChange=${setBoardID} />`}
    ${boardID ? html`<p class="hint">${t('schedule.board_members')}</p>`
      : html`<${SeatPicker} people=${people} seats=${seats} setSeats=${setSeats} legend=${t('schedule.members')} error=${fe.members || fe.member_ids} />`}
    <div class="row-actions">
      <button class="primary" type="submit" disabled=${busy}>${t('schedule.submit')}</button>
      <button class="secondary" type="button" onClick=${() => setOpen(false)}>${t('cancel')}</button>
    </div>
  </form>`;
}
