// service_admin_flow.js: the guide's administration (issue 19) in the
// browser: an entity admin creates a service as a draft (invisible to the
// public), edits it, publishes it, changes it again (the public keeps the
// published version until the next publish), publishes version 2, reads the
// version history, and the guide's search finds the service.
import { expect, step } from './runner.js';
import { axe, login } from './harness.js';

export async function runServiceAdmin({ open }) {
  const page = await open({});
  const stamp = Date.now() % 100000000;
  const name = `خدمة اختبار المتصفح ${stamp}`;
  const pub = (id) => page.evaluate(async (sid) => {
    const r = await fetch('/api/v1/services/' + sid, { credentials: 'omit', cache: 'no-store' });
    return { status: r.status, body: r.ok ? (await r.json()).service : null };
  }, id);
  let id;

  await step('services admin: an entity admin creates a draft, invisible to the public', async () => {
    await login(page, 'admin@ministry.demo');
    await page.waitForURL('**/queue');
    await page.goto('/admin/services');
    await page.locator('#services-table, .admin-grid p').first().waitFor();
    await page.fill('#svc-name-ar', name);
    await page.fill('#svc-name-en', `Browser test service ${stamp}`);
    await page.fill('#svc-desc-ar', 'خدمة لاختبار لوحة إدارة الدليل');
    await page.click('form[aria-labelledby=new-service] button[type=submit]');
    await page.locator('#service-editor').waitFor();
    const row = page.locator('#services-table tr', { hasText: name });
    await row.waitFor();
    id = await row.getAttribute('data-id');
    expect(await row.locator('.badge.svc-draft').count(), 1, 'the new service is a draft');
    expect((await pub(id)).status, 404, 'the public does not see a draft');
    const violations = await axe(page);
    expect(violations.length, 0, 'accessibility violations on the services admin: ' + JSON.stringify(violations));
  });

  await step('services admin: edit the draft and publish version 1', async () => {
    await page.fill('#svc-edit-fees-ar', 'مجاناً');
    await page.fill('#svc-edit-documents-ar', 'الهوية الوطنية\nصورة شخصية');
    await page.check('input[name=svc-edit-channel][value=online]');
    await page.fill('#svc-edit-url', 'https://example.gov.sa/e2e');
    await page.click('#svc-save');
    await page.locator('#service-editor .flash-ok').waitFor();
    expect((await pub(id)).status, 404, 'a saved draft is still not public');
    await page.click('#svc-publish');
    await page.locator('#service-editor .versions li').waitFor();
    const p = await pub(id);
    expect(p.status, 200, 'published');
    expect(p.body.fees.ar, 'مجاناً', 'the published fees');
    expect(p.body.documents.length, 2, 'the published documents');
    expect(p.body.version, 1, 'version 1');
    expect(await page.isDisabled('#svc-publish'), true, 'nothing new to publish');
  });

  await step('services admin: a change stays a draft until version 2 is published', async () => {
    await page.fill('#svc-edit-name-ar', name + ' المحدثة');
    await page.click('#svc-save');
    await page.locator('#service-editor .badge.svc-changed').waitFor();
    expect((await pub(id)).body.name_ar, name, 'the public keeps version 1');
    await page.click('#svc-publish');
    await page.waitForFunction(() => document.querySelectorAll('#service-editor .versions li').length === 2);
    expect((await pub(id)).body.name_ar, name + ' المحدثة', 'version 2 is public');
    await page.goto('/guide');
    await page.fill('#guide-q', `اختبار المتصفح ${stamp} المحدثه`);
    await page.click('form[role=search] button[type=submit]');
    await page.locator('.service-link', { hasText: name }).first().waitFor();
    expect(page.problems.length, 0, 'page errors: ' + page.problems.join('; '));
  });
}
