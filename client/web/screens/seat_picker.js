// screens/seat_picker.js: choosing people and a role each (chair, secretary,
// member, observer) among the entity's active employees, for a board's
// seats (admin_boards.js) and a meeting's members (meeting_schedule.js).
import { html } from '../html.js';
import { t } from '../i18n.js';

export const seatRoles = ['chair', 'secretary', 'member', 'observer'];

// SeatPicker shows people with a checkbox each; a checked person gets a role
// (member at first). seats maps user_id → role; setSeats takes an updater.
export function SeatPicker({ people, seats, setSeats, legend, error }) {
  const toggle = (id, on) => setSeats((s) => { const n = { ...s }; if (on) n[id] = n[id] || 'member'; else delete n[id]; return n; });
  return html`<fieldset class="members-pick">
    <legend>${legend}</legend>
    ${error && html`<p class="error-text">${error}</p>`}
    ${people.map((p) => html`<div class="member-row" key=${p.id} data-user=${p.id}>
      <label class="choice"><input type="checkbox" checked=${!!seats[p.id]} onChange=${(e) => toggle(p.id, e.target.checked)} /> ${p.name}</label>
      ${seats[p.id] && html`<select aria-label=${t('schedule.role_of', { name: p.name })} value=${seats[p.id]}
        onChange=${(e) => setSeats((s) => ({ ...s, [p.id]: e.target.value }))}>
        ${seatRoles.map((r) => html`<option value=${r} selected=${seats[p.id] === r}>${t('seat.' + r)}</option>`)}
      </select>`}
    </div>`)}
  </fieldset>`;
}

// seatList turns seats into the API's members list.
export const seatList = (seats) => Object.entries(seats).map(([user_id, role]) => ({ user_id, role }));
