// Browser end-to-end test of a document's negotiation in the CIS CFM: the secretariat registers a
// fresh draft decision (through the API), Belarus proposes an amendment, Kazakhstan supports it,
// the secretariat accepts it into version 2, the track-changes view shows it, and the adoption is
// recorded with Armenia joining with a reservation; the secretariat adds a Kazakh translation from
// the page; the press cannot see the members-only text.
import assert from 'node:assert/strict';
import { browserSuite, clickAndWait, goto, login, pathOf, randomSuffix, text } from '../lib/helpers.js';

// Five logins and a dozen form posts: slow on a debug build.
const browserTest = browserSuite({ testTimeout: 240_000 });

const PARAGRAPHS = ['Первый абзац.', 'Второй абзац о сотрудничестве.', 'Третий абзац.'];
const AMENDED = 'Второй абзац о расширенном сотрудничестве.';
const RESERVATION = 'Армения присоединяется с оговоркой к абзацу 2.';
const KAZAKH = ['Бірінші абзац.', 'Кеңейтілген ынтымақтастық туралы екінші абзац.', 'Үшінші абзац.'];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** A page of its own (own cookies) logged in as `user`. */
async function as(page, user) {
  const context = await page.context().browser().newContext({ baseURL: new URL(page.url()).origin, locale: 'en-US' });
  const other = await context.newPage();
  await login(other, user);
  return { page: other, close: () => context.close() };
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

/**
 * Submits a form on the document page with `button` and checks that it redirects back to the
 * document (a refused form re-renders the page with its errors, which end up in the message).
 */
async function submitOnDocument(page, button, id, what) {
  const response = await clickAndWait(page, button);
  const errors = await page
    .locator('.form-error, [role="alert"]')
    .evaluateAll((els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()).filter(Boolean));
  assert.equal(response?.status(), 200, `${what}: status ${response?.status()}, errors ${JSON.stringify(errors)}`);
  assert.equal(pathOf(page), `/documents/${id}`, `${what}: back on the document, errors ${JSON.stringify(errors)}`);
}

async function paragraphs(page) {
  return page
    .locator('#text li[data-paragraph]')
    .evaluateAll((lis) => lis.map((li) => li.textContent.replace(/\s+/g, ' ').trim()));
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

browserTest('an amendment is proposed, supported, accepted into version 2, shown as a change; adoption with a reservation', async (page) => {
  // --- The secretariat registers a fresh draft decision of the CFM through the API. ---
  await login(page, 'secretariat');
  const number = `E2E/${randomSuffix()}`;
  const created = await api(page, 'POST', '/api/v1/documents', {
    body: 'cis-cfm',
    meeting: 'almaty-2025/cis-cfm',
    kind: 'draft_decision',
    register_number: number,
    title: { ru: 'О тестовом решении', en: 'On a test decision' },
    original_language: 'ru',
    classification: 'members',
    paragraphs: PARAGRAPHS,
  });
  assert.equal(created.status, 201, `creating the document: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body?.document?.id;
  assert.ok(id, `the new document's id: ${JSON.stringify(created.body)}`);

  // It is found in the register by a word of its title (the search is by words of the titles and
  // the text, not by register number) and opens from there.
  await goto(page, '/documents');
  await page.locator('#register-search #q').fill('тестовом');
  let response = await clickAndWait(page, page.locator('#register-search button[type="submit"]'));
  assert.equal(response?.status(), 200, 'searching the register');
  const row = page.locator(`#documents tr[data-document="${id}"]`);
  assert.equal(await row.count(), 1, `the register finds ${number} by a word of its title`);
  assert.ok((await text(row)).includes(number), `the row shows the register number: ${await text(row)}`);
  response = await clickAndWait(page, row.locator(`a[href="/documents/${id}"]`));
  assert.equal(response?.status(), 200);
  assert.equal(pathOf(page), `/documents/${id}`);
  assert.equal(await text(page.locator('h1').first()), 'On a test decision');
  assert.equal(await page.locator('#document-status').getAttribute('data-status'), 'draft');
  assert.deepEqual(await paragraphs(page), PARAGRAPHS, 'version 1 shows the paragraphs as registered');
  assert.equal(await page.locator('#versions li[data-version]').count(), 1, 'one version so far');
  assert.equal(await page.locator('#changes-link').count(), 0, 'no track changes with one version');

  // --- Belarus proposes to replace paragraph 2. ---
  const by = await as(page, 'delegation-by');
  let amendmentId;
  try {
    await goto(by.page, `/documents/${id}`);
    const form = by.page.locator('#amendment-form');
    await form.locator('select[name="participant"]').selectOption('BY');
    await form.locator('select[name="operation"]').selectOption('replace');
    await form.locator('input[name="paragraph"]').fill('2');
    await form.locator('#amendment-text').fill(AMENDED);
    await form.locator('textarea[name="justification"]').fill('Уточнение сферы сотрудничества.');
    await submitOnDocument(by.page, form.locator('button[type="submit"]'), id, 'proposing the amendment');
    const amendment = by.page.locator('#amendments tbody tr[id^="amendment-"]');
    assert.equal(await amendment.count(), 1, 'one amendment listed');
    amendmentId = (await amendment.getAttribute('id')).slice('amendment-'.length);
    assert.equal(await amendment.getAttribute('data-status'), 'pending');
    assert.match(await text(amendment), /расширенном/, 'the row shows the proposed text');
    assert.match(await text(amendment), /Belarus/, 'the row names the proposer');
  } finally {
    await by.close();
  }

  // --- Kazakhstan supports it. ---
  const kz = await as(page, 'delegation-kz');
  try {
    await goto(kz.page, `/documents/${id}`);
    const respond = kz.page.locator(`form.respond[data-amendment="${amendmentId}"]`);
    await respond.locator('select[name="participant"]').selectOption('KZ');
    await respond.locator('select[name="position"]').selectOption('supports');
    await respond.locator('input[name="comment"]').fill('Поддерживаем.');
    await submitOnDocument(kz.page, respond.locator('button[type="submit"]'), id, 'supporting the amendment');
    const responses = kz.page.locator(`#amendment-${amendmentId} ul.responses li[data-position]`);
    assert.equal(await responses.count(), 1, 'one response');
    assert.equal(await responses.getAttribute('data-position'), 'supports');
    assert.match(await text(responses), /Kazakhstan/);
  } finally {
    await kz.close();
  }

  // --- The secretariat accepts it and makes version 2. ---
  await goto(page, `/documents/${id}`);
  await page.locator(`#consolidate-form input[name="decision-${amendmentId}"][value="accept"]`).check();
  await submitOnDocument(page, page.locator('#consolidate'), id, 'making the new version');
  assert.deepEqual(await paragraphs(page), [PARAGRAPHS[0], AMENDED, PARAGRAPHS[2]], 'version 2 has the new paragraph 2');
  assert.equal(await page.locator('#versions li[data-version="2"][data-language="ru"]').count(), 1, 'version 2 listed');
  assert.equal(await page.locator(`#amendment-${amendmentId}`).getAttribute('data-status'), 'accepted');
  assert.equal(await page.locator('form.respond').count(), 0, 'an accepted amendment takes no more responses');

  // --- The track-changes view shows the change and who proposed it. ---
  const changesLink = page.locator('#changes-link');
  const href = new URL(await changesLink.getAttribute('href'), page.url());
  assert.equal(href.pathname, `/documents/${id}/changes`);
  assert.equal(href.searchParams.get('from'), '1');
  assert.equal(href.searchParams.get('to'), '2');
  response = await clickAndWait(page, changesLink);
  assert.equal(response?.status(), 200, 'the track-changes view');
  const changed = page.locator('#changes li.changed');
  assert.equal(await changed.count(), 1, 'one paragraph changed');
  assert.equal(await changed.getAttribute('data-new'), '2');
  const inserted = await changed.locator('ins').evaluateAll((els) => els.map((e) => e.textContent).join(' '));
  assert.match(inserted, /расширенном/, `the insertion: ${inserted}`);
  assert.equal(await text(changed.locator('small.proposed-by')), 'Proposed by Belarus');
  assert.equal(await page.locator('#changes li.unchanged').count(), 2, 'paragraphs 1 and 3 are unchanged');

  // --- Stances of every member taking part: all join, Armenia with a reservation. ---
  await goto(page, `/documents/${id}`);
  const members = await page.locator('#stance-participant option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(members.includes('AM') && members.includes('BY') && members.includes('KZ'), `members: ${members}`);
  for (const code of members) {
    const form = page.locator('#stance-form');
    await form.locator('#stance-participant').selectOption(code);
    await form.locator('#stance').selectOption(code === 'AM' ? 'joins_with_reservation' : 'joins');
    await form.locator('#stance-text').fill(code === 'AM' ? RESERVATION : '');
    await submitOnDocument(page, form.locator('button[type="submit"]'), id, `recording the stance of ${code}`);
  }
  const stances = await page
    .locator('#stances tr[data-participant]')
    .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-participant'), tr.getAttribute('data-stance')]));
  assert.deepEqual(
    Object.fromEntries(stances),
    Object.fromEntries(members.map((c) => [c, c === 'AM' ? 'joins_with_reservation' : 'joins'])),
    'the stances table',
  );
  assert.equal(await page.locator('#outcome').getAttribute('data-result'), 'adopted', 'consensus as the stances stand');

  // --- Adoption: the text of version 2 is frozen. ---
  await submitOnDocument(page, page.locator('#decision-form button[name="action"][value="adopt"]'), id, 'adopting');
  assert.equal(await page.locator('#document-status').getAttribute('data-status'), 'adopted');
  const sha = await text(page.locator('#frozen-sha256'));
  assert.match(sha, /^[0-9a-f]{64}$/, `the frozen hash: ${sha}`);
  const v2 = await text(page.locator('#versions li[data-version="2"][data-language="ru"] code'));
  assert.ok(sha.startsWith(v2), `the frozen text is version 2 (${v2}…), hash ${sha}`);
  const am = page.locator('#stances tr[data-participant="AM"]');
  assert.equal(await am.getAttribute('data-stance'), 'joins_with_reservation');
  assert.ok((await text(am)).includes(RESERVATION), `Armenia's reservation is shown: ${await text(am)}`);
  for (const form of ['#stance-form', '#decision-form', '#consolidate', '#amendment-form']) {
    assert.equal(await page.locator(form).count(), 0, `no ${form} once adopted`);
  }

  // --- The secretariat adds the Kazakh translation of the adopted text from the page. ---
  const translation = page.locator('#translation-form');
  await translation.locator('#translation-language').selectOption('kk');
  await translation.locator('#translation-text').fill(KAZAKH.join('\n\n'));
  await submitOnDocument(page, translation.locator('#translate'), id, 'adding the Kazakh translation');
  const kk = page.locator('#versions li[data-version="2"][data-language="kk"]');
  assert.equal(await kk.count(), 1, 'the translation is listed under the adopted version');
  assert.equal(await page.locator('#translation-language option[value="kk"]').count(), 0, 'Kazakh is no longer offered');

  // --- The press cannot see a members-only document. ---
  const press = await as(page, 'press');
  try {
    await goto(press.page, `/documents/${id}`, 404);
    assert.equal(await press.page.locator('#text').count(), 0, 'no text shown to the press');
    await goto(press.page, `/documents?q=${encodeURIComponent('тестовом')}`);
    assert.equal(await press.page.locator(`#documents tr[data-document="${id}"]`).count(), 0, 'not in the press register');
  } finally {
    await press.close();
  }
});
