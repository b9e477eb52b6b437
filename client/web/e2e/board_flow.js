// board_flow.js: boards and committees in the browser (issue 14 in the web
// app): the entity admin creates a committee with its rules and seats (a
// bad form is refused in Arabic and nothing is created), edits it, schedules
// a meeting of it (its seats and rules come from the committee); the
// committee's chair, who does not manage meetings, schedules one of its
// meetings too (a member does not); the admin grants an employee who holds
// no seat the right to read the minutes.
import { expect, step } from './runner.js';
import { axe, outDir, login, me } from './harness.js';

const api = (page, path) => page.evaluate(async (p) => { const r = await fetch('/api/v1' + p); return { status: r.status, body: await r.json().catch(() => null) }; }, path);
// seatsOf lists a board's or a meeting's seats as sorted "user:role" words.
const seatsOf = (b) => b.members.map((m) => `${m.user_id}:${m.role}`).sort().join(' ');
const idOf = async (admin, entity, email) => (await api(admin, `/entities/${entity}/employees`)).body.employees.find((e) => e.email === email).id;

export async function runBoards({ open }) {
  const admin = await open({});
  const reader = await open({});
  const chair = await open({ lang: 'en' });
  const member = await open({});
  for (const p of [admin, reader, chair, member]) p.setDefaultTimeout(30000);
  const name = `لجنة المراجعة ${Date.now() % 100000}`;
  let entity, board, ids, meeting;

  await step('boards: an empty name is refused in Arabic and nothing is created', async () => {
    await login(admin, 'admin@ministry.demo');
    entity = (await me(admin)).entity_id;
    ids = {};
    for (const who of ['sara', 'khalid', 'noura', 'fahad']) ids[who] = await idOf(admin, entity, `${who}@ministry.demo`);
    await admin.goto('/admin/boards');
    await admin.locator('form.board-form').waitFor();
    const before = (await api(admin, `/entities/${entity}/boards`)).body.boards.length;
    await admin.click('form.board-form button[type=submit]');
    await admin.locator('form.board-form .error-summary, form.board-form [role=alert]').first().waitFor();
    expect(/[\u0600-\u06FF]/.test(await admin.locator('#board-name-error').textContent()), true, 'the error is in Arabic');
    expect((await api(admin, `/entities/${entity}/boards`)).body.boards.length, before, 'nothing was created');
  });

  await step('boards: the admin creates a committee with its rules and three seats', async () => {
    await admin.fill('#board-name', name);
    await admin.check('input[name=board-kind][value=committee]');
    await admin.selectOption('#board-quorum', 'two_thirds');
    await admin.selectOption('#board-result', 'unanimous');
    for (const [who, role] of [['sara', 'chair'], ['khalid', 'member'], ['noura', 'observer']]) {
      await admin.check(`form.board-form .member-row[data-user="${ids[who]}"] input[type=checkbox]`);
      await admin.selectOption(`form.board-form .member-row[data-user="${ids[who]}"] select`, role);
    }
    const violations = await axe(admin);
    expect(violations.length, 0, 'accessibility violations on the boards tab: ' + JSON.stringify(violations));
    await admin.click('form.board-form button[type=submit]');
    const row = admin.locator('#boards-table tr', { hasText: name });
    await row.waitFor();
    board = await row.getAttribute('data-board');
    const got = (await api(admin, '/boards/' + board)).body.board;
    expect([got.kind, got.quorum_rule, got.result_rule].join(' '), 'committee two_thirds unanimous', 'the kind and rules');
    expect(seatsOf(got), seatsOf({ members: [['sara', 'chair'], ['khalid', 'member'], ['noura', 'observer']].map(([w, role]) => ({ user_id: ids[w], role })) }), 'the seats');
    await admin.screenshot({ path: `${outDir}/boards-ar.png`, fullPage: true });
  });

  await step('boards: the admin edits it: the observer becomes a member, the decision rule a majority', async () => {
    await admin.click(`#boards-table tr[data-board="${board}"] button.edit-board`);
    await admin.locator('#board-form-h', { hasText: name }).waitFor();
    await admin.selectOption(`form.board-form .member-row[data-user="${ids.noura}"] select`, 'member');
    await admin.selectOption('#board-result', 'majority');
    await admin.click('form.board-form button[type=submit]');
    await admin.locator('.flash-ok', { hasText: name }).waitFor();
    const got = (await api(admin, '/boards/' + board)).body.board;
    expect(got.result_rule, 'majority', 'the new decision rule');
    expect(got.members.find((m) => m.user_id === ids.noura).role, 'member', 'the new role');
    expect(got.members.length, 3, 'still three seats');
  });

  await step("boards: a meeting scheduled for the committee takes its seats and rules", async () => {
    await admin.goto('/meetings');
    await admin.click('#schedule-open');
    await admin.fill('#meeting-title', 'اجتماع ' + name);
    await admin.selectOption('#meeting-board', board);
    await admin.fill('#meeting-agenda', 'اعتماد التقرير السنوي');
    expect(await admin.locator('form.schedule .member-row').count(), 0, 'no member picker for a board meeting');
    await admin.click('form.schedule button[type=submit]');
    const row = admin.locator('.meeting-list li', { hasText: 'اجتماع ' + name });
    await row.waitFor();
    meeting = await row.getAttribute('data-meeting');
    const got = (await api(admin, '/meetings/' + meeting)).body.meeting;
    expect(got.board_id, board, 'the meeting is the committee\'s');
    expect(got.quorum_rule, 'two_thirds', "the committee's quorum rule");
    expect(seatsOf(got), seatsOf({ members: [['sara', 'chair'], ['khalid', 'member'], ['noura', 'member']].map(([w, role]) => ({ user_id: ids[w], role })) }), "the committee's seats");
  });

  await step("boards: the committee's chair schedules its meeting from the app; a member may not", async () => {
    await login(chair, 'sara@ministry.demo');
    await login(member, 'khalid@ministry.demo');
    await member.goto('/meetings');
    await chair.goto('/meetings');
    await chair.click('#schedule-open');
    await chair.fill('#meeting-title', 'Chair: ' + name);
    expect(await chair.locator(`#meeting-board option[value="${board}"]`).count(), 1, "the chair's committee is offered");
    expect(await chair.locator('form.schedule .member-row').count(), 0, 'no member picker for a chair');
    const violations = await axe(chair);
    expect(violations.length, 0, "accessibility violations on the chair's schedule form: " + JSON.stringify(violations));
    await chair.click('form.schedule button[type=submit]');
    const row = chair.locator('.meeting-list li', { hasText: 'Chair: ' + name });
    await row.waitFor();
    const got = (await api(chair, '/meetings/' + (await row.getAttribute('data-meeting')))).body.meeting;
    expect(`${got.board_id} ${got.members.length}`, `${board} 3`, "a meeting of the committee, with its seats");
    await member.locator('.meeting-list li', { hasText: 'Chair: ' + name }).waitFor(); // the invitation arrived live
    expect(await member.locator('#schedule-open').count(), 0, 'a member does not schedule');
  });

  await step('boards: a search of the meetings ignores letter variants and shows where the words matched', async () => {
    await admin.goto('/meetings');
    await admin.fill('#meeting-q', name.replace(/ة/g, 'ه')); // لجنه المراجعه: the ta marbuta written as ha
    await admin.click('form[role=search] button[type=submit]');
    await admin.waitForURL(/q=/);
    await admin.locator(`li[data-meeting="${meeting}"] .meeting-link mark`).first().waitFor();
    expect(await admin.locator('.meeting-list li').first().textContent().then((x) => x.includes(name)), true, "the committee's meeting comes first");
    await admin.fill('#meeting-q', 'تقرير');
    await admin.click('form[role=search] button[type=submit]');
    await admin.locator(`li[data-meeting="${meeting}"] .found-items mark`, { hasText: 'التقرير' }).waitFor();
    const violations = await axe(admin);
    expect(violations.length, 0, 'accessibility violations on the search: ' + JSON.stringify(violations));
    await admin.screenshot({ path: `${outDir}/meetings-search-ar.png`, fullPage: true });
    await admin.goto('/meetings?q=' + encodeURIComponent('زرافة'));
    await admin.locator('p.empty', { hasText: 'زرافة' }).waitFor();
  });

  await step('boards: an employee without a seat reads the minutes only once granted', async () => {
    await login(reader, 'fahad@ministry.demo');
    expect((await api(reader, `/meetings/${meeting}/minutes`)).status !== 200, true, 'no access before the grant');
    await admin.goto('/meetings/' + meeting);
    await admin.locator('#grant-user').waitFor();
    expect(await admin.locator(`#grant-user option[value="${ids.sara}"]`).count(), 0, 'members are not offered');
    await admin.selectOption('#grant-user', ids.fahad);
    await admin.click('form.grant-minutes button[type=submit]');
    await admin.locator('form.grant-minutes [role=status]').waitFor();
    expect((await api(reader, `/meetings/${meeting}/minutes`)).status, 200, 'the minutes after the grant');
  });
}
