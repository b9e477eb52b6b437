// harness.js: the real binary on a loopback port with a temp data dir, and
// Debian's Chromium driven by playwright-core (never a downloaded browser).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '../../..');
export const outDir = process.env.JIHAT_TEST_OUTPUT || join(repo, 'test-output', 'e2e');
const require = createRequire(import.meta.url);
export const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
    s.on('error', rej);
  });
}

// startServer builds (unless JIHAT_BIN names a binary) and starts jihat
// with the demo; it collects the JSON log lines of its stdout.
export async function startServer() {
  let bin = process.env.JIHAT_BIN;
  const dir = mkdtempSync(join(tmpdir(), 'jihat-e2e-'));
  if (!bin) {
    bin = join(dir, 'jihat');
    execFileSync('go', ['build', '-o', bin, './cmd/jihat'], { cwd: repo, stdio: 'inherit' });
  }
  const port = await freePort();
  // Meeting audio stays on loopback (JIHAT_RTC_IPS), as Chromium's
  // --allow-loopback-in-peer-connection expects.
  const env = { ...process.env, JIHAT_ADMIN_LOGIN: 'admin@e2e.test', JIHAT_ADMIN_PASSWORD: 'E2E-platform-admin-2026', JIHAT_RTC_IPS: '127.0.0.1' };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'SMS_URL', 'JIHAT_ADDR', 'JIHAT_DATA_DIR', 'JIHAT_NO_DEMO']) delete env[k];
  const proc = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data-dir', join(dir, 'data')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let buf = '';
  const raw = [];
  proc.stdout.on('data', (d) => {
    raw.push(d);
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { const l = buf.slice(0, i); buf = buf.slice(i + 1); try { lines.push(JSON.parse(l)); } catch { /* not JSON */ } }
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error('jihat exited: ' + stderr);
    try { if ((await fetch(url + '/readyz')).ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error('jihat did not become ready: ' + stderr);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url, lines,
    log() { return Buffer.concat(raw).toString() + '\n--- stderr ---\n' + stderr; },
    stop() { proc.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); },
    // waitLog returns the first log line matching pred (polling).
    async waitLog(pred, ms = 20000) {
      const end = Date.now() + ms;
      for (;;) {
        const l = lines.find(pred);
        if (l) return l;
        if (Date.now() > end) throw new Error('no such log line');
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'],
  });
}

// newPage opens a context of its own (a separate person) with a page that
// records CSP violations and page errors, which fail the run.
// timezoneId sets the browser's time zone (the machine's by default).
export async function newPage(browser, base, { width = 1280, height = 900, lang, timezoneId } = {}) {
  const ctx = await browser.newContext({ viewport: { width, height }, baseURL: base, permissions: ['microphone'], timezoneId });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) page.problems.push('CSP: ' + m.text());
  });
  if (lang) await ctx.addInitScript((l) => localStorage.setItem('jihat.lang', l), lang);
  return page;
}

export function ensureOut() { rmSync(outDir, { recursive: true, force: true }); mkdirSync(outDir, { recursive: true }); }

// axe runs axe-core on the page and returns the serious and critical
// violations.
export async function axe(page) {
  axe.pages = axe.pages || 0;
  axe.minor = axe.minor || 0;
  await page.evaluate(axeSource);
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  if (!r || !Array.isArray(r.violations) || !(r.passes || []).length && !r.testEngine) throw new Error('axe-core did not run');
  axe.minor += r.violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical').length;
  axe.pages += 1;
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

// nationalID returns a valid national ID (Luhn check digit) from n.
export function nationalID(n) {
  const prefix = '1' + String(n % 100000000).padStart(8, '0');
  let sum = 0;
  [...prefix].forEach((c, i) => { let d = +c; if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; } sum += d; });
  return prefix + ((10 - (sum % 10)) % 10);
}

// PW is the demo accounts' password (cmd/jihat's demo seed).
export const PW = 'Jihat-demo-2026!';

// login signs who in through the form and waits until the app leaves the
// login page. It does not wait for the load event: on a loaded machine the
// app's modules may take long to finish loading after the form is usable.
export async function login(page, who, password = PW) {
  await page.goto('/login', { waitUntil: 'domcontentloaded' });
  await page.fill('#login', who);
  await page.fill('#password', password);
  await page.click('form button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

// me is the signed-in user of page, as GET /api/v1/me answers.
export const me = (page) => page.evaluate(async () => (await (await fetch('/api/v1/me')).json()).user);
