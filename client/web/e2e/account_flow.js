// account_flow.js: a citizen who registers with an e-mail is asked for the
// code sent to it; a wrong code is refused in Arabic, a new code replaces
// the old one, the right code verifies the address, and the reminder shown
// on every page until then goes away.
import { expect, step } from './runner.js';
import { axe, outDir } from './harness.js';

const arabic = /[\u0600-\u06FF]/;

export async function runAccount({ server, open }) {
  const page = await open({ width: 390, height: 844 });
  const email = `verify-${Date.now()}@e2e.test`;
  // codes lists the codes printed for the address so far, oldest first.
  const codes = () => server.lines
    .filter((l) => l.kind === 'account.verify_email' && l.email === email)
    .map((l) => (l.text.match(/\b[0-9]{6}\b/) || [])[0]);
  const nthCode = async (n) => {
    const end = Date.now() + 20000;
    while (codes().length < n) {
      if (Date.now() > end) throw new Error(`no code number ${n} for ${email}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return codes()[n - 1];
  };

  await step('account: registering by e-mail asks for the code sent to it', async () => {
    await page.goto('/register');
    await page.fill('#name', 'مواطنة تتحقق من بريدها');
    await page.check('input[name=kind][value=email]');
    await page.fill('#value', email);
    await page.fill('#password', 'E2E-verify-pass-2026');
    await page.click('form button[type=submit]');
    await page.waitForURL('**/account');
    await page.locator('#code-email').waitFor();
    expect(await page.locator('.contact[data-channel=email] .badge.unverified').count(), 1, 'the e-mail shows as awaiting verification');
    expect(!!(await nthCode(1)), true, 'a six-digit code was sent at registration');
    await page.screenshot({ path: `${outDir}/ar-account-verify.png`, fullPage: true });
    const violations = await axe(page);
    expect(violations.length, 0, 'accessibility violations on my account: ' + JSON.stringify(violations));
  });

  await step('account: other pages remind the person until the address is verified', async () => {
    await page.goto('/cases');
    await page.locator('.unverified-banner').waitFor();
    await page.click('.unverified-banner a[href="/account"]');
    await page.waitForURL('**/account');
    await page.locator('#code-email').waitFor();
  });

  await step('account: a wrong code is refused in Arabic; a new code replaces the old one; the right one verifies', async () => {
    const first = await nthCode(1);
    await page.fill('#code-email', first === '000000' ? '111111' : '000000');
    await page.click('.contact[data-channel=email] button[type=submit]');
    const err = page.locator('.contact[data-channel=email] .error-summary');
    await err.waitFor();
    expect(arabic.test(await err.textContent()), true, 'a wrong code is refused in Arabic');
    await page.click('.contact[data-channel=email] button.secondary');
    await page.locator('.contact[data-channel=email] .sent').waitFor();
    const second = await nthCode(2);
    if (second !== first) {
      // The first code ended when the second was sent.
      await page.fill('#code-email', first);
      await page.click('.contact[data-channel=email] button[type=submit]');
      await page.locator('.contact[data-channel=email] .error-summary').waitFor();
      expect(await page.locator('.contact[data-channel=email] .badge.unverified').count(), 1, 'the old code no longer verifies');
    }
    await page.fill('#code-email', second);
    await page.click('.contact[data-channel=email] button[type=submit]');
    await page.locator('.contact[data-channel=email] .badge.verified').waitFor();
    expect(await page.locator('#code-email').count(), 0, 'the code form is gone once verified');
    const me = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.json()));
    expect(me.user.email_verified, true, 'the server holds the e-mail as verified');
    await page.goto('/cases');
    await page.locator('h1').waitFor();
    expect(await page.locator('.unverified-banner').count(), 0, 'no reminder once verified');
  });
}
