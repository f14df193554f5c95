// Browser end-to-end tests for a meeting's protocol outputs: the family-photo line-up and the
// seating plan open from the event page and render as SVG in the browser.
import assert from 'node:assert/strict';
import { browserSuite } from '../lib/helpers.js';

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
