// Browser end-to-end test of the follow-up of agreements (issue 7): Kazakhstan's ministry files a
// progress report closing an overdue item of a Kazakhstan–Russia agreement; the item leaves the
// ministry's dashboard and the briefing for the Kazakhstan–Russia talks; an internal assessment on
// another open item is shown in the briefing to Kazakhstan only, not to Russia; a third country
// cannot open the briefing.
import assert from 'node:assert/strict';
import { browserSuite, clickAndWait, goto, login, pathOf, randomSuffix, text } from '../lib/helpers.js';

// Three logins and two form posts: slow on a debug build.
const browserTest = browserSuite({ testTimeout: 240_000 });

const DASHBOARD = '/agreements?party=KZ';
const BRIEFING = '/briefings/kz-ru';
const OVERDUE_TITLE = 'Consultations on the UN agenda';
const OPEN_TITLE = 'Open new cross-border checkpoints on the state border';

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
 * Files a progress report on `item` from the agreement page through its report form, and checks
 * that it redirects back to the agreement (a refused form re-renders the page with its errors,
 * which end up in the message).
 */
async function fileReport(page, agreement, item, { progress, body, internal = false }, what) {
  const form = page.locator(`form.report-form[data-item="${item}"]`);
  assert.equal(await form.count(), 1, `${what}: the item has a report form`);
  // The form sits in a closed <details>: open it as a user would.
  await page.locator(`#item-${item} details > summary`).click();
  assert.deepEqual(
    await form.locator('select[name="participant"] option').evaluateAll((os) => os.map((o) => o.value)),
    ['KZ'],
    `${what}: Kazakhstan's ministry reports on behalf of Kazakhstan only`,
  );
  await form.locator('select[name="participant"]').selectOption('KZ');
  assert.match(await form.locator('input[name="date"]').inputValue(), /^\d{4}-\d\d-\d\d$/, `${what}: the date defaults to today`);
  await form.locator('select[name="progress"]').selectOption(progress);
  await form.locator('textarea[name="text"]').fill(body);
  await form.locator('input[name="internal"]').setChecked(internal);
  const response = await clickAndWait(page, form.locator('button[type="submit"]'));
  const errors = await page
    .locator('.form-error, [role="alert"]')
    .evaluateAll((els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()).filter(Boolean));
  assert.equal(response?.status(), 200, `${what}: status ${response?.status()}, errors ${JSON.stringify(errors)}`);
  assert.equal(pathOf(page), `/agreements/${agreement}`, `${what}: back on the agreement, errors ${JSON.stringify(errors)}`);
}

/** The reports within `scope` (an item's row or entry) whose text contains `marker`. */
function reportWith(page, scope, marker) {
  return page.locator(`${scope} ul.reports li[data-report]`, { hasText: marker });
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

browserTest('a ministry files a progress report; the dashboard and the briefing pack reflect it', async (page) => {
  const marker = `E2E report ${randomSuffix()}`;
  const internalMarker = `E2E internal ${randomSuffix()}`;

  // --- Kazakhstan's ministry finds an overdue item of a bilateral agreement with Russia. ---
  await login(page, 'ministry-kz');
  await goto(page, DASHBOARD);
  assert.equal(await page.locator('#agreements-filter input[name="party"]').inputValue(), 'KZ', 'the filter shows the party');
  const overdue = page.locator('#overdue li[data-item]', { hasText: OVERDUE_TITLE });
  assert.equal(await overdue.count(), 1, `"${OVERDUE_TITLE}" is overdue on the dashboard`);
  const item = await overdue.getAttribute('data-item');
  assert.ok(item, 'the overdue item has an id');
  const link = overdue.locator('a');
  const href = new URL(await link.getAttribute('href'), page.url());
  assert.match(href.pathname, /^\/agreements\/[^/]+$/, `the item links to its agreement: ${href}`);
  assert.equal(href.hash, `#item-${item}`, 'the link points at the item');
  const agreement = href.pathname.slice('/agreements/'.length);
  const responsible = (await text(overdue)).match(/ — (.+?), \d{1,2} \w+ \d{4}/)?.[1] ?? '';
  assert.ok(responsible.split(', ').includes('Kazakhstan'), `Kazakhstan is responsible: ${await text(overdue)}`);
  // The agreement is a bilateral one between Kazakhstan and Russia.
  const registerRow = page.locator(`#agreements tr[data-agreement="${agreement}"]`);
  assert.equal(await registerRow.count(), 1, 'the agreement is in the register');
  assert.equal(await text(registerRow.locator('td').nth(2)), 'Kazakhstan, Russia', 'the parties of the agreement');

  // --- On the agreement page it files a report: the item is done. ---
  let response = await clickAndWait(page, link);
  assert.equal(response?.status(), 200, 'the agreement page');
  assert.equal(pathOf(page), `/agreements/${agreement}`);
  assert.equal(await page.locator('#agreement-status').getAttribute('data-status'), 'in_force');
  const row = page.locator(`#items tr#item-${item}`);
  assert.equal(await row.getAttribute('data-status'), 'overdue', 'the item is overdue before the report');
  assert.match(await text(row.locator('td').nth(1)), /Kazakhstan/, 'Kazakhstan is among the responsible');
  const reportsBefore = await row.locator('ul.reports li[data-report]').count();
  await fileReport(page, agreement, item, { progress: 'done', body: marker }, 'reporting the item done');
  assert.equal(await row.getAttribute('data-status'), 'done', 'the item is done after the report');
  assert.equal(await row.locator('ul.reports li[data-report]').count(), reportsBefore + 1, 'one more report');
  const report = reportWith(page, `#items tr#item-${item}`, marker);
  assert.equal(await report.count(), 1, 'the row shows the report');
  assert.match(await text(report), /Kazakhstan/, `the report names Kazakhstan: ${await text(report)}`);
  assert.equal(await report.evaluate((li) => li.classList.contains('internal')), false, 'the report is not internal');

  // --- The dashboard no longer lists it as overdue (nor as due soon). ---
  await goto(page, DASHBOARD);
  assert.equal(await page.locator(`#overdue li[data-item="${item}"]`).count(), 0, 'no longer overdue');
  assert.equal(await page.locator(`#due-soon li[data-item="${item}"]`).count(), 0, 'not due soon either');
  assert.equal(await page.locator(`#agreements tr[data-agreement="${agreement}"]`).count(), 1, 'the agreement stays in the register');

  // --- The briefing for the Kazakhstan–Russia talks no longer lists it among the open items. ---
  await goto(page, BRIEFING);
  assert.equal(await page.locator('#briefing-pdf').getAttribute('href'), `${BRIEFING}.pdf`, 'the PDF link');
  assert.ok(await page.locator('article.briefing-agreement').count() > 0, 'the briefing lists agreements');
  assert.equal(
    await page.locator(`article.briefing-agreement[data-agreement="${agreement}"]`).count(),
    1,
    'the agreement is still in the briefing',
  );
  assert.equal(await page.locator(`article.briefing-agreement li[data-item="${item}"]`).count(), 0, 'the done item is not open');
  assert.equal(await page.getByText(marker).count(), 0, 'nor is its report shown');
  assert.ok(await page.locator('#briefing-meetings').count() === 1, 'the meetings part');
  assert.ok(await page.locator('#briefing-requests').count() === 1, 'the requests part');

  // Another open item of the bilateral agreements with Russia, for Kazakhstan to assess.
  const open = page.locator('article.briefing-agreement li[data-item]', { hasText: OPEN_TITLE });
  assert.equal(await open.count(), 1, `"${OPEN_TITLE}" is open in the briefing`);
  const other = await open.getAttribute('data-item');
  const otherStatus = await open.getAttribute('data-status');
  assert.ok(['planned', 'in_progress', 'overdue'].includes(otherStatus), `an open status: ${otherStatus}`);
  const article = page.locator('article.briefing-agreement', { has: page.locator(`li[data-item="${other}"]`) });
  const otherAgreement = await article.getAttribute('data-agreement');
  assert.match(await text(article.locator('p').first()), /· Kazakhstan, Russia ·/, 'a bilateral agreement of the two');

  // --- It files an internal assessment on that item from its agreement page. ---
  response = await clickAndWait(page, article.locator(`h3 a[href="/agreements/${otherAgreement}"]`));
  assert.equal(response?.status(), 200, 'the other agreement page');
  await fileReport(
    page,
    otherAgreement,
    other,
    { progress: 'in_progress', body: internalMarker, internal: true },
    'filing an internal assessment',
  );
  assert.equal(await page.locator(`#items tr#item-${other}`).getAttribute('data-status'), 'in_progress');
  const internalOnPage = reportWith(page, `#items tr#item-${other}`, internalMarker);
  assert.equal(await internalOnPage.count(), 1, 'the agreement page shows the assessment');
  assert.equal(await internalOnPage.evaluate((li) => li.classList.contains('internal')), true, 'marked internal');

  // The briefing of Kazakhstan shows it, as internal.
  await goto(page, BRIEFING);
  const internalInBriefing = reportWith(page, `article.briefing-agreement li[data-item="${other}"]`, internalMarker);
  assert.equal(await internalInBriefing.count(), 1, 'the briefing shows the assessment under its item');
  assert.equal(await internalInBriefing.evaluate((li) => li.classList.contains('internal')), true, 'marked internal in the briefing');
  assert.equal(
    await page.locator(`article.briefing-agreement li[data-item="${other}"]`).getAttribute('data-status'),
    'in_progress',
  );

  // --- Russia's ministry: the same briefing shows the item but not Kazakhstan's assessment; the
  // shared report on the done item is on the agreement page. ---
  const ru = await as(page, 'ministry-ru');
  try {
    await goto(ru.page, BRIEFING);
    assert.equal(await ru.page.locator(`article.briefing-agreement li[data-item="${other}"]`).count(), 1, 'Russia sees the item');
    assert.equal(await ru.page.locator(`article.briefing-agreement li[data-item="${item}"]`).count(), 0, 'nor the done item for Russia');
    assert.equal(await ru.page.getByText(internalMarker).count(), 0, "Russia does not see Kazakhstan's assessment");
    assert.ok(!(await ru.page.content()).includes(internalMarker), 'not even in the markup');
    await goto(ru.page, `/agreements/${otherAgreement}`);
    assert.ok(!(await ru.page.content()).includes(internalMarker), 'nor on the agreement page');
    await goto(ru.page, `/agreements/${agreement}`);
    const shared = reportWith(ru.page, `#items tr#item-${item}`, marker);
    assert.equal(await shared.count(), 1, "Russia sees Kazakhstan's report on the done item");
    assert.equal(await ru.page.locator(`#items tr#item-${item}`).getAttribute('data-status'), 'done');
  } finally {
    await ru.close();
  }

  // --- A third country cannot open the briefing of the Kazakhstan–Russia talks. ---
  const by = await as(page, 'delegation-by');
  try {
    await goto(by.page, BRIEFING, 403);
    assert.equal(await by.page.locator('article.briefing-agreement').count(), 0, 'no agreements shown to Belarus');
    assert.ok(!(await by.page.content()).includes(internalMarker), 'no assessment shown to Belarus');
  } finally {
    await by.close();
  }
});
