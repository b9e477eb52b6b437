// screens/admin_boards.js: an entity's boards and committees (issue 14): the
// entity admin creates one, names it, sets its quorum and result rules, and
// gives people among the entity's employees a seat and a role (chair,
// secretary, member, observer); editing replaces those. The chair and the
// secretary of a board then schedule its meetings (meeting_schedule.js).
import { html, useEffect, useState } from '../html.js';
import { t, num } from '../i18n.js';
import { get, post, patch } from '../api.js';
import { Spinner, Input, Select, ErrorSummary, errorOf, useForm } from '../components.js';
import { SeatPicker, seatList } from './seat_picker.js';

const quorumRules = ['majority', 'two_thirds', 'all'];
const resultRules = ['majority', 'two_thirds', 'unanimous'];
const blank = { name: '', kind: 'board', quorum_rule: 'majority', result_rule: 'majority' };

// BoardForm creates a board (board null) or edits one.
function BoardForm({ entityID, board, people, onDone, onCancel }) {
  const [seats, setSeats] = useState(() => Object.fromEntries((board ? board.members : []).map((m) => [m.user_id, m.role])));
  const initial = board ? { name: board.name, kind: board.kind, quorum_rule: board.quorum_rule, result_rule: board.result_rule } : blank;
  const { f, setF, error, busy, submit, fe } = useForm(initial, (v) => {
    const body = { ...v, name: v.name.trim(), members: seatList(seats) };
    return board ? patch(`/boards/${board.id}`, body) : post(`/entities/${entityID}/boards`, body);
  }, (r) => onDone(r.board));
  const heading = board ? t('boards.edit_title', { name: board.name }) : t('boards.new');
  // A member who left the entity keeps their seat until removed: show them too.
  const known = new Set(people.map((p) => p.id));
  const everyone = [...people, ...(board ? board.members.filter((m) => !known.has(m.user_id)).map((m) => ({ id: m.user_id, name: m.name })) : [])];
  return html`<form class="card form board-form" onSubmit=${submit} novalidate aria-labelledby="board-form-h">
    <h2 id="board-form-h">${heading}</h2>
    <${ErrorSummary} error=${error} labels=${{ name: t('boards.name'), members: t('schedule.members'), quorum_rule: t('boards.quorum'), result_rule: t('boards.result') }} />
    <${Input} id="board-name" label=${t('boards.name')} value=${f.name} error=${fe.name} required onInput=${(v) => setF({ ...f, name: v })} />
    <fieldset class="choices"><legend>${t('boards.kind')}</legend>
      ${['board', 'committee'].map((k) => html`<label class="choice"><input type="radio" name="board-kind" value=${k} checked=${f.kind === k}
        onChange=${() => setF({ ...f, kind: k })} /> ${t('boards.kind.' + k)}</label>`)}
    </fieldset>
    <${Select} id="board-quorum" label=${t('boards.quorum')} value=${f.quorum_rule} error=${fe.quorum_rule}
      options=${quorumRules.map((r) => ({ value: r, label: t('boards.quorum.' + r) }))} onChange=${(v) => setF({ ...f, quorum_rule: v })} />
    <${Select} id="board-result" label=${t('boards.result')} value=${f.result_rule} error=${fe.result_rule}
      options=${resultRules.map((r) => ({ value: r, label: t('boards.result.' + r) }))} onChange=${(v) => setF({ ...f, result_rule: v })} />
    <${SeatPicker} people=${everyone} seats=${seats} setSeats=${setSeats} legend=${t('schedule.members')} error=${fe.members} />
    <div class="row-actions">
      <button class="primary" type="submit" disabled=${busy}>${board ? t('admin.save') : t('admin.create')}</button>
      ${board && html`<button class="secondary" type="button" onClick=${onCancel}>${t('cancel')}</button>`}
    </div>
  </form>`;
}

// roleCount says how many seats of each role a board has ("1 chair, 4 members").
const roleCount = (b) => ['chair', 'secretary', 'member', 'observer']
  .map((r) => [r, b.members.filter((m) => m.role === r).length]).filter(([, n]) => n > 0)
  .map(([r, n]) => `${t('seat.' + r)}: ${num(n)}`).join(' · ');

export function Boards({ entityID }) {
  const [list, setList] = useState(null);
  const [people, setPeople] = useState([]);
  const [editing, setEditing] = useState(null);
  const [error, setError] = useState(null);
  const [done, setDone] = useState('');
  const load = () => get(`/entities/${entityID}/boards`).then((r) => setList(r.boards || [])).catch((e) => setError(errorOf(e)));
  useEffect(() => {
    load();
    get(`/entities/${entityID}/employees`).then((r) => setPeople((r.employees || []).filter((e) => e.active))).catch((e) => setError(errorOf(e)));
  }, [entityID]);
  const saved = (b) => { setEditing(null); setDone(t('boards.saved', { name: b.name })); load(); };
  return html`<div class="admin-grid">
    <div><h2>${t('boards.title')}</h2>
      <${ErrorSummary} error=${error} />
      ${done && html`<p class="flash flash-ok" role="status">${done}</p>`}
      ${!list ? html`<${Spinner} />` : list.length === 0 ? html`<p class="empty">${t('boards.empty')}</p>` : html`<div class="table-wrap"><table id="boards-table">
        <thead><tr><th scope="col">${t('boards.name')}</th><th scope="col">${t('boards.rules')}</th>
          <th scope="col">${t('schedule.members')}</th><th scope="col"><span class="visually-hidden">${t('boards.actions')}</span></th></tr></thead>
        <tbody>${list.map((b) => html`<tr key=${b.id} data-board=${b.id}>
          <td>${b.name} <span class="badge">${t('boards.kind.' + b.kind)}</span></td>
          <td>${t('boards.quorum.' + b.quorum_rule)} · ${t('boards.result.' + b.result_rule)}</td>
          <td>${roleCount(b)}</td>
          <td><button type="button" class="small edit-board" onClick=${() => { setDone(''); setEditing(b); }}>${t('boards.edit')}<span class="visually-hidden"> — ${b.name}</span></button></td>
        </tr>`)}</tbody>
      </table></div>`}
    </div>
    ${editing ? html`<${BoardForm} key=${editing.id} entityID=${entityID} board=${editing} people=${people} onDone=${saved} onCancel=${() => setEditing(null)} />`
      : html`<${BoardForm} key="new" entityID=${entityID} board=${null} people=${people} onDone=${saved} />`}
  </div>`;
}
