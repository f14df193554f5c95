// Browser end-to-end test of a meeting changing its adopted agenda: the CFM's secretariat reopens
// the extended agenda with the meeting's decision, swaps questions 2 and 3 from their own forms,
// adopts the agenda again, and the page shows revision 2 in force with revision 1 kept as it was
// adopted.
import assert from 'node:assert/strict';
import { browserSuite, clickAndWait, goto, login, text } from '../lib/helpers.js';

const browserTest = browserSuite();

const PAGE = '/events/almaty-2025/meetings/cis-cfm/agenda';
const REASON = 'At the proposal of Belarus, questions 2 and 3 change places';

browserTest('the secretariat reopens the adopted agenda, reorders it and adopts it again', async (page) => {
  await login(page, 'secretariat');
  await goto(page, PAGE);
  const extended = page.locator('#agenda-extended');
  const state = () => text(extended.locator('.agenda-state'));
  const question = (number) => extended.locator(`ol.agenda > li[value="${number}"]`);
  const titleOf = (number) => text(question(number).locator('strong'));
  assert.equal(await state(), 'Adopted agenda (11 April 2025, 12:15)', 'adopted as the extended session opened in Almaty');
  const [second, third] = [await titleOf(2), await titleOf(3)];
  assert.equal(await question(2).locator('input[name="number"]').count(), 0, 'an adopted agenda keeps its numbers');

  await extended.locator('form.agenda-reopen input[name="reason"]').fill(REASON);
  let response = await clickAndWait(page, extended.locator('form.agenda-reopen button'));
  assert.equal(response?.status(), 200, 'reopened, back on the agenda');
  assert.equal(await state(), 'Draft agenda · Revision 2');

  // Through a free number, as two questions cannot hold one number at once.
  for (const [from, to] of [[2, 99], [3, 2], [99, 3]]) {
    await question(from).locator('input[name="number"]').fill(String(to));
    response = await clickAndWait(page, question(from).locator('form.item-status button'));
    assert.equal(response?.status(), 200, `question ${from} renumbered ${to}`);
  }
  response = await clickAndWait(page, extended.locator('form[action$="/agenda/adopt"] button'));
  assert.equal(response?.status(), 200, 'adopted again');
  assert.match(await state(), /^Adopted agenda \(.+\) · Revision 2$/);
  assert.deepEqual([await titleOf(2), await titleOf(3)], [third, second]);

  const earlier = extended.locator('details.agenda-revisions');
  await earlier.locator('summary').click();
  const first = earlier.locator('#agenda-extended-revision-1');
  assert.match(await text(first), new RegExp(`^Revision 1 Adopted 11 April 2025, 12:15, reopened .+: ${REASON}`));
  assert.ok((await text(first.locator('li[value="2"]'))).startsWith(second), 'revision 1 as it was adopted');
  assert.ok((await text(first.locator('li[value="3"]'))).startsWith(third));
});
