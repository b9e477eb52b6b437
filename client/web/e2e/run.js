// run.js: `npm test` (and `make test`, through scripts/test.sh) — starts
// the real binary and Chromium, runs the flows, saves screenshots under
// test-output/e2e, and exits non-zero on any failure.
import { writeFileSync } from 'node:fs';
import { startServer, launch, newPage, ensureOut, outDir } from './harness.js';
import { step, summary } from './runner.js';
import { run } from './flows.js';
import { runGuide } from './guide_flow.js';
import { runServiceAdmin } from './service_admin_flow.js';
import { runMeeting } from './meeting_flow.js';
import { runAccount } from './account_flow.js';
import { runDashboard } from './dashboard_flow.js';
import { runMeetingVotes } from './meeting_vote_flow.js';
import { runBoards } from './board_flow.js';

const t0 = Date.now();
ensureOut();
const server = await startServer();
const browser = await launch();
const pages = [];
let ok = false;
try {
  const open = async (opts) => { const p = await newPage(browser, server.url, opts); pages.push(p); return p; };
  step.onFail = async (name) => {
    for (const [i, p] of pages.entries()) await p.screenshot({ path: `${outDir}/FAILED-${i}.png`, fullPage: true }).catch(() => {});
    writeFileSync(`${outDir}/server.log`, server.log());
    console.log(`        screenshots of every page at the failure: ${outDir}/FAILED-*.png (${name})`);
  };
  console.log(`e2e: jihat at ${server.url}, Chromium ${browser.version()}`);
  await run({ server, open });
  await runGuide({ server, open });
  await runServiceAdmin({ server, open });
  await runMeeting({ server, open });
  await runAccount({ server, open });
  await runDashboard({ server, open });
  await runMeetingVotes({ server, open });
  await runBoards({ server, open });
  ok = summary();
} catch (err) {
  console.error('e2e: harness failure:', err);
} finally {
  await browser.close().catch(() => {});
  server.stop();
}
console.log(`e2e: ${((Date.now() - t0) / 1000).toFixed(1)}s; screenshots in ${outDir}`);
process.exit(ok ? 0 : 1);
