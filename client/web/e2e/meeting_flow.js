// meeting_flow.js: meeting audio in real browsers (issue 15): two members
// of a meeting — the chair in Arabic, a member in English — reach the room
// from the meetings list and by its URL, join the audio (Chromium's fake
// microphone), and each receives the other's audio (inbound-rtp
// packetsReceived grows); the chair mutes the member and the member's
// packets stop reaching the chair; a raised hand reaches the chair, who
// gives the floor; the chair records, the member is told, and Chromium's
// Opus becomes one recording per speaker in the minutes. rtc.js runs
// against the real binary's SFU on loopback.
import { expect, step } from './runner.js';
import { axe, outDir, login, me } from './harness.js';

// trackPeers records the page's RTCPeerConnections, so the test can read
// their statistics without a hook in the app.
function trackPeers() {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
}

// received sums inbound-rtp audio packetsReceived over the page's open
// peer connections.
const received = (page) => page.evaluate(async () => {
  let n = 0;
  for (const pc of window.__pcs || []) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'audio') n += r.packetsReceived || 0; });
  }
  return n;
});

// grows waits until the page received at least more packets than from.
async function grows(page, from, more, what) {
  const end = Date.now() + 40000;
  for (;;) {
    const n = await received(page);
    if (n >= from + more) return n;
    if (Date.now() > end) throw new Error(`${what}: ${n - from} packets received, want ${more}`);
    await page.waitForTimeout(100);
  }
}

// metric reads one of the server's counters from /metrics.
async function metric(server, name) {
  const text = await (await fetch(server.url + '/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  if (!line) throw new Error('no metric ' + name);
  return Number(line.split(' ')[1]);
}

// dropped waits until the SFU has dropped at least n more muted packets
// than from: the fence of the mute test (a muted publisher's packets are
// counted as dropped, in order, instead of being forwarded).
async function dropped(server, from, n) {
  const end = Date.now() + 40000;
  for (;;) {
    const d = await metric(server, 'jihat_rtc_packets_dropped_muted_total');
    if (d >= from + n) return d;
    if (Date.now() > end) throw new Error(`the SFU dropped ${d - from} muted packets, want ${n}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runMeeting({ server, open }) {
  const chair = await open({});
  const member = await open({ lang: 'en' });
  const admin = await open({});
  for (const p of [chair, member]) await p.context().addInitScript(trackPeers);
  // Generous bounds for a loaded machine (a run that passes is not slower).
  for (const p of [chair, member, admin]) p.setDefaultTimeout(40000);
  let id;
  let chairID;
  let memberID;
  const title = `اجتماع اختبار الصوت ${Date.now() % 100000}`;

  await step('meeting: the entity admin schedules a meeting of two employees (the chair and a member)', async () => {
    await login(chair, 'sara@ministry.demo');
    await login(member, 'khalid@ministry.demo');
    await login(admin, 'admin@ministry.demo');
    chairID = (await me(chair)).id;
    memberID = (await me(member)).id;
    const start = new Date(Date.now() + 5 * 60000).toISOString();
    const end = new Date(Date.now() + 125 * 60000).toISOString();
    const r = await admin.evaluate(async (body) => {
      const res = await fetch('/api/v1/meetings', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    }, { entity_id: (await me(admin)).entity_id, title, starts_at: start, ends_at: end, agenda: [{ title: 'البند الأول' }],
      members: [{ user_id: chairID, role: 'chair' }, { user_id: memberID, role: 'member' }] });
    expect(r.status, 201, 'meeting created: ' + JSON.stringify(r.body));
    id = r.body.meeting.id;
  });

  await step('meeting: the chair reaches the room from the meetings list, the member by its URL', async () => {
    await chair.click('nav a[href="/meetings"]');
    await chair.locator('.meeting-link', { hasText: title }).click();
    await chair.waitForURL('**/meetings/' + id);
    await member.goto('/meetings/' + id);
    for (const p of [chair, member]) await p.locator('#audio-join').waitFor();
    await chair.locator(`.attendee-list li[data-user="${memberID}"]`).waitFor();
    await member.locator(`.attendee-list li[data-user="${chairID}"]`).waitFor();
    expect(await chair.getAttribute('html', 'dir'), 'rtl', 'the chair reads Arabic, right to left');
    expect(await member.getAttribute('html', 'dir'), 'ltr', 'the member reads English');
  });

  await step('meeting: both join the audio and each receives the other\'s', async () => {
    await chair.click('#audio-join');
    await member.click('#audio-join');
    for (const p of [chair, member]) await p.locator('.audio-state[data-state="connected"]').waitFor({ timeout: 40000 });
    await grows(chair, 0, 25, 'the chair hears the member');
    await grows(member, 0, 25, 'the member hears the chair');
    await chair.waitForFunction(() => document.querySelector('.speaker').dataset.speaker !== '', null, { timeout: 40000 });
    const violations = await axe(chair);
    expect(violations.length, 0, 'accessibility violations in the meeting room: ' + JSON.stringify(violations));
    await chair.screenshot({ path: `${outDir}/meeting-room-ar.png`, fullPage: true });
    await member.screenshot({ path: `${outDir}/meeting-room-en.png`, fullPage: true });
  });

  await step('meeting: the chair mutes the member, whose packets stop reaching the chair', async () => {
    const d0 = await metric(server, 'jihat_rtc_packets_dropped_muted_total');
    await chair.locator(`.attendee-list li[data-user="${memberID}"] button[data-action="mute"]`).click();
    await member.locator(`.attendee-list li[data-user="${memberID}"] .badge.muted`).waitFor();
    // Once the SFU has dropped half a second of the member's audio, nothing
    // of it is in flight; over the next second of drops, the chair must
    // receive nothing.
    await dropped(server, d0, 25);
    const before = await received(chair);
    await dropped(server, d0, 75);
    expect(await received(chair), before, 'packets the chair received from the muted member');
    await grows(member, await received(member), 10, 'the member still hears the chair');
  });

  await step('meeting: a raised hand reaches the chair, who gives the floor (the member is heard again)', async () => {
    await member.click('#audio-hand');
    await chair.locator(`.hand-queue li[data-user="${memberID}"]`).waitFor();
    await chair.locator(`.hand-queue li[data-user="${memberID}"] .give-floor`).click();
    await member.locator('.hands .empty').waitFor();
    await member.locator('.floor').waitFor();
    await member.locator(`.attendee-list li[data-user="${memberID}"] .badge.muted`).waitFor({ state: 'detached' });
    await grows(chair, await received(chair), 25, 'the chair hears the member again');
  });

  await step('meeting: the chair records; the member is told, and the minutes list both speakers\' files', async () => {
    await chair.click('#audio-record');
    await member.locator('.recording').waitFor();
    await grows(chair, await received(chair), 25, 'audio while recording');
    await chair.click('#audio-record');
    await member.locator('.recording').waitFor({ state: 'detached' });
    await member.waitForFunction(async (mid) => {
      const r = await (await fetch(`/api/v1/meetings/${mid}/minutes`)).json();
      return (r.recordings || []).length === 2;
    }, id, { timeout: 40000, polling: 250 });
    await member.click('#audio-leave');
    await chair.click('#audio-leave');
    for (const p of [chair, member]) expect(p.problems.length, 0, 'page errors: ' + p.problems.join('; '));
  });
}
