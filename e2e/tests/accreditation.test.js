// Browser end-to-end test of the accreditation journey at the demo event almaty-2025: the host
// invites delegations (through the page and through the API), a ministry confirms its invitation
// and names an accreditation officer, the officer adds a member with a photo, the host approves
// the member, the member appears in the public list of participants, and the badge is checked at
// the door before and after it is revoked.
// One demo server is shared by all tests; each test gets a fresh browser context (fresh cookies).
import assert from 'node:assert/strict';
import {
  browserSuite,
  clickAndWait,
  goto,
  login,
  pathOf,
  randomSuffix,
  switchLanguage,
  text,
} from '../lib/helpers.js';

// The journey logs in four times and hashes a new password: slow on a debug build.
const TEST_TIMEOUT_MS = 240_000;

const EVENT = 'almaty-2025';
const EVENT_PATH = `/events/${EVENT}`;
const OFFICER_PASSWORD = 'officer-password-1';

/** The member the GE officer adds: a Kazakh name (letters Қ, Ә) with its Latin form. */
const MEMBER = {
  family_name_latin: 'Kassymova',
  given_names_latin: 'Aliya',
  patronymic_latin: '',
  family_name_cyrillic: 'Қасымова',
  given_names_cyrillic: 'Әлия',
  patronymic_cyrillic: 'Ұлықбекқызы',
  position_en: 'Adviser',
  position_ru: 'Советник',
  position_kk: 'Кеңесші',
  email: 'a.kassymova@example.ge',
  phone: '+995 32 200 00 00',
  arrival_date: '2025-04-09',
  arrival_time: '14:30',
  arrival_carrier: 'J2 8021',
  departure_date: '2025-04-12',
  departure_time: '09:15',
  departure_carrier: 'J2 8022',
};
const MEMBER_NAME_EN = 'Aliya Kassymova';
const MEMBER_NAME_CYRILLIC = 'Әлия Ұлықбекқызы Қасымова';

const browserTest = browserSuite({ testTimeout: TEST_TIMEOUT_MS });

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

async function logout(page) {
  await clickAndWait(page, page.locator('header button[data-action="logout"]'));
  await page.locator('header a[data-nav="login"]').waitFor({ state: 'visible' });
  assert.equal(await page.locator('header [data-user]').count(), 0, 'no [data-user] after logout');
}

/**
 * Calls the JSON API from the page, with the session cookie and the session's CSRF token.
 * @returns {Promise<{status: number, body: any}>}
 */
async function api(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = await (await fetch('/api/v1/me')).json();
      const init = { method, headers: { 'x-csrf-token': me.csrf_token } };
      if (body !== undefined) {
        init.headers['content-type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      const r = await fetch(path, init);
      const raw = await r.text();
      let parsed = raw;
      try {
        parsed = JSON.parse(raw);
      } catch {
        // keep the text: it explains the failure
      }
      return { status: r.status, body: parsed };
    },
    { method, path, body },
  );
}

/** A small real JPEG (a head-and-shoulders silhouette), drawn on a canvas in the browser. */
async function makeJpeg(page) {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 240;
    canvas.height = 320;
    const g = canvas.getContext('2d');
    g.fillStyle = '#dce6f0';
    g.fillRect(0, 0, 240, 320);
    g.fillStyle = '#3b4a5a';
    g.beginPath();
    g.arc(120, 120, 58, 0, 2 * Math.PI);
    g.fill();
    g.fillRect(40, 210, 160, 110);
    return canvas.toDataURL('image/jpeg', 0.9).split(',')[1];
  });
  const buffer = Buffer.from(base64, 'base64');
  assert.ok(buffer.length > 100, `the canvas JPEG is too small (${buffer.length} bytes)`);
  assert.deepEqual([...buffer.subarray(0, 3)], [0xff, 0xd8, 0xff], 'the canvas produced a JPEG');
  return buffer;
}

function delegationRow(page, code) {
  return page.locator(`table#delegations tr[data-code="${code}"]`);
}

async function delegationStatus(page, code) {
  return delegationRow(page, code).locator('td[data-status]').getAttribute('data-status');
}

function memberRow(page, memberId) {
  return page.locator(`table#members tr[data-member="${memberId}"]`);
}

/** The rows of the list of participants on the current page, as {code, text}. */
async function listRows(page) {
  return page
    .locator('table#participants-list tr[data-code]')
    .evaluateAll((trs) =>
      trs.map((tr) => ({ code: tr.getAttribute('data-code'), text: tr.textContent.replace(/\s+/g, ' ').trim() })),
    );
}

/** Every row of the list of participants ({code, text}), following "next page" links. */
async function participantsList(page, path) {
  const rows = [];
  let next = path;
  for (let pages = 0; next && pages < 50; pages++) {
    await goto(page, next);
    rows.push(...(await listRows(page)));
    const link = page.locator('a[rel="next"]');
    next = (await link.count()) > 0 ? new URL(await link.first().getAttribute('href'), page.url()).href : null;
  }
  return rows;
}

async function verdict(page) {
  return page.locator('h1[data-verdict]').getAttribute('data-verdict');
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

browserTest('invitation, accreditation, list of participants and badge check', async (page) => {
  // --- The host invites Moldova through the form and Georgia through the API. ---
  await login(page, 'host');
  await goto(page, `${EVENT_PATH}/delegations`);
  await page.locator('table#delegations').waitFor({ state: 'visible' });
  assert.equal(await delegationRow(page, 'MD').count(), 0, 'MD is not invited yet');
  assert.equal(await delegationRow(page, 'GE').count(), 0, 'GE is not invited yet');

  const invite = page.locator('form#invite-form');
  await invite.locator('select[name="participant"]').selectOption('MD');
  await invite.locator('input[name="email"]').fill('mfa@example.md');
  let response = await clickAndWait(page, invite.locator('button[type="submit"]'));
  assert.equal(response?.status(), 200, 'inviting MD through the form ends on a 200 page');
  assert.equal(pathOf(page), `${EVENT_PATH}/delegations`, 'inviting redirects back to the overview');
  await delegationRow(page, 'MD').waitFor({ state: 'attached' });
  assert.equal(await delegationStatus(page, 'MD'), 'invited', 'MD row status after inviting');
  assert.equal(
    await delegationRow(page, 'MD').locator(`a[href="${EVENT_PATH}/delegations/md"]`).count(),
    1,
    'MD row links to its delegation page',
  );
  assert.equal(
    await page.locator('form#invite-form select[name="participant"] option[value="MD"]').count(),
    0,
    'MD can no longer be chosen for an invitation',
  );

  const invited = await api(page, 'POST', `/api/v1/events/${EVENT}/delegations`, {
    participant: 'GE',
    email: 'mfa@example.ge',
  });
  assert.ok(
    invited.status >= 200 && invited.status < 300,
    `inviting GE through the API: ${invited.status} ${JSON.stringify(invited.body)}`,
  );
  const invitation = invited.body?.invitation;
  assert.match(String(invitation), /^\/invitations\/[^/?#]+$/, `invitation link: ${JSON.stringify(invited.body)}`);

  await goto(page, `${EVENT_PATH}/delegations`);
  await delegationRow(page, 'GE').waitFor({ state: 'attached' });
  assert.equal(await delegationStatus(page, 'GE'), 'invited', 'GE row status after inviting through the API');
  await logout(page);

  // --- The Georgian ministry opens the link and confirms, naming its accreditation officer. ---
  await goto(page, invitation);
  assert.equal(await page.locator('[data-status]').first().getAttribute('data-status'), 'invited');
  const officer = `officer-ge-${randomSuffix()}`;
  const confirm = page.locator('form#confirm-form');
  await confirm.locator('input[name="display_name"]').fill('Nino Beridze');
  await confirm.locator('input[name="email"]').fill(`${officer}@example.ge`);
  await confirm.locator('input[name="username"]').fill(officer);
  await confirm.locator('input[name="password"]').fill(OFFICER_PASSWORD);
  response = await clickAndWait(page, confirm.locator('button[data-action="confirm"]'));
  assert.equal(response?.status(), 200, 'confirming ends on a 200 page');
  assert.equal(pathOf(page), '/login', 'confirming redirects to /login');
  await page.locator('form#login').waitFor({ state: 'visible' });

  await goto(page, invitation);
  assert.equal(
    await page.locator('[data-status]').first().getAttribute('data-status'),
    'confirmed',
    'the invitation page shows the delegation as confirmed',
  );
  assert.equal(await page.locator('form#confirm-form').count(), 0, 'a confirmed invitation cannot be answered again');

  // --- The officer logs in and adds a member with a Kazakh Cyrillic name. ---
  await login(page, officer, OFFICER_PASSWORD);
  await goto(page, `${EVENT_PATH}/delegations/ge`);
  const memberForm = page.locator('form#member-form');
  await memberForm.waitFor({ state: 'visible' });
  for (const [name, value] of Object.entries(MEMBER)) {
    await memberForm.locator(`input[name="${name}"]`).fill(value);
  }
  await memberForm.locator('select[name="rank"]').selectOption('other');
  await memberForm.locator('select[name="role"]').selectOption('adviser');
  await memberForm.locator('input[name="formats"][value="extended"]').check();
  response = await clickAndWait(page, memberForm.locator('button[type="submit"]'));
  assert.equal(response?.status(), 200, 'adding the member ends on a 200 page');
  assert.equal(pathOf(page), `${EVENT_PATH}/delegations/ge`, 'adding a member redirects to the delegation');

  const link = page.locator('table#members tr[data-member] td:first-child a', { hasText: MEMBER_NAME_EN });
  assert.equal(await link.count(), 1, `one member row named "${MEMBER_NAME_EN}"`);
  assert.equal(await text(link), MEMBER_NAME_EN, 'the English UI shows the Latin name');
  const row = page
    .locator('table#members tr[data-member]')
    .filter({ has: page.locator('td:first-child a', { hasText: MEMBER_NAME_EN }) });
  const memberId = await row.getAttribute('data-member');
  assert.ok(memberId, 'the member row has a data-member id');
  assert.equal(await row.getAttribute('data-accreditation'), 'requested', 'a new member is requested');

  // In the Kazakh UI the same member shows the Cyrillic name, Kazakh letters intact.
  await switchLanguage(page, 'kk', { checkHref: false });
  assert.equal(await text(memberRow(page, memberId).locator('td').first().locator('a')), MEMBER_NAME_CYRILLIC);
  await switchLanguage(page, 'en', { checkHref: false });

  // --- The photo: the CFM's rule asks for one before approval, and the row says so. ---
  const needed = memberRow(page, memberId).locator('a.photo-needed');
  assert.equal(await text(needed), 'photo needed', 'the row says a photo is needed');
  response = await clickAndWait(page, memberRow(page, memberId).locator('td').first().locator('a'));
  assert.equal(response?.status(), 200);
  assert.equal(pathOf(page), `${EVENT_PATH}/delegations/ge/members/${memberId}`, 'the name links to the member page');
  assert.equal(await page.locator('img.photo').count(), 0, 'no photo yet');
  const jpeg = await makeJpeg(page);
  const photoForm = page.locator('form#photo-form');
  await photoForm
    .locator('input[type="file"][name="photo"]')
    .setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  response = await clickAndWait(page, photoForm.locator('button[type="submit"]'));
  assert.equal(response?.status(), 200, 'uploading the photo ends on a 200 page');
  assert.equal(pathOf(page), `${EVENT_PATH}/delegations/ge/members/${memberId}`, 'back on the member page');
  const img = page.locator('img.photo');
  await img.waitFor({ state: 'visible' });
  const width = await img.evaluate(
    (el) =>
      new Promise((resolve) => {
        if (el.complete) resolve(el.naturalWidth);
        else {
          el.addEventListener('load', () => resolve(el.naturalWidth));
          el.addEventListener('error', () => resolve(0));
        }
      }),
  );
  assert.ok(width > 0, 'the uploaded photo is served and decodes in the browser');
  await logout(page);

  // --- The host approves the member on the delegation page. ---
  await login(page, 'host');
  await goto(page, `${EVENT_PATH}/delegations`);
  assert.equal(await delegationStatus(page, 'GE'), 'confirmed', 'GE is confirmed in the host overview');
  assert.equal(await delegationStatus(page, 'MD'), 'invited', 'MD is still invited');
  response = await clickAndWait(page, delegationRow(page, 'GE').locator(`a[href="${EVENT_PATH}/delegations/ge"]`));
  assert.equal(response?.status(), 200);
  assert.equal(pathOf(page), `${EVENT_PATH}/delegations/ge`);
  assert.equal(await memberRow(page, memberId).getAttribute('data-accreditation'), 'requested');
  response = await clickAndWait(page, memberRow(page, memberId).locator('button[data-action="approve"]'));
  assert.equal(response?.status(), 200, 'approving ends on a 200 page');
  assert.equal(pathOf(page), `${EVENT_PATH}/delegations/ge`, 'approving redirects back to the delegation');
  assert.equal(await memberRow(page, memberId).getAttribute('data-accreditation'), 'approved', 'after approval');
  assert.equal(await memberRow(page, memberId).locator('a.photo-needed').count(), 0, 'its photo is in');

  // --- The public list of participants: the member under GE, in protocol order. ---
  const list = await participantsList(page, `${EVENT_PATH}/participants`);
  const codes = list.map((r) => r.code);
  const ge = list.filter((r) => r.code === 'GE');
  assert.ok(
    ge.some((r) => r.text.includes(MEMBER_NAME_EN)),
    `a GE row names ${MEMBER_NAME_EN}: ${JSON.stringify(ge)}`,
  );
  const lastAz = codes.lastIndexOf('AZ');
  const firstAm = codes.indexOf('AM');
  assert.ok(lastAz >= 0 && firstAm >= 0, `AZ and AM rows expected in the list: ${codes.join(' ')}`);
  assert.ok(lastAz < firstAm, `all AZ rows come before the AM rows (Russian order): ${codes.join(' ')}`);
  const firstCis = codes.indexOf('CIS');
  assert.ok(firstCis >= 0, `CIS rows expected in the list: ${codes.join(' ')}`);
  assert.ok(
    codes.slice(firstCis).every((c) => c === 'CIS'),
    `the CIS (an organisation) comes last: ${codes.join(' ')}`,
  );
  assert.ok(
    list.some((r) => r.code === 'RU' && r.text.includes('Sergey Lavrov')),
    'the demo RU head of delegation is in the list',
  );

  await goto(page, `${EVENT_PATH}/participants`);
  await page.locator('input#q').fill('Kassymova');
  const searched = page.waitForNavigation({ waitUntil: 'load' });
  await page.locator('input#q').press('Enter');
  response = await searched;
  assert.equal(response?.status(), 200, 'searching ends on a 200 page');
  const found = await listRows(page);
  assert.equal(found.length, 1, `searching "Kassymova" finds one row: ${JSON.stringify(found)}`);
  assert.equal(found[0].code, 'GE');
  assert.ok(found[0].text.includes(MEMBER_NAME_EN), `search result: ${found[0].text}`);

  // --- The badge: reprint through the API to learn its id, then check it at the door. ---
  const members = await api(page, 'GET', `/api/v1/events/${EVENT}/delegations/ge/members`);
  assert.equal(members.status, 200, `GET members: ${JSON.stringify(members.body)}`);
  const member = members.body.members.find((m) => String(m.id) === memberId);
  assert.ok(member, `member ${memberId} in ${JSON.stringify(members.body)}`);
  assert.equal(member.accreditation_status, 'approved');
  const reprint = await api(page, 'POST', `/api/v1/events/${EVENT}/members/${memberId}/decision`, {
    action: 'reprint',
    version: member.version,
  });
  assert.equal(reprint.status, 200, `reprint: ${JSON.stringify(reprint.body)}`);
  assert.equal(reprint.body.accreditation_status, 'approved', 'a reprint keeps the member approved');
  const badge = reprint.body.badge;
  assert.ok(
    typeof badge === 'string' && badge.length > 0,
    `reprint returns the badge id: ${JSON.stringify(reprint.body)}`,
  );

  await goto(page, `/badges/${encodeURIComponent(badge)}`);
  assert.equal(await verdict(page), 'valid', 'the new badge is valid');
  const check = await text(page.locator('main'));
  assert.ok(check.includes(MEMBER_NAME_EN), `the check page names ${MEMBER_NAME_EN}: ${check}`);
  assert.ok(check.includes(MEMBER_NAME_CYRILLIC), `the check page names ${MEMBER_NAME_CYRILLIC}: ${check}`);
  await page.locator('[data-zones]').waitFor({ state: 'attached' });

  // --- The host revokes the accreditation on the page; the badge is then refused. ---
  await goto(page, `${EVENT_PATH}/delegations/ge`);
  assert.equal(await memberRow(page, memberId).getAttribute('data-accreditation'), 'approved');
  const revoke = memberRow(page, memberId).locator('form', { has: page.locator('button[data-action="revoke"]') });
  await revoke.locator('input[name="reason"]').fill('lost');
  response = await clickAndWait(page, revoke.locator('button[data-action="revoke"]'));
  assert.equal(response?.status(), 200, 'revoking ends on a 200 page');
  assert.equal(pathOf(page), `${EVENT_PATH}/delegations/ge`);
  assert.equal(await memberRow(page, memberId).getAttribute('data-accreditation'), 'revoked', 'after revoking');

  await page.goto(`/badges/${encodeURIComponent(badge)}`);
  assert.equal(await verdict(page), 'revoked', 'a revoked badge is refused at the door');

  const afterRevoke = await participantsList(page, `${EVENT_PATH}/participants`);
  assert.ok(
    !afterRevoke.some((r) => r.text.includes(MEMBER_NAME_EN)),
    'a revoked member is no longer in the list of participants',
  );
});

browserTest('an unknown badge id is reported as unknown', async (page) => {
  await login(page, 'host');
  await page.goto(`/badges/unknown${randomSuffix()}${randomSuffix()}`);
  assert.equal(await verdict(page), 'unknown');
  assert.equal(await page.locator('[data-zones]').count(), 0, 'an unknown badge shows no zones');
});
