// screens/guide.js: the service guide, open to everyone: search the
// services of every entity (the server ignores diacritics, letter variants,
// the article and attached particles), read one service, and ask about it
// (a new case pre-filled with its entity, case type and subject).
import { html, useEffect, useState } from '../html.js';
import { t, pick, lang } from '../i18n.js';
import { get } from '../api.js';
import { navigate } from '../store.js';
import { Page, Spinner, ErrorSummary, errorOf, Marked } from '../components.js';

const local = (o) => (o ? (lang() === 'ar' ? (o.ar || o.en) : (o.en || o.ar)) : '');

export function Guide({ params }) {
  const q = params.get('q') || '';
  const [text, setText] = useState(q);
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setList(null);
    setError(null);
    get('/services' + (q ? '?q=' + encodeURIComponent(q) : '')).then((r) => setList(r.services)).catch((e) => setError(errorOf(e)));
  }, [q]);
  const submit = (ev) => {
    ev.preventDefault();
    navigate('/guide' + (text.trim() ? '?q=' + encodeURIComponent(text.trim()) : ''));
  };
  const ar = lang() === 'ar';
  return html`<${Page} title=${t('guide.title')}>
    <p>${t('guide.intro')}</p>
    <form class="card form search" role="search" onSubmit=${submit}>
      <label for="guide-q">${t('guide.search')}</label>
      <div class="row">
        <input id="guide-q" type="search" value=${text} onInput=${(e) => setText(e.target.value)} maxlength="200" />
        <button type="submit">${t('guide.search_button')}</button>
      </div>
    </form>
    <${ErrorSummary} error=${error} />
    ${list === null ? !error && html`<${Spinner} />` : list.length === 0 ? html`<p class="empty">${t('guide.none')}</p>` : html`
      <ul class="case-list service-list">
        ${list.map((s) => html`<li class="case-row" data-service=${s.id}>
          <a href=${'/guide/' + s.id} class="case-link service-link">
            <span class="subject"><${Marked} text=${ar ? s.name_ar : s.name_en} spans=${s.highlights && (ar ? s.highlights.name_ar : s.highlights.name_en)} /></span>
            <span class="meta">${pick(s.entity)}</span>
          </a>
          <p class="excerpt"><${Marked} text=${ar ? s.description_ar : s.description_en}
            spans=${s.highlights && (ar ? s.highlights.description_ar : s.highlights.description_en)} /></p>
        </li>`)}
      </ul>`}
  <//>`;
}

export function ServicePage({ id }) {
  const [s, setS] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { get('/services/' + id).then((r) => setS(r.service)).catch((e) => setError(errorOf(e))); }, [id]);
  if (!s) return html`<${Page} title=${t('guide.title')}><${ErrorSummary} error=${error} />${!error && html`<${Spinner} />`}<//>`;
  const list = (items) => items.filter((i) => local(i)).map((i) => html`<li>${local(i)}</li>`);
  const fact = (key, value) => value && html`<div><dt>${t(key)}</dt><dd>${value}</dd></div>`;
  return html`<${Page} title=${pick(s)}>
    <p class="meta">${t('guide.entity')}: ${pick(s.entity || {})}</p>
    <p>${lang() === 'ar' ? s.description_ar || s.description_en : s.description_en || s.description_ar}</p>
    <dl class="facts service-facts">
      ${fact('guide.eligibility', local(s.eligibility))}
      ${fact('guide.fees', local(s.fees))}
      ${fact('guide.duration', local(s.duration))}
      ${fact('guide.office_hours', local(s.office_hours))}
      ${s.channels.length > 0 && fact('guide.channels', s.channels.map((c) => t('guide.channel.' + c)).join('، '))}
    </dl>
    ${s.documents.length > 0 && html`<h2>${t('guide.documents')}</h2><ul>${list(s.documents)}</ul>`}
    ${s.steps.length > 0 && html`<h2>${t('guide.steps')}</h2><ol>${list(s.steps)}</ol>`}
    <p class="actions">
      ${s.url && html`<a class="button secondary" href=${s.url} rel="noopener noreferrer" target="_blank">${t('guide.eservice')}</a>`}
      <a class="button" id="ask-service" href=${'/cases/new?service=' + s.id}>${t('guide.ask')}</a>
    </p>
  <//>`;
}
