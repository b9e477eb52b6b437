// dashboard_flow.js: the statistics dashboard in the browser. A supervisor
// sees what the API answers for their scope (live counters, the period's
// figures, the chart, their department and its employees); a case opened
// meanwhile moves the live counters without a reload; oversight starts from
// every entity and opens one.
import { expect, step } from './runner.js';
import { axe, outDir, login, me } from './harness.js';

const latin = (s) => s.replace(/[٠-٩]/g, (d) => String('٠١٢٣٤٥٦٧٨٩'.indexOf(d))).replace(/[^0-9]/g, '');

const statOf = async (page, k) => Number(latin(await page.locator(`[data-stat="${k}"] .stat-value`).textContent()));

export async function runDashboard({ open }) {
  const sup = await open({ width: 1280, height: 900 });
  let dash;

  await step('dashboard: a supervisor sees the live counters, the period, the chart and their employees as the API gives them', async () => {
    await login(sup, 'noura@ministry.demo');
    await sup.click('nav a[href="/dashboard"]');
    await sup.locator('[data-stat="open"] .stat-value').waitFor();
    dash = await sup.evaluate(async () => {
      const { user } = await (await fetch('/api/v1/me')).json();
      return (await fetch(`/api/v1/stats/entities/${user.entity_id}/dashboard`)).json();
    });
    for (const k of ['open', 'late', 'opened_today', 'resolved_today']) expect(await statOf(sup, k), dash.counters[k], `live counter ${k}`);
    expect(await statOf(sup, 'total'), dash.figures.total, 'cases received in the period');
    expect(await statOf(sup, 'completed'), dash.figures.completed, 'cases completed in the period');
    expect(dash.counters.department_id, dash.by_department.groups[0].key, "the supervisor's counters are their department's");
    expect(await sup.locator('.chart svg rect.bar-total').count(), dash.indicators.buckets.length, 'one bar per day of the period');
    expect(await sup.locator('table.departments tbody tr').count(), dash.by_department.groups.length, 'the departments in scope');
    await sup.locator('table.employees-table tbody tr').first().waitFor();
    expect(await sup.locator('table.employees-table tbody tr').count() >= 3, true, "the department's employees are ranked");
    await sup.screenshot({ path: `${outDir}/ar-supervisor-dashboard.png`, fullPage: true });
    const violations = await axe(sup);
    expect(violations.length, 0, 'accessibility violations on the dashboard: ' + JSON.stringify(violations));
  });

  await step('dashboard: a case opened by a citizen moves the counters live, without a reload', async () => {
    const before = await statOf(sup, 'opened_today');
    await sup.evaluate(() => { window.__noReload = true; });
    const cit = await open({ width: 390, height: 844 });
    await login(cit, 'citizen@jihat.demo');
    const made = await cit.evaluate(async () => {
      const post = (p, b) => fetch('/api/v1' + p, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) });
      const { entities } = await (await fetch('/api/v1/entities')).json();
      const ent = entities.find((e) => e.name_ar === 'وزارة الخدمات (تجريبي)');
      const { case_types: types } = await (await fetch(`/api/v1/entities/${ent.id}/case-types`)).json();
      const type = types.find((x) => x.name_ar === 'استفسار عام');
      const r = await post('/cases', { entity_id: ent.id, case_type_id: type.id, subject: 'سؤال للوحة المؤشرات', body: 'تفاصيل', priority: 'normal', kind: 'inquiry' });
      return r.status;
    });
    expect(made, 201, 'the citizen opened a case');
    await sup.waitForFunction((n) => {
      const el = document.querySelector('[data-stat="opened_today"] .stat-value');
      const v = Number(el.textContent.replace(/[٠-٩]/g, (d) => String('٠١٢٣٤٥٦٧٨٩'.indexOf(d))).replace(/[^0-9]/g, ''));
      return v === n;
    }, before + 1, { timeout: 15000 });
    expect(await sup.evaluate(() => window.__noReload === true), true, 'the page was not reloaded');
  });

  await step('dashboard: oversight starts from every entity and opens one', async () => {
    const ov = await open({ width: 1280, height: 900 });
    await login(ov, 'oversight@jihat.demo');
    await ov.goto('/dashboard');
    const row = ov.locator('table.entities-table tbody tr', { hasText: 'وزارة الخدمات (تجريبي)' });
    await row.waitFor();
    await row.locator('a').click();
    await ov.waitForURL(/\/dashboard\/[0-9a-f-]{36}/);
    await ov.locator('[data-stat="open"] .stat-value').waitFor();
    expect(await ov.locator('table.departments tbody tr').count() >= 2, true, "the entity's departments");
    await ov.click('[data-preset="week"]');
    await ov.waitForURL(/from=/);
    await ov.locator('.chart svg').waitFor();
    expect(await ov.locator('.chart svg rect.bar-total').count(), 7, 'seven days in the last week');
  });

  await step("dashboard: the period presets count days in the entity's time zone, not the browser's", async () => {
    // UTC+14 and UTC-11: their calendar dates always differ, so the
    // browser's own "today" is wrong in at least one of them.
    for (const timezoneId of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const p = await open({ timezoneId });
      await login(p, 'noura@ministry.demo');
      await p.goto('/dashboard');
      await p.locator('[data-preset="today"]').waitFor();
      const entity = (await me(p)).entity_id;
      const today = await p.evaluate(async (e) => (await (await fetch(`/api/v1/stats/entities/${e}/dashboard`)).json()).figures.period.to_date, entity);
      await p.click('[data-preset="today"]');
      await p.waitForURL(/from=/);
      const q = new URL(p.url()).searchParams;
      expect(`${q.get('from')} ${q.get('to')}`, `${today} ${today}`, `"today" in a browser in ${timezoneId}`);
    }
  });
}
