// screens/meeting_room.js: a meeting's room. Who is present (the room's
// presence on meeting:<id>), the meeting audio (rtc.js: join and leave,
// mute, raise a hand, who is speaking now) and, for the chair, muting
// anyone, giving the floor and recording. It is built from small parts
// (AudioBar, Attendees, Hands) around one state hook (useRoom); the agenda,
// the quorum and the motions with live votes are meeting_business.js's.
import { html, useEffect, useRef, useState } from '../html.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { live } from '../live.js';
import { MeetingAudio } from '../rtc.js';
import { Page, Spinner, ErrorSummary, errorOf } from '../components.js';
import { useBusiness, mayRun, Agenda, Quorum, Motions, Answers } from './meeting_business.js';
import { Minutes } from './meeting_minutes.js';

// useRoom loads the meeting and follows the room: presence from the live
// client, and the audio's events once the user joined it.
function useRoom(id) {
  const [meeting, setMeeting] = useState(null);
  const [error, setError] = useState(null);
  const [present, setPresent] = useState(new Set());
  const [audio, setAudio] = useState({ state: 'off', muted: false, speaker: '', hands: [], floor: '',
    mutedUsers: new Set(), inAudio: new Set(), recording: false });
  const rtc = useRef(null);
  const patch = (p) => setAudio((a) => ({ ...a, ...(typeof p === 'function' ? p(a) : p) }));

  useEffect(() => {
    get('/meetings/' + id).then((r) => setMeeting(r.meeting)).catch((e) => setError(errorOf(e)));
    const sub = live.subscribe('meeting:' + id, {
      onSnapshot: (s) => setPresent(new Set(s.presence || [])),
      onPresence: (p) => setPresent((old) => {
        const n = new Set(old);
        if (p.action === 'join') n.add(p.user_id); else n.delete(p.user_id);
        return n;
      }),
    });
    return () => { sub.close(); if (rtc.current) rtc.current.stop(); rtc.current = null; };
  }, [id]);

  const toggle = (set, key, on) => { const n = new Set(set); if (on) n.add(key); else n.delete(key); return n; };
  const handlers = {
    onState: (state) => patch({ state }),
    onSpeaker: (speaker) => patch({ speaker: speaker || '' }),
    onMuted: (m) => patch((a) => ({ mutedUsers: toggle(a.mutedUsers, m.user_id, m.muted) })),
    onHands: (h) => patch({ hands: h.queue || [], floor: h.floor || '' }),
    onJoined: (u) => patch((a) => ({ inAudio: toggle(a.inAudio, u, true) })),
    onLeft: (u) => patch((a) => ({ inAudio: toggle(a.inAudio, u, false), mutedUsers: toggle(a.mutedUsers, u, false) })),
    onRecording: (r) => patch({ recording: !!r.on }),
    onRoom: (s) => patch({ // what the room's events said before we joined
      inAudio: new Set((s.participants || []).map((p) => p.id)),
      mutedUsers: new Set((s.participants || []).filter((p) => p.muted).map((p) => p.id)),
      speaker: s.speaker || '', hands: s.hands || [], floor: s.floor || '', recording: !!s.recording,
    }),
    onError: (e) => setError(errorOf(e)),
  };
  const act = async (fn) => { setError(null); try { await fn(); } catch (e) { setError(errorOf(e)); } };
  const actions = {
    join: () => act(async () => {
      const a = new MeetingAudio(id, handlers);
      rtc.current = a;
      await a.start();
    }),
    leave: () => { if (rtc.current) rtc.current.stop(); rtc.current = null; patch({ state: 'off', speaker: '', inAudio: new Set() }); },
    setMuted: (muted) => act(async () => { await rtc.current.setMuted(muted); patch({ muted }); }),
    hand: (raised) => act(() => rtc.current.raiseHand(raised)),
    mute: (user, muted) => act(() => rtc.current.mute(user, muted)),
    floor: (user) => act(() => rtc.current.giveFloor(user)),
    record: (on) => act(() => rtc.current.record(on)),
  };
  return { meeting, error, present, audio, actions };
}

export function MeetingRoom({ id, user }) {
  const room = useRoom(id);
  const biz = useBusiness(id);
  const { meeting, error } = room;
  if (!meeting) return html`<${Page} title=${t('room.title')}><${ErrorSummary} error=${error} />${!error && html`<${Spinner} />`}<//>`;
  const chair = meeting.my_role === 'chair';
  const names = new Map((meeting.members || []).map((m) => [m.user_id, m.name]));
  const runs = mayRun(meeting, user);
  return html`<${Page} title=${meeting.title} wide>
    <${ErrorSummary} error=${error} />
    <${Quorum} biz=${biz} />
    <${Answers} meeting=${meeting} />
    <div class="room">
      <${Agenda} meeting=${meeting} biz=${biz} runs=${runs} />
      <${Motions} meeting=${meeting} user=${user} biz=${biz} runs=${runs} names=${names} />
      <${AudioBar} room=${room} me=${user.id} chair=${chair} names=${names} />
      <${Attendees} room=${room} me=${user.id} chair=${chair} />
      <${Hands} room=${room} chair=${chair} names=${names} />
      <${Minutes} meeting=${meeting} runs=${runs} chairs=${chair || (runs && !meeting.my_role)} />
    </div>
  <//>`;
}

// AudioBar: join or leave the audio, mute oneself, raise a hand, who is
// speaking now; the chair's recording switch.
function AudioBar({ room, me, chair, names }) {
  const { audio, actions } = room;
  const on = audio.state !== 'off' && audio.state !== 'closed';
  const raised = audio.hands.includes(me);
  return html`<section class="card audio-bar" aria-labelledby="audio-h">
    <h2 id="audio-h">${t('room.audio')}</h2>
    <p class="audio-state" data-state=${audio.state}>${t('room.state.' + audio.state)}</p>
    <div class="row-actions">
      ${on ? html`<button type="button" class="secondary" id="audio-leave" onClick=${actions.leave}>${t('room.leave')}</button>`
        : html`<button type="button" class="primary" id="audio-join" onClick=${actions.join}>${t('room.join')}</button>`}
      ${on && html`<button type="button" id="audio-mute" aria-pressed=${audio.muted ? 'true' : 'false'}
        onClick=${() => actions.setMuted(!audio.muted)}>${audio.muted ? t('room.unmute') : t('room.mute')}</button>`}
      ${on && html`<button type="button" id="audio-hand" aria-pressed=${raised ? 'true' : 'false'}
        onClick=${() => actions.hand(!raised)}>${raised ? t('room.lower_hand') : t('room.raise_hand')}</button>`}
      ${on && chair && html`<button type="button" id="audio-record" aria-pressed=${audio.recording ? 'true' : 'false'}
        onClick=${() => actions.record(!audio.recording)}>${audio.recording ? t('room.record_stop') : t('room.record_start')}</button>`}
    </div>
    ${audio.recording && html`<p class="recording"><span class="rec-dot" aria-hidden="true"></span> ${t('room.recording')}</p>`}
    <p class="speaker" aria-live="polite" data-speaker=${audio.speaker}>
      ${audio.speaker ? t('room.speaking', { name: names.get(audio.speaker) || '' }) : t('room.nobody_speaking')}
    </p>
  </section>`;
}

// Attendees: the members present in the room, with their audio state; the
// chair mutes or unmutes anyone and gives the floor.
function Attendees({ room, me, chair }) {
  const { meeting, present, audio, actions } = room;
  const here = (meeting.members || []).filter((m) => present.has(m.user_id));
  const on = audio.state === 'connected';
  return html`<section class="card attendees" aria-labelledby="attendees-h">
    <h2 id="attendees-h">${t('room.present', { n: here.length })}</h2>
    <ul class="plain-list attendee-list">
      ${here.map((m) => {
        const muted = audio.mutedUsers.has(m.user_id);
        const speaking = audio.speaker === m.user_id;
        return html`<li key=${m.user_id} data-user=${m.user_id} class=${speaking ? 'speaking' : ''}>
          <span class="who">${m.name}</span>
          <span class="badge">${t('seat.' + m.role)}</span>
          ${audio.inAudio.has(m.user_id) && html`<span class="badge">${t('room.in_audio')}</span>`}
          ${muted && html`<span class="badge muted">${t('room.muted')}</span>`}
          ${speaking && html`<span class="badge speaking-badge">${t('room.speaking_now')}</span>`}
          ${audio.hands.includes(m.user_id) && html`<span class="badge hand">${t('room.hand_raised')}</span>`}
          ${chair && on && m.user_id !== me && html`<span class="chair-actions">
            <button type="button" class="small" data-action=${muted ? 'unmute' : 'mute'} onClick=${() => actions.mute(m.user_id, !muted)}>
              ${muted ? t('room.unmute_short') : t('room.mute_short')}<span class="visually-hidden"> ${m.name}</span></button>
            <button type="button" class="small" data-action="floor" onClick=${() => actions.floor(m.user_id)}>
              ${t('room.give_floor')}<span class="visually-hidden"> ${m.name}</span></button>
          </span>`}
        </li>`;
      })}
    </ul>
  </section>`;
}

// Hands: the raised hands in order, and who has the floor; the chair gives
// the floor to the first.
function Hands({ room, chair, names }) {
  const { audio, actions } = room;
  return html`<section class="card hands" aria-labelledby="hands-h">
    <h2 id="hands-h">${t('room.hands')}</h2>
    ${audio.floor && html`<p class="floor">${t('room.floor', { name: names.get(audio.floor) || '' })}</p>`}
    ${audio.hands.length === 0 ? html`<p class="empty">${t('room.no_hands')}</p>` : html`<ol class="hand-queue">
      ${audio.hands.map((u) => html`<li key=${u} data-user=${u}>${names.get(u) || u}
        ${chair && html` <button type="button" class="small give-floor" onClick=${() => actions.floor(u)}>${t('room.give_floor')}</button>`}
      </li>`)}
    </ol>`}
  </section>`;
}
