// guide_flow.js: the service guide (issue 19) in the browser: a visitor who
// is not logged in finds a demo service by a misspelled Arabic word, reads
// it, asks about it, logs in on the way, and opens a case pre-filled with
// the service's entity, case type and subject; the case is about the
// service.
import { expect, step } from './runner.js';
import { axe, PW } from './harness.js';

export async function runGuide({ open }) {
  const page = await open({ width: 390, height: 844 });
  let serviceID;

  await step('guide: a visitor finds a service by a misspelled Arabic word', async () => {
    await page.goto('/guide');
    // «المدرسيه» for «المدرسية»: ه for ة, and the article.
    await page.fill('#guide-q', 'المستلزمات المدرسيه');
    await page.click('form[role=search] button[type=submit]');
    const link = page.locator('.service-link', { hasText: 'مساعدة المستلزمات المدرسية' });
    await link.waitFor();
    expect(await page.locator('.service-list li').count(), 1, 'services found');
    expect(await page.locator('.service-list mark').count() >= 2, true, 'the matching words are marked');
    const violations = await axe(page);
    expect(violations.length, 0, 'accessibility violations on the guide: ' + JSON.stringify(violations));
    await link.click();
    await page.locator('#ask-service').waitFor();
    serviceID = page.url().split('/').pop();
    expect(await page.locator('.service-facts').count(), 1, 'the service page lists its facts');
  });

  await step('guide: asking about the service opens a pre-filled case', async () => {
    await page.click('#ask-service');
    await page.waitForURL('**/login**');
    await page.fill('#login', 'citizen@jihat.demo');
    await page.fill('#password', PW);
    await page.click('form button[type=submit]');
    await page.waitForURL('**/cases/new?service=**');
    await page.locator('.about-service').waitFor();
    await page.waitForFunction(() => document.querySelector('#case_type_id') && document.querySelector('#case_type_id').value !== '');
    expect((await page.inputValue('#subject')).includes('مساعدة المستلزمات المدرسية'), true, 'the subject names the service');
    await page.fill('#body', 'هل يمكن التقديم لطفلين في المدرسة نفسها؟');
    await page.click('form button[type=submit]');
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop();
    const c = await page.evaluate(async (cid) => (await (await fetch('/api/v1/cases/' + cid)).json()).case, id);
    expect(c.service_id, serviceID, 'the case is about the service');
    expect(page.problems.length, 0, 'page errors: ' + page.problems.join('; '));
  });
}
