// screens/newcase.js: open a case: entity → type → subject and details →
// priority, kind (a report names its category) and an optional location.
import { html, useEffect, useState } from '../html.js';
import { t, pick } from '../i18n.js';
import { get, post } from '../api.js';
import { navigate, set } from '../store.js';
import { Page, Input, Select, Textarea, ErrorSummary, errorOf, Spinner } from '../components.js';

const priorities = ['normal', 'important', 'very_important'];
const kinds = ['inquiry', 'complaint', 'suggestion', 'report'];
const categories = ['building_maintenance', 'fire', 'criminal_incident', 'traffic_accident', 'violence',
  'food_poisoning', 'cleanliness', 'other'];

export function NewCase({ params }) {
  const serviceID = (params && params.get('service')) || '';
  const [service, setService] = useState(null);
  const [entities, setEntities] = useState(null);
  const [types, setTypes] = useState([]);
  const [f, setF] = useState({ entity_id: '', case_type_id: '', subject: '', body: '', priority: 'normal', kind: 'inquiry',
    category: '', lat: '', lng: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { get('/entities').then((r) => setEntities(r.entities)).catch((e) => setError(errorOf(e))); }, []);
  // "Ask about this service" (the guide): the entity, case type and subject come pre-filled.
  useEffect(() => {
    if (!serviceID) return;
    get('/services/' + serviceID).then((r) => {
      const sv = r.service;
      setService(sv);
      setF((old) => ({ ...old, entity_id: sv.entity_id, case_type_id: sv.case_type_id || '',
        subject: t('guide.ask_subject', { name: pick(sv) }).slice(0, 200) }));
    }).catch((e) => setError(errorOf(e)));
  }, [serviceID]);
  useEffect(() => {
    setTypes([]);
    if (f.entity_id) get(`/entities/${f.entity_id}/case-types`).then((r) => setTypes(r.case_types)).catch((e) => setError(errorOf(e)));
  }, [f.entity_id]);
  const up = (k) => (v) => {
    if (k === 'entity_id' && service) setService(null); // another entity: no longer about the service
    setF({ ...f, [k]: v, ...(k === 'entity_id' ? { case_type_id: '' } : {}) });
  };
  const locate = () => {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition((p) => setF({ ...f, lat: p.coords.latitude.toFixed(6), lng: p.coords.longitude.toFixed(6) }));
  };
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    const body = { entity_id: f.entity_id, case_type_id: f.case_type_id, subject: f.subject.trim(), body: f.body.trim(),
      priority: f.priority, kind: f.kind };
    if (f.kind === 'report') body.category = f.category;
    if (service && service.entity_id === f.entity_id) body.service_id = service.id;
    if (f.lat !== '' || f.lng !== '') body.location = { lat: parseFloat(f.lat), lng: parseFloat(f.lng) };
    try {
      const { case: c } = await post('/cases', body);
      set({ flash: { kind: 'ok', text: t('newcase.done', { number: c.number }) } });
      navigate('/cases/' + c.id, { replace: true });
    } catch (err) {
      setError(errorOf(err));
      setBusy(false);
    }
  };
  if (!entities) return html`<${Page} title=${t('newcase.title')}><${ErrorSummary} error=${error} /><${Spinner} /><//>`;
  const fe = (error && error.fields) || {};
  const labels = { entity_id: t('newcase.entity'), case_type_id: t('newcase.type'), subject: t('newcase.subject'),
    body: t('newcase.body'), priority: t('newcase.priority'), kind: t('newcase.kind'), category: t('newcase.category'),
    location: t('newcase.location') };
  return html`<${Page} title=${t('newcase.title')}>
    <form class="card form" onSubmit=${submit} novalidate>
      <${ErrorSummary} error=${error} labels=${labels} />
      ${service && html`<p class="about-service" data-service=${service.id}>${t('guide.about')}: <a href=${'/guide/' + service.id}>${pick(service)}</a></p>`}
      <${Select} id="entity_id" label=${labels.entity_id} value=${f.entity_id} error=${fe.entity_id} required
        placeholder=${t('form.choose')} options=${entities.map((e) => ({ value: e.id, label: pick(e) }))} onChange=${up('entity_id')} />
      <${Select} id="case_type_id" label=${labels.case_type_id} value=${f.case_type_id} error=${fe.case_type_id} required
        disabled=${!f.entity_id} placeholder=${t('form.choose')}
        options=${types.map((c) => ({ value: c.id, label: pick(c) }))} onChange=${up('case_type_id')} />
      <${Input} id="subject" label=${labels.subject} value=${f.subject} error=${fe.subject} required maxlength="200"
        onInput=${up('subject')} />
      <${Textarea} id="body" label=${labels.body} value=${f.body} error=${fe.body} rows="5" onInput=${up('body')} />
      <fieldset class="choices">
        <legend>${labels.priority}</legend>
        ${priorities.map((p) => html`<label class="choice"><input type="radio" name="priority" value=${p}
          checked=${f.priority === p} onChange=${() => setF({ ...f, priority: p })} /> ${t('priority.' + p)}</label>`)}
      </fieldset>
      <${Select} id="kind" label=${labels.kind} value=${f.kind} error=${fe.kind}
        options=${kinds.map((k) => ({ value: k, label: t('kind.' + k) }))} onChange=${up('kind')} />
      ${f.kind === 'report' && html`<${Select} id="category" label=${labels.category} value=${f.category} error=${fe.category}
        required placeholder=${t('form.choose')} options=${categories.map((k) => ({ value: k, label: t('category.' + k) }))}
        onChange=${up('category')} />`}
      <fieldset class="location">
        <legend>${labels.location} <span class="optional">(${t('form.optional')})</span></legend>
        ${fe.location && html`<p class="error-text">${fe.location}</p>`}
        <div class="row">
          <${Input} id="lat" label=${t('newcase.lat')} value=${f.lat} inputmode="decimal" dir="ltr" onInput=${up('lat')} />
          <${Input} id="lng" label=${t('newcase.lng')} value=${f.lng} inputmode="decimal" dir="ltr" onInput=${up('lng')} />
        </div>
        <button type="button" class="secondary" onClick=${locate}>${t('newcase.locate')}</button>
      </fieldset>
      <button class="primary" type="submit" disabled=${busy}>${t('newcase.submit')}</button>
    </form>
  <//>`;
}
