// Browser end-to-end test of bilaterals on the sidelines: two delegations request and accept, the
// host runs the scheduler and confirms, and both delegations' itineraries show the meeting.
import assert from 'node:assert/strict';
import { browserSuite, login } from '../lib/helpers.js';

const browserTest = browserSuite();

/** A page of its own (own cookies) logged in as `user`. */
async function as(page, user) {
  const context = await page.context().browser().newContext({ baseURL: new URL(page.url()).origin, locale: 'en-US' });
  const other = await context.newPage();
  await login(other, user);
  return { page: other, close: () => context.close() };
}

browserTest('two delegations agree on a bilateral; the host schedules and confirms it; both itineraries show it', async (page) => {
  // Kyrgyzstan's officer asks Tajikistan for 25 minutes on the second day, after the sessions.
  await login(page, 'delegation-kg');
  await page.goto('/events/almaty-2025');
  await Promise.all([page.waitForURL(/\/bilaterals$/), page.locator('#event-bilaterals').click()]);
  const form = page.locator('#request-form');
  await form.locator('select[name="with"]').selectOption('TJ');
  await form.locator('input[name="duration"]').fill('25');
  await form.locator('select[name="priority"]').selectOption('high');
  await form.locator('#request-starts-0').fill('2025-04-11T17:00');
  await form.locator('#request-ends-0').fill('2025-04-11T19:00');
  await Promise.all([page.waitForURL(/\/bilaterals$/), form.locator('button[type="submit"]').click()]);
  const ours = page.locator('#requests tbody tr', { hasText: 'Kyrgyzstan – Tajikistan' });
  assert.equal(await ours.getAttribute('data-status'), 'pending');

  // Tajikistan's officer accepts it.
  const tj = await as(page, 'delegation-tj');
  try {
    await tj.page.goto('/events/almaty-2025/bilaterals');
    const answer = tj.page.locator('form.answer', { hasText: 'Kyrgyzstan – Tajikistan' });
    await Promise.all([tj.page.waitForURL(/\/bilaterals$/), answer.locator('button[value="accept"]').click()]);
    const row = tj.page.locator('#requests tbody tr', { hasText: 'Kyrgyzstan – Tajikistan' });
    assert.equal(await row.getAttribute('data-status'), 'accepted');
  } finally {
    await tj.close();
  }

  // The host runs the scheduler, sees the meeting in the grid, and confirms it.
  const host = await as(page, 'host');
  let time;
  try {
    await host.page.goto('/events/almaty-2025/bilaterals');
    await Promise.all([host.page.waitForURL(/\/bilaterals$/), host.page.locator('#schedule-form button[type="submit"]').click()]);
    const row = host.page.locator('#requests tbody tr', { hasText: 'Kyrgyzstan – Tajikistan' });
    const outcome = (await row.locator('td').last().textContent()).trim();
    time = outcome.match(/(\d\d:\d\d–\d\d:\d\d)/)?.[1];
    assert.ok(time && time >= '17:00', `placed within the window asked for: ${outcome}`);
    assert.ok(await host.page.locator('table.grid', { hasText: 'Kyrgyzstan – Tajikistan' }).count() > 0, 'shown in the grid by room');
    const confirm = host.page.locator('#confirm-form');
    // Only this meeting is confirmed now; the others stay proposals.
    for (const box of await confirm.locator('input[name="request"]').all()) {
      const label = await box.getAttribute('aria-label');
      if (!label.includes('Kyrgyzstan – Tajikistan')) await box.uncheck();
    }
    await Promise.all([host.page.waitForURL(/\/bilaterals$/), confirm.locator('button[type="submit"]').click()]);
    assert.equal(await row.getAttribute('data-status'), 'confirmed');
  } finally {
    await host.close();
  }

  // Both itineraries show the meeting at the time the host confirmed.
  await page.goto('/events/almaty-2025/delegations/kg/itinerary');
  const item = page.locator('#itinerary li', { hasText: 'Bilateral meeting: Kyrgyzstan – Tajikistan talks' });
  assert.equal((await item.locator('.time').textContent()).trim(), time);
  const tjAgain = await as(page, 'delegation-tj');
  try {
    await tjAgain.page.goto('/events/almaty-2025/delegations/tj/itinerary');
    const item = tjAgain.page.locator('#itinerary li', { hasText: 'Bilateral meeting: Kyrgyzstan – Tajikistan talks' });
    assert.equal((await item.locator('.time').textContent()).trim(), time);
  } finally {
    await tjAgain.close();
  }
});
