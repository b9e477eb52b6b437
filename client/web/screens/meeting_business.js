// screens/meeting_business.js: the business of a meeting room beside its
// audio: the agenda and its current item, attendance and the quorum, and the
// motions with live votes (accept / reject / abstain). useBusiness follows
// meeting:<id>: the snapshot (status, current item, who is present, quorum,
// motions with whole tallies), the room's sequenced events (agenda moved,
// motion drafted, opened or closed: the meeting is read again), the
// `attendance` frames and the coalesced `tally` frames (README: a frame
// whose version is above the one held; its `changes` apply when `since` is
// not above it, else the motion is read again).
import { html, useEffect, useState } from '../html.js';
import { t, num } from '../i18n.js';
import { get, post, put } from '../api.js';
import { live } from '../live.js';
import { ErrorSummary, errorOf } from '../components.js';

const choices = ['accept', 'reject', 'abstain'];

// applyTally merges a live tally frame into the motion held (or null when
// the frame cannot be applied and the motion must be read again).
export function applyTally(old, f) {
  if (old && (f.tally.version < old.tally.version || (f.tally.version === old.tally.version && f.status === old.status))) return old;
  const { type, since, changes, ...m } = f; // eslint-disable-line no-unused-vars
  if (f.secret) return m;
  if (since === 0) return { ...m, votes: { ...(changes || {}) } }; // a closing frame: every vote
  if (!old || since > old.tally.version) return null;
  return { ...m, votes: { ...(old.votes || {}), ...(changes || {}) } };
}

export function useBusiness(id) {
  const [state, setState] = useState(null); // {status, current_item, present: Set, quorum, motions: Map}
  const [error, setError] = useState(null);
  const fromLive = (v) => ({
    status: v.status, current_item: v.current_item || null, present: new Set(v.attendance || []), quorum: v.quorum,
    motions: new Map((v.motions || []).map((m) => [m.id, m])),
  });
  const reload = () => get('/meetings/' + id).then((r) => {
    const m = r.meeting;
    if (m.live) setState(fromLive(m.live));
  }).catch((e) => setError(errorOf(e)));
  const readMotion = (mid) => get('/motions/' + mid).then((r) => setState((s) => {
    const motions = new Map(s.motions);
    motions.set(mid, r.motion);
    return { ...s, motions };
  })).catch((e) => setError(errorOf(e)));
  useEffect(() => {
    const sub = live.subscribe('meeting:' + id, {
      onSnapshot: (s) => setState(fromLive(s)),
      onEvent: (ev, seq) => {
        if (!ev) return;
        if (ev.type === 'tally') {
          let missed = false;
          setState((s) => {
            if (!s) return s;
            const next = applyTally(s.motions.get(ev.id), ev);
            if (next === null) { missed = true; return s; }
            const motions = new Map(s.motions);
            motions.set(ev.id, next);
            return { ...s, motions };
          });
          if (missed) readMotion(ev.id);
        } else if (ev.type === 'attendance') {
          setState((s) => {
            if (!s) return s;
            const present = new Set(s.present);
            for (const c of ev.changes || []) { if (c.action === 'join') present.add(c.user_id); else present.delete(c.user_id); }
            return { ...s, present, quorum: ev.quorum || s.quorum };
          });
        } else if (seq > 0) {
          reload(); // the agenda moved, a motion was drafted, opened or closed, the meeting started or ended
        }
      },
    });
    return () => sub.close();
  }, [id]);
  return { state, error, setError, reload };
}

// mayRun tells whether user runs the meeting (chair or secretary, or an
// admin of its entity); the server decides, this only shows the controls.
export const mayRun = (meeting, user) => ['chair', 'secretary'].includes(meeting.my_role) ||
  user.role === 'platform_admin' || (user.role === 'entity_admin' && user.entity_id === meeting.entity_id);

// Agenda: the items in order, the current one marked; who runs the meeting
// moves it.
export function Agenda({ meeting, biz, runs }) {
  const cur = biz.state && biz.state.current_item ? biz.state.current_item.id : '';
  const move = async (itemID) => {
    biz.setError(null);
    try { await put(`/meetings/${meeting.id}/agenda/current`, { agenda_item_id: itemID }); } catch (e) { biz.setError(errorOf(e)); }
  };
  return html`<section class="card agenda" aria-labelledby="agenda-h">
    <h2 id="agenda-h">${t('room.agenda')}</h2>
    <ol class="agenda-list">
      ${(meeting.agenda || []).map((it) => html`<li key=${it.id} data-item=${it.id} class=${it.id === cur ? 'current' : ''}
          aria-current=${it.id === cur ? 'step' : undefined}>
        <span>${it.title}</span>
        ${it.id === cur && html`<span class="badge current-badge">${t('room.current_item')}</span>`}
        ${runs && it.id !== cur && html` <button type="button" class="small make-current" onClick=${() => move(it.id)}>
          ${t('room.make_current')}<span class="visually-hidden"> ${it.title}</span></button>`}
      </li>`)}
    </ol>
  </section>`;
}

// Quorum: voting members present out of those eligible, and whether the
// quorum is met, recomputed on every arrival and departure.
export function Quorum({ biz }) {
  const q = biz.state && biz.state.quorum;
  if (!q) return null;
  return html`<p class=${'quorum ' + (q.met ? 'met' : 'unmet')} aria-live="polite" data-met=${q.met ? 'true' : 'false'}>
    ${t('room.quorum', { present: q.present, eligible: q.eligible, needed: q.needed })}
    <span class="badge">${t(q.met ? 'room.quorum_met' : 'room.quorum_unmet')}</span></p>`;
}

// Motions: each motion with its live tally; a voting member present votes
// and may change the vote until the close; who runs the meeting drafts,
// opens and closes them.
export function Motions({ meeting, user, biz, runs, names }) {
  const [mine, setMine] = useState({}); // the caller's choice per motion (a secret ballot never says it)
  const [draft, setDraft] = useState({ title: '', secret: false });
  const motions = biz.state ? [...biz.state.motions.values()] : [];
  const seat = (meeting.members || []).find((m) => m.user_id === user.id);
  const votes = !!seat && seat.role !== 'observer';
  const here = biz.state && biz.state.present.has(user.id);
  const act = async (fn) => { biz.setError(null); try { await fn(); } catch (e) { biz.setError(errorOf(e)); } };
  const vote = (mo, choice) => act(async () => {
    await post(`/motions/${mo.id}/vote`, { choice });
    setMine((m) => ({ ...m, [mo.id]: choice }));
  });
  const create = (ev) => {
    ev.preventDefault();
    act(async () => {
      const cur = biz.state && biz.state.current_item;
      const body = { title: draft.title.trim(), secret: draft.secret };
      if (cur) body.agenda_item_id = cur.id;
      await post(`/meetings/${meeting.id}/motions`, body);
      setDraft({ title: '', secret: false });
    });
  };
  return html`<section class="card motions" aria-labelledby="motions-h">
    <h2 id="motions-h">${t('room.motions')}</h2>
    <${ErrorSummary} error=${biz.error} />
    ${motions.length === 0 && html`<p class="empty">${t('room.no_motions')}</p>`}
    <ul class="plain-list motion-list">
      ${motions.map((mo) => {
        const my = mo.secret ? mine[mo.id] : (mo.votes || {})[user.id] || mine[mo.id];
        const tl = mo.tally || {};
        return html`<li key=${mo.id} data-motion=${mo.id} data-status=${mo.status} class="motion">
          <h3>${mo.title} <span class="badge">${t('room.motion_status.' + mo.status)}</span>
            ${mo.secret && html`<span class="badge">${t('room.secret')}</span>`}</h3>
          <p class="tally" aria-live="polite">
            ${choices.map((c) => html`<span class=${'count count-' + c} data-choice=${c}>${t('room.choice.' + c)}: <b>${num(tl[c] || 0)}</b></span> `)}
            <span class="count voted">${t('room.voted', { voted: tl.voted || 0, eligible: tl.eligible || 0 })}</span>
          </p>
          ${mo.result && html`<p class=${'result result-' + mo.result}>${t('room.result.' + mo.result)}</p>`}
          ${mo.status === 'open' && votes && (here ? html`<div class="vote-buttons" role="group" aria-label=${t('room.your_vote')}>
              ${choices.map((c) => html`<button type="button" class=${'vote vote-' + c} data-choice=${c} aria-pressed=${my === c ? 'true' : 'false'}
                onClick=${() => vote(mo, c)}>${t('room.choice.' + c)}</button>`)}
            </div>${my && html`<p class="my-vote">${t('room.my_vote', { choice: t('room.choice.' + my) })}</p>`}`
            : html`<p class="hint">${t('room.vote_when_present')}</p>`)}
          ${!mo.secret && mo.votes && Object.keys(mo.votes).length > 0 && html`<details class="who-voted"><summary>${t('room.who_voted')}</summary>
            <ul>${Object.entries(mo.votes).map(([uid, c]) => html`<li key=${uid}>${names.get(uid) || uid}: ${t('room.choice.' + c)}</li>`)}</ul>
          </details>`}
          ${runs && mo.status === 'draft' && html`<button type="button" class="primary open-motion" onClick=${() => act(() => post(`/motions/${mo.id}/open`))}>${t('room.open_vote')}</button>`}
          ${runs && mo.status === 'open' && html`<button type="button" class="secondary close-motion" onClick=${() => act(() => post(`/motions/${mo.id}/close`))}>${t('room.close_vote')}</button>`}
        </li>`;
      })}
    </ul>
    ${runs && html`<form class="form new-motion" onSubmit=${create}>
      <label for="motion-title">${t('room.new_motion')}</label>
      <input id="motion-title" value=${draft.title} required onInput=${(e) => setDraft({ ...draft, title: e.target.value })} />
      <label class="choice"><input type="checkbox" id="motion-secret" checked=${draft.secret}
        onChange=${(e) => setDraft({ ...draft, secret: e.target.checked })} /> ${t('room.secret_ballot')}</label>
      <button type="submit" class="secondary">${t('room.draft_motion')}</button>
    </form>`}
  </section>`;
}

// Answers: every member's answer to the invitation.
export function Answers({ meeting }) {
  const ms = meeting.members || [];
  const said = ms.filter((x) => x.rsvp).length;
  return html`<details class="card answers"><summary>${t('meetings.answers', { n: said, all: ms.length })}</summary>
    <ul class="plain-list">${ms.map((x) => html`<li key=${x.user_id} data-user=${x.user_id}>
      ${x.name} (${t('seat.' + x.role)}): ${t('rsvp.' + (x.rsvp || 'none'))}</li>`)}</ul>
  </details>`;
}
