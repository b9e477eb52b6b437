// components.js: the small shared pieces of the screens: form fields with
// their errors, the error summary, dates (Hijri beside Gregorian), status
// and priority badges, and the spinner.
import { html, useEffect, useRef, useState } from './html.js';
import { t, dates, digitsIn } from './i18n.js';

// Field is a labelled control; error is shown beside it.
export function Field({ id, label, error, hint, children }) {
  return html`<div class=${'field' + (error ? ' field-error' : '')}>
    <label for=${id}>${label}</label>
    ${hint && html`<p class="hint" id=${id + '-hint'}>${hint}</p>`}
    ${error && html`<p class="error-text" id=${id + '-error'}><span class="visually-hidden">${t('form.error')}: </span>${error}</p>`}
    ${children}
  </div>`;
}

// Input is a text input wired to a form state object.
export function Input({ id, label, value, onInput, error, type = 'text', hint, ...rest }) {
  const described = [hint && id + '-hint', error && id + '-error'].filter(Boolean).join(' ') || undefined;
  return html`<${Field} id=${id} label=${label} error=${error} hint=${hint}>
    <input id=${id} name=${id} type=${type} value=${value ?? ''} aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${described} onInput=${(e) => onInput(e.target.value)} ...${rest} />
  <//>`;
}

export function Select({ id, label, value, onChange, error, options, placeholder, ...rest }) {
  return html`<${Field} id=${id} label=${label} error=${error}>
    <select id=${id} name=${id} value=${value ?? ''} aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${error ? id + '-error' : undefined} onChange=${(e) => onChange(e.target.value)} ...${rest}>
      ${placeholder !== undefined && html`<option value="">${placeholder}</option>`}
      ${options.map((o) => html`<option value=${o.value} selected=${o.value === value}>${o.label}</option>`)}
    </select>
  <//>`;
}

export function Textarea({ id, label, value, onInput, error, ...rest }) {
  return html`<${Field} id=${id} label=${label} error=${error}>
    <textarea id=${id} name=${id} aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${error ? id + '-error' : undefined}
      onInput=${(e) => onInput(e.target.value)} ...${rest}>${value ?? ''}</textarea>
  <//>`;
}

// ErrorSummary lists a failed request's message and field errors at the top
// of a form, and takes the focus so a screen reader announces it.
export function ErrorSummary({ error, labels = {} }) {
  const ref = useRef(null);
  useEffect(() => { if (error && ref.current) ref.current.focus(); }, [error]);
  if (!error) return null;
  const fields = Object.entries(error.fields || {});
  return html`<div class="error-summary" role="alert" tabindex="-1" ref=${ref} data-code=${error.code}>
    <h2>${t('form.problem')}</h2>
    <p>${error.message} <span class="code">(${error.code})</span></p>
    ${fields.length > 0 && html`<ul>${fields.map(([f, m]) => html`<li><a href=${'#' + f}>${labels[f] || f}: ${m}</a></li>`)}</ul>`}
  </div>`;
}

// When shows a time as Gregorian with the Hijri (Umm al-Qura) date beside it.
export function When({ iso, time = true }) {
  const d = dates(iso, time);
  if (!d) return html`<span>—</span>`;
  return html`<time datetime=${d.iso} class="when"><span class="greg">${d.greg}</span>
    <span class="hijri" title=${t('date.hijri')}>${d.hijri}</span></time>`;
}

export function StatusBadge({ c }) {
  return html`<span class=${'badge status-' + c.status}>${t('status.' + c.status)}</span>`;
}

export function PriorityBadge({ p }) {
  return html`<span class=${'badge priority-' + p}>${t('priority.' + p)}</span>`;
}

export function Late({ c }) {
  return c.late ? html`<span class="badge late">${t('case.late')}</span>` : null;
}

export function CaseNumber({ c }) {
  return html`<span class="case-number" dir="ltr">${digitsIn(c.number)}</span>`;
}

export function Spinner() {
  return html`<p class="loading" role="status">${t('loading')}</p>`;
}

// Page is a screen's frame: its heading (focused on arrival) and content.
export function Page({ title, children, wide }) {
  const ref = useRef(null);
  useEffect(() => { if (ref.current) ref.current.focus(); }, [title]);
  return html`<section class=${'page' + (wide ? ' wide' : '')}>
    <h1 tabindex="-1" ref=${ref}>${title}</h1>
    ${children}
  </section>`;
}

// errorOf turns a caught error into what ErrorSummary shows.
export function errorOf(err) {
  return { code: err.code || 'EINTERNAL', message: err.message, fields: err.fields || {} };
}

// useForm holds a create form's fields, error and submit; after gets what
// send resolved to.
export function useForm(initial, send, after) {
  const [f, setF] = useState(initial);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await send(f);
      setF(initial);
      if (after) after(r);
    } catch (err) { setError(errorOf(err)); }
    setBusy(false);
  };
  const up = (k) => (v) => setF((old) => ({ ...old, [k]: v }));
  return { f, setF, up, error, busy, submit, fe: (error && error.fields) || {} };
}

// Marked shows text with the spans (UTF-16 offsets, as the API gives them)
// inside <mark>.
export function Marked({ text, spans }) {
  if (!spans || spans.length === 0) return text;
  const out = [];
  let at = 0;
  for (const s of spans) {
    if (s.start > at) out.push(text.slice(at, s.start));
    out.push(html`<mark>${text.slice(s.start, s.end)}</mark>`);
    at = s.end;
  }
  out.push(text.slice(at));
  return out;
}
