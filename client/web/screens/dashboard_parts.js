// screens/dashboard_parts.js: the dashboard's chart (an SVG bar chart with
// its data as a table for screen readers), the employees' performance table,
// and the formatting of durations and percentages.
import { html, useEffect, useState } from '../html.js';
import { t, num, dir, dates } from '../i18n.js';
import { get } from '../api.js';
import { Spinner, ErrorSummary, errorOf } from '../components.js';

// seconds formats a duration in seconds as minutes, hours or days.
export function seconds(s) {
  if (s == null) return t('dash.none');
  if (s < 3600) return t('dash.minutes_n', { n: Math.round(s / 60) });
  if (s < 48 * 3600) return t('dash.hours_n', { n: Math.round((s / 3600) * 10) / 10 });
  return t('dash.days_n', { n: Math.round((s / 86400) * 10) / 10 });
}

export const pct = (v) => (v == null ? t('dash.none') : num(v / 100, { style: 'percent', maximumFractionDigits: 1 }));

// Chart draws received (total) and late per bucket; in Arabic time runs
// from right to left, like the text.
export function Chart({ buckets }) {
  if (buckets.length === 0) return null;
  const W = 640;
  const H = 180;
  const pad = 20;
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const bw = (W - 2 * pad) / buckets.length;
  const rtl = dir() === 'rtl';
  const x = (i) => (rtl ? W - pad - (i + 1) * bw : pad + i * bw);
  const y = (v) => H - pad - ((H - 2 * pad) * v) / max;
  // A bucket's civil date in the entity's zone, shown at noon UTC so no
  // browser zone moves it to the day before.
  const label = (b) => dates(b.date + 'T12:00:00Z', false);
  const ticks = [...new Set([0, Math.floor((buckets.length - 1) / 2), buckets.length - 1])];
  return html`<section aria-labelledby="h-chart" class="dash-section">
    <h2 id="h-chart">${t('dash.chart')}</h2>
    <figure class="card chart">
      <svg viewBox=${`0 0 ${W} ${H + 20}`} role="img" aria-labelledby="h-chart" preserveAspectRatio="none">
        <line x1=${pad} x2=${W - pad} y1=${H - pad} y2=${H - pad} class="axis" />
        ${buckets.map((b, i) => html`<g>
          <rect class="bar-total" x=${x(i) + bw * 0.1} width=${bw * 0.8} y=${y(b.total)} height=${H - pad - y(b.total)}><title>${label(b).greg}: ${num(b.total)}</title></rect>
          <rect class="bar-late" x=${x(i) + bw * 0.3} width=${bw * 0.4} y=${y(b.late)} height=${H - pad - y(b.late)}><title>${t('dash.late')}: ${num(b.late)}</title></rect>
        </g>`)}
        ${ticks.map((i) => html`<text x=${x(i) + bw / 2} y=${H + 8} text-anchor="middle" class="tick">${label(buckets[i]).greg}</text>`)}
        <text x=${rtl ? W - pad : pad} y=${pad - 6} text-anchor=${rtl ? 'end' : 'start'} class="tick">${num(max)}</text>
      </svg>
      <figcaption><span class="key key-total"></span> ${t('dash.total')} <span class="key key-late"></span> ${t('dash.late')}</figcaption>
      <details><summary>${t('dash.chart_data')}</summary>
        <div class="table-wrap"><table class="chart-data">
          <thead><tr><th scope="col">${t('dash.date')}</th><th scope="col">${t('dash.total')}</th><th scope="col">${t('dash.late')}</th></tr></thead>
          <tbody>${buckets.map((b) => html`<tr><th scope="row">${label(b).greg} <span class="hijri">${label(b).hijri}</span></th>
            <td>${num(b.total)}</td><td>${num(b.late)}</td></tr>`)}</tbody>
        </table></div>
      </details>
    </figure>
  </section>`;
}

// Employees is a department's employees ranked, for the period.
export function Employees({ departmentID, name, query }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    get(`/stats/departments/${departmentID}/performance${query}`).then(setData).catch((e) => setError(errorOf(e)));
  }, [departmentID, query]);
  return html`<section aria-labelledby="h-employees" class="dash-section employees">
    <h2 id="h-employees">${name ? t('dash.employees_of', { name }) : t('dash.employees')}</h2>
    <${ErrorSummary} error=${error} />
    ${!data && !error ? html`<${Spinner} />` : data && (data.employees || []).length === 0 ? html`<p class="empty">${t('dash.no_data')}</p>` : data && html`
      <div class="table-wrap"><table class="employees-table">
        <thead><tr><th scope="col">${t('dash.rank')}</th><th scope="col">${t('dash.employee')}</th><th scope="col">${t('dash.completed')}</th>
          <th scope="col">${t('dash.open')}</th><th scope="col">${t('dash.late')}</th><th scope="col">${t('dash.median_first')}</th>
          <th scope="col">${t('dash.median_resolution')}</th><th scope="col">${t('dash.sla_met')}</th><th scope="col">${t('dash.rating')}</th>
          <th scope="col">${t('dash.hours')}</th></tr></thead>
        <tbody>${data.employees.map((e) => html`<tr data-employee=${e.employee_id}>
          <td>${num(e.rank)}</td><th scope="row">${e.name}</th><td>${num(e.completed)}</td><td>${num(e.open)}</td><td>${num(e.late)}</td>
          <td>${seconds(e.median_first_response_s)}</td><td>${seconds(e.median_resolution_s)}</td><td>${pct(e.sla_met_pct)}</td>
          <td>${e.avg_rating == null ? t('dash.none') : num(e.avg_rating, { maximumFractionDigits: 1 })}</td>
          <td>${hoursText(e.active_seconds)}</td></tr>`)}</tbody>
      </table></div>`}
  </section>`;
}

// hoursText formats worked seconds as hours.
export const hoursText = (s) => t('dash.hours_n', { n: Math.round(((s || 0) / 3600) * 10) / 10 });
