// meeting_vote_flow.js: a board's business in real browsers (issue 14 in
// the web app): the quorum moves live as members arrive; the chair moves
// through the agenda; a motion drafted and opened by the chair is voted by
// the members present, a vote changed before the close; everyone sees the
// tally live (who voted what for an open ballot, counts only for a secret
// one); the close gives the result; an observer sees the votes but has no
// vote.
import { expect, step } from './runner.js';
import { axe, outDir, login, me } from './harness.js';

const count = (page, motion, choice) => page.locator(`li[data-motion="${motion}"] .count-${choice} b`);

export async function runMeetingVotes({ open }) {
  const chair = await open({});
  const member = await open({ lang: 'en' });
  const observer = await open({});
  const admin = await open({});
  for (const p of [chair, member, observer, admin]) p.setDefaultTimeout(30000);
  let id;
  let items;
  let memberID;
  const title = `اجتماع اختبار التصويت ${Date.now() % 100000}`;

  await step('votes: the entity admin schedules a meeting in the app (chair, two members, an observer; two agenda items)', async () => {
    await login(chair, 'sara@ministry.demo');
    await login(member, 'khalid@ministry.demo');
    await login(observer, 'noura@ministry.demo');
    await login(admin, 'admin@ministry.demo');
    memberID = (await me(member)).id;
    const seats = { [(await me(chair)).id]: 'chair', [memberID]: 'member', [(await me(observer)).id]: 'observer' };
    seats[await admin.evaluate(async (entity) => {
      const r = await (await fetch(`/api/v1/entities/${entity}/employees`)).json();
      return r.employees.find((e) => e.email === 'fahad@ministry.demo').id;
    }, (await me(admin)).entity_id)] = 'member';
    await admin.goto('/meetings');
    await admin.click('#schedule-open');
    await admin.fill('#meeting-title', title);
    await admin.fill('#meeting-agenda', 'افتتاح الجلسة\nالميزانية');
    for (const [uid, role] of Object.entries(seats)) {
      await admin.check(`.member-row[data-user="${uid}"] input[type=checkbox]`);
      await admin.selectOption(`.member-row[data-user="${uid}"] select`, role);
    }
    const violations = await axe(admin);
    expect(violations.length, 0, 'accessibility violations on the schedule form: ' + JSON.stringify(violations));
    await admin.click('form.schedule button[type=submit]');
    const row = admin.locator('.meeting-list li', { hasText: title });
    await row.waitFor();
    id = await row.getAttribute('data-meeting');
    const got = await admin.evaluate(async (m) => (await (await fetch('/api/v1/meetings/' + m)).json()).meeting, id);
    items = got.agenda.map((it) => it.id);
    expect(items.length, 2, 'two agenda items');
    expect(got.members.length, 4, 'four members');
  });

  await step('votes: a member answers the invitation; the admin sees the answer', async () => {
    await member.goto('/meetings');
    await member.click(`li[data-meeting="${id}"] button[data-answer="attend"]`);
    await member.locator(`li[data-meeting="${id}"] button[data-answer="attend"][aria-pressed="true"]`).waitFor();
    await admin.goto('/meetings/' + id);
    await admin.locator('.answers summary').click();
    expect(await admin.locator(`.answers li[data-user="${memberID}"]`).textContent().then((x) => x.includes('سأحضر')), true, "the member's answer");
  });

  await step('votes: the quorum is shown and moves live as a member arrives', async () => {
    await chair.goto('/meetings/' + id);
    await chair.locator('.quorum[data-met="false"]').waitFor();
    await member.goto('/meetings/' + id);
    await chair.locator('.quorum[data-met="true"]').waitFor(); // 2 of 3 voting members: more than half
    await member.locator('.quorum[data-met="true"]').waitFor();
    await observer.goto('/meetings/' + id);
    await observer.locator('.agenda-list').waitFor();
  });

  await step('votes: the chair moves to the second item; everyone sees it as current', async () => {
    await chair.click(`li[data-item="${items[1]}"] button.make-current`);
    for (const p of [chair, member, observer]) await p.locator(`li[data-item="${items[1]}"][aria-current="step"]`).waitFor();
  });

  let motion;
  await step('votes: an open ballot: votes and a changed vote reach everyone live; the close gives the result', async () => {
    await chair.fill('#motion-title', 'اعتماد الميزانية');
    await chair.click('form.new-motion button[type=submit]');
    const li = chair.locator('li.motion', { hasText: 'اعتماد الميزانية' });
    await li.locator('button.open-motion').click();
    await chair.locator('li.motion[data-status="open"]', { hasText: 'اعتماد الميزانية' }).waitFor();
    motion = await li.getAttribute('data-motion');
    await member.locator(`li[data-motion="${motion}"] button.vote-accept`).click();
    await chair.waitForFunction((m) => document.querySelector(`li[data-motion="${m}"] .count-accept b`)?.textContent === '١', motion);
    await chair.click(`li[data-motion="${motion}"] button.vote-reject`);
    await member.click(`li[data-motion="${motion}"] button.vote-reject`); // changes the vote
    await chair.waitForFunction((m) => document.querySelector(`li[data-motion="${m}"] .count-reject b`)?.textContent === '٢', motion);
    await member.waitForFunction((m) => document.querySelector(`li[data-motion="${m}"] .count-reject b`)?.textContent === '2', motion);
    expect(await count(chair, motion, 'accept').textContent(), '٠', 'the changed vote left accept');
    expect(await observer.locator(`li[data-motion="${motion}"] .vote-buttons`).count(), 0, 'an observer has no vote');
    await observer.locator(`li[data-motion="${motion}"] .who-voted summary`).click();
    await observer.locator(`li[data-motion="${motion}"] .who-voted li`, { hasText: 'خالد الحربي' }).waitFor();
    const violations = await axe(chair);
    expect(violations.length, 0, 'accessibility violations in the meeting room: ' + JSON.stringify(violations));
    await chair.screenshot({ path: `${outDir}/meeting-votes-ar.png`, fullPage: true });
    await chair.click(`li[data-motion="${motion}"] button.close-motion`);
    for (const p of [chair, member, observer]) await p.locator(`li[data-motion="${motion}"] .result-rejected`).waitFor();
    expect(await member.locator(`li[data-motion="${motion}"] .vote-buttons`).count(), 0, 'no vote after the close');
  });

  await step('votes: a secret ballot shows counts only, and is approved', async () => {
    await chair.fill('#motion-title', 'تعيين المراجع');
    await chair.check('#motion-secret');
    await chair.click('form.new-motion button[type=submit]');
    const li = chair.locator('li.motion', { hasText: 'تعيين المراجع' });
    await li.locator('button.open-motion').click();
    const secret = await li.getAttribute('data-motion');
    await member.locator(`li[data-motion="${secret}"] button.vote-accept`).click();
    await chair.waitForFunction((m) => document.querySelector(`li[data-motion="${m}"] .count-accept b`)?.textContent === '١', secret);
    expect(await chair.locator(`li[data-motion="${secret}"] .who-voted`).count(), 0, 'nobody sees who voted what');
    const got = await chair.evaluate(async (m) => (await (await fetch('/api/v1/motions/' + m)).json()).motion, secret);
    expect(got.votes === undefined || Object.keys(got.votes).length === 0, true, 'the API reveals no choice either');
    await chair.click(`li[data-motion="${secret}"] button.close-motion`);
    for (const p of [chair, member]) await p.locator(`li[data-motion="${secret}"] .result-approved`).waitFor();
  });

  await step('votes: the minutes are filled in from the decisions; the chair edits and approves them', async () => {
    await chair.reload();
    const body = chair.locator('#minutes-body');
    await body.waitFor();
    const draft = await body.inputValue();
    expect(draft.includes('اعتماد الميزانية'), true, 'the draft names the decided motion: ' + draft.slice(0, 200));
    await body.fill(draft + '\nأُقرّت التوصيات بالإجماع.');
    await chair.click('#minutes-save');
    await chair.locator('.minutes .sent').waitFor();
    await chair.click('#minutes-approve');
    await chair.locator('.minutes-state[data-status="approved"]').waitFor();
    await member.reload();
    await member.locator('.minutes-state[data-status="approved"]').waitFor();
    expect((await member.locator('.minutes-body').textContent()).includes('أُقرّت التوصيات'), true, 'members read the approved text');
    const html = await member.evaluate(async (m) => { const r = await fetch(`/api/v1/meetings/${m}/minutes.html`); return { status: r.status, text: await r.text() }; }, id);
    expect(html.status, 200, 'the printable minutes');
    expect(html.text.includes('dir="rtl"'), true, 'printable right to left');
  });
}
