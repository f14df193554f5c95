// Browser end-to-end tests for a meeting's protocol outputs: the family-photo line-up and the
// seating plan open from the event page and render as SVG in the browser.
import assert from 'node:assert/strict';
import { browserSuite, login } from '../lib/helpers.js';

const browserTest = browserSuite();

browserTest('the family photo and seating plan of the CFM render from the event page', async (page) => {
  await page.goto('/events/almaty-2025');
  const row = page.locator('#meetings tr[data-meeting="cis-cfm"]');
  await row.locator('a[href$="/family-photo.svg"]').click();
  await page.waitForURL(/family-photo\.svg$/);
  const places = page.locator('g.place');
  assert.equal(await places.count(), 10, 'ten heads of delegation in the photo');
  // The host stands in the middle of the front row and the drawing is laid out (has a size).
  const middle = places.nth(5);
  assert.equal((await middle.locator('.card-text').textContent()).trim(), 'Казахстан');
  const box = await middle.boundingBox();
  assert.ok(box && box.width > 50 && box.height > 20, `the card is drawn: ${JSON.stringify(box)}`);
  const left = await places.nth(4).boundingBox();
  assert.ok(left.x < box.x, 'the first after the host stands at its right, the camera\'s left');

  await page.goto('/events/almaty-2025/meetings/cis-cfm/seating.svg?table=u_shape');
  assert.equal(await page.locator('g.place').count(), 10);
  const title = await page.locator('svg > title').textContent();
  assert.match(title, /^Seating plan: /);
});

browserTest('the host moves the family photo and a delegate\'s open itinerary shows the new time without reload', async (page) => {
  // A delegate keeps the delegation's itinerary open.
  await login(page, 'delegation-kz');
  await page.goto('/events/almaty-2025/delegations/kz/itinerary');
  const photo = () => page.locator('#itinerary li[data-kind="family_photo"] .time');
  assert.equal((await photo().textContent()).trim(), '10:15–10:30');
  await page.evaluate(() => { window.notReloaded = true; });

  // The host, in another browser, moves the family photo by 15 minutes.
  const origin = new URL(page.url()).origin;
  const hostContext = await page.context().browser().newContext({ baseURL: origin, locale: 'en-US' });
  try {
    const host = await hostContext.newPage();
    await login(host, 'host');
    await host.goto('/events/almaty-2025/programme');
    const form = host.locator('#programme tr[data-kind="family_photo"] form.move');
    await form.locator('input[name="minutes"]').fill('15');
    await Promise.all([host.waitForURL(/\/programme$/), form.locator('button[type="submit"]').click()]);
    assert.equal((await host.locator('#programme tr[data-kind="family_photo"] .time').textContent()).trim(), '10:30–10:45');
  } finally {
    await hostContext.close();
  }

  await page.waitForFunction(
    () => document.querySelector('#itinerary li[data-kind="family_photo"] .time')?.textContent.trim() === '10:30–10:45',
    null,
    { timeout: 3000 },
  );
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
});
