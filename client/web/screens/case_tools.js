// screens/case_tools.js: what one does on a case: the composer (a reply or
// an internal note, a voice note recorded in the browser, a file with an
// upload progress bar), the requester's objection and rating, and the
// staff's actions (resolve, postpone, reassign, status steps).
import { html, useEffect, useRef, useState } from '../html.js';
import { t, num, duration } from '../i18n.js';
import { set } from '../store.js';
import { get, post, upload } from '../api.js';
import { live } from '../live.js';
import { Textarea, Input, Select, ErrorSummary, errorOf, When } from '../components.js';
import { can } from '../session.js';

// VoiceRecorder records from the microphone (MediaRecorder, Opus in WebM)
// and gives the blob and its duration to onDone.
function VoiceRecorder({ onDone, disabled }) {
  const [rec, setRec] = useState(null);
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState('');
  const timer = useRef(null);
  useEffect(() => () => { clearInterval(timer.current); if (rec) rec.stream.getTracks().forEach((tr) => tr.stop()); }, [rec]);
  const start = async () => {
    setError('');
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const type = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4'].find((m) => MediaRecorder.isTypeSupported(m));
      const mr = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      const chunks = [];
      const began = performance.now();
      mr.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
      mr.onstop = () => {
        stream.getTracks().forEach((tr) => tr.stop());
        clearInterval(timer.current);
        const ms = Math.round(performance.now() - began);
        setRec(null);
        onDone(new Blob(chunks, { type: mr.mimeType }), ms);
      };
      mr.start(250);
      setElapsed(0);
      timer.current = setInterval(() => setElapsed(performance.now() - began), 250);
      setRec({ mr, stream });
    } catch (err) {
      setError(t('voice.no_mic'));
    }
  };
  const stop = () => rec && rec.mr.state !== 'inactive' && rec.mr.stop();
  return html`<div class="recorder">
    ${rec
      ? html`<button type="button" class="danger" onClick=${stop}>${t('voice.stop')}</button>
          <span class="rec-dot" aria-hidden="true"></span><span role="timer" aria-live="off">${duration(elapsed)}</span>`
      : html`<button type="button" class="secondary" disabled=${disabled} onClick=${start}>${t('voice.record')}</button>`}
    ${error && html`<span class="error-text">${error}</span>`}
  </div>`;
}

export function Composer({ c, internal, channel, staff, onError }) {
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState(null);
  const [upErr, setUpErr] = useState(null);
  const lastTyping = useRef(0);
  const fileRef = useRef(null);
  const visibility = internal ? 'internal' : 'public';
  const closed = c.status === 'closed';
  const typed = (v) => {
    setBody(v);
    const now = Date.now();
    if (v && now - lastTyping.current > 2000) {
      lastTyping.current = now;
      live.typing(internal ? channel + ':staff' : channel);
    }
  };
  const send = async (ev) => {
    ev.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    try {
      await post(`/cases/${c.id}/comments`, { body: body.trim(), visibility });
      setBody('');
      onError(null);
    } catch (err) { onError(errorOf(err)); }
    setBusy(false);
  };
  const sendFile = async (field, blob, name, extra = {}) => {
    const form = new FormData();
    form.append('visibility', visibility);
    for (const [k, v] of Object.entries(extra)) form.append(k, v);
    form.append(field, blob, name);
    setUpErr(null);
    setProgress(0);
    try {
      await upload(`/cases/${c.id}/${field === 'audio' ? 'voice' : 'attachments'}`, form, setProgress);
      setProgress(null);
    } catch (err) {
      setProgress(null);
      setUpErr(errorOf(err));
    }
  };
  const pickFile = (ev) => {
    const f = ev.target.files[0];
    if (f) sendFile('file', f, f.name);
    ev.target.value = '';
  };
  if (closed) return html`<p class="notice">${t('case.closed_note')}</p>`;
  const label = internal ? t('composer.internal') : staff ? t('composer.public_staff') : t('composer.reply');
  return html`<form class=${'composer' + (internal ? ' internal' : '')} onSubmit=${send}>
    <${Textarea} id="composer-body" label=${label} value=${body} rows="3" onInput=${typed} />
    <div class="composer-row">
      <button class="primary" type="submit" disabled=${busy || !body.trim()}>${internal ? t('composer.add_note') : t('composer.send')}</button>
      <${VoiceRecorder} disabled=${progress !== null}
        onDone=${(blob, ms) => sendFile('audio', blob, 'voice.' + (blob.type.includes('ogg') ? 'ogg' : blob.type.includes('mp4') ? 'm4a' : 'webm'), { duration_ms: String(ms) })} />
      <label class="file-pick secondary button" for="file-input">${t('composer.attach')}</label>
      <input id="file-input" class="visually-hidden" type="file" ref=${fileRef} onChange=${pickFile} disabled=${progress !== null} />
    </div>
    ${progress !== null && html`<div class="progress"><label for="upload-progress">${t('upload.progress')}</label>
      <progress id="upload-progress" max="100" value=${Math.round(progress * 100)}>${num(Math.round(progress * 100))}%</progress>
      <span>${num(progress, { style: 'percent' })}</span></div>`}
    <div class="upload-error"><${ErrorSummary} error=${upErr} /></div>
  </form>`;
}

// ActionForm is one action with its text field, shown on demand.
function ActionForm({ id, title, field, submitLabel, onSubmit, children, extra }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  if (!open) return html`<button type="button" class="secondary" id=${id + '-open'} onClick=${() => setOpen(true)}>${title}</button>`;
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    try {
      await onSubmit(text.trim());
      setOpen(false);
      setText('');
      setError(null);
    } catch (err) { setError(errorOf(err)); }
    setBusy(false);
  };
  return html`<form class="action-form card" onSubmit=${submit} aria-label=${title}>
    <${ErrorSummary} error=${error} />
    ${children}
    ${field && html`<${Textarea} id=${id} label=${field} value=${text} rows="3" error=${error && Object.values(error.fields || {})[0]} onInput=${setText} />`}
    ${extra}
    <div class="composer-row">
      <button class="primary" type="submit" disabled=${busy}>${submitLabel}</button>
      <button type="button" class="link-button" onClick=${() => setOpen(false)}>${t('cancel')}</button>
    </div>
  </form>`;
}

function Rating({ c, onDone }) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [error, setError] = useState(null);
  const submit = async (ev) => {
    ev.preventDefault();
    try {
      await post(`/cases/${c.id}/rating`, { score, comment: comment.trim() });
      onDone();
    } catch (err) { setError(errorOf(err)); }
  };
  return html`<form class="card action-form rating" onSubmit=${submit}>
    <${ErrorSummary} error=${error} />
    <fieldset class="stars-pick"><legend>${t('rate.title')}</legend>
      ${[1, 2, 3, 4, 5].map((n) => html`<label class="choice"><input type="radio" name="score" value=${n} checked=${score === n}
        onChange=${() => setScore(n)} /> ${t('rate.score', { n })}</label>`)}
    </fieldset>
    <${Textarea} id="rating-comment" label=${t('rate.comment')} value=${comment} rows="2" onInput=${setComment} />
    <button class="primary" type="submit" disabled=${!score}>${t('rate.submit')}</button>
  </form>`;
}

export function CitizenActions({ c, onDone }) {
  const canRate = (c.status === 'resolved' || c.status === 'closed') && !c.rating;
  return html`<div class="actions">
    ${c.resolution && html`<div class="resolution"><h2>${t('case.resolution')}</h2><p>${c.resolution}</p></div>`}
    ${c.actions.includes('object') && html`<${ActionForm} id="objection" title=${t('object.title')} field=${t('object.reason')}
      submitLabel=${t('object.submit')} onSubmit=${(reason) => post(`/cases/${c.id}/object`, { reason }).then(onDone)} />`}
    ${canRate && html`<${Rating} c=${c} onDone=${onDone} />`}
  </div>`;
}

function Reassign({ c, onDone }) {
  const [emps, setEmps] = useState(null);
  const [to, setTo] = useState('');
  const [error, setError] = useState(null);
  useEffect(() => {
    get(`/entities/${c.entity_id}/employees`).then((r) => setEmps(r.employees.filter((e) => e.active && e.id !== (c.assignee && c.assignee.id))))
      .catch((e) => setError(errorOf(e)));
  }, [c.id]);
  return html`<${ActionForm} id="assign" title=${t('assign.title')} submitLabel=${t('assign.submit')}
    onSubmit=${async () => {
      const r = await post(`/cases/${c.id}/assign`, { employee_id: to });
      if (r && r.request) set({ flash: { kind: 'ok', text: t('assign.requested') } });
      onDone();
    }}>
    <${ErrorSummary} error=${error} />
    ${emps && html`<${Select} id="assign-to" label=${t('assign.to')} value=${to} onChange=${setTo} placeholder=${t('form.choose')}
      options=${emps.map((e) => ({ value: e.id, label: e.name }))} />`}
  <//>`;
}

function Postpone({ c, onDone }) {
  const [until, setUntil] = useState('');
  return html`<${ActionForm} id="postpone" title=${t('postpone.title')} field=${t('postpone.reason')} submitLabel=${t('postpone.submit')}
    onSubmit=${async (reason) => {
      const r = await post(`/cases/${c.id}/postpone`, { until: until ? new Date(until).toISOString() : '', reason });
      if (r && r.request) set({ flash: { kind: 'ok', text: t('postpone.requested') } });
      onDone();
    }}>
    <${Input} id="postpone-until" type="datetime-local" label=${t('postpone.until')} value=${until} onInput=${setUntil} />
  <//>`;
}

// Approvals lists the postponement requests waiting on a case, for those
// who may approve them (case.approve), with approve and refuse.
function Approvals({ c, onDone }) {
  const [list, setList] = useState([]);
  const [error, setError] = useState(null);
  const load = () => get(`/cases/${c.id}/postponements`).then((r) => setList(r.postponements || [])).catch(() => setList([]));
  useEffect(() => { load(); }, [c.id, c.updated_at]);
  const decide = async (p, verb) => {
    try { await post(`/cases/${c.id}/postponements/${p.id}/${verb}`, { note: '' }); setError(null); load(); onDone(); } catch (err) { setError(errorOf(err)); }
  };
  if (list.length === 0) return null;
  return html`<div class="card approvals"><h3>${t('approve.title')}</h3>
    <${ErrorSummary} error=${error} />
    <ul class="plain-list">${list.map((p) => html`<li>
      <p>${t('approve.until')} <${When} iso=${p.until} /></p><p>${p.reason}</p>
      <button type="button" class="primary" onClick=${() => decide(p, 'approve')}>${t('approve.yes')}</button>
      <button type="button" class="secondary" onClick=${() => decide(p, 'refuse')}>${t('approve.no')}</button>
    </li>`)}</ul></div>`;
}

const steps = ['start', 'await_citizen', 'resume', 'close'];

export function StaffActions({ c, user, onDone }) {
  const [error, setError] = useState(null);
  const step = async (action) => {
    try { await post(`/cases/${c.id}/transition`, { action }); setError(null); onDone(); } catch (err) { setError(errorOf(err)); }
  };
  const a = c.actions || [];
  return html`<div class="actions staff-actions">
    <h2>${t('case.actions')}</h2>
    <${ErrorSummary} error=${error} />
    ${c.resolution && html`<div class="resolution"><h3>${t('case.resolution')}</h3><p>${c.resolution}</p></div>`}
    ${steps.filter((s) => a.includes(s)).map((s) => html`<button type="button" class="secondary" onClick=${() => step(s)}>${t('action.' + s)}</button>`)}
    ${a.includes('resolve') && html`<${ActionForm} id="resolution" title=${t('resolve.title')} field=${t('resolve.text')}
      submitLabel=${t('resolve.submit')} onSubmit=${(resolution) => post(`/cases/${c.id}/resolve`, { resolution }).then(onDone)} />`}
    ${a.includes('postpone') && html`<${Postpone} c=${c} onDone=${onDone} />`}
    ${a.includes('assign') && html`<${Reassign} c=${c} onDone=${onDone} />`}
    ${can(user, 'case.approve') && html`<${Approvals} c=${c} onDone=${onDone} />`}
  </div>`;
}

