// Browser end-to-end test of the press office (issue: "the press officer generates a draft, edits it,
// attaches a photo with a credit, publishes; the public page and the feed show it"): the host of
// almaty-2025 uploads a photo (refused without a credit, then accepted), drafts a release from the
// record of 11 April, edits it, attaches the photo, sends it to review and publishes it; the public
// sees it on the event's press page, on its own page (caption escaped, credit printed, Open Graph
// title) and in the event's Atom feed. A release left in draft is not reachable by the public.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { browserSuite, clickAndWait, goto, login, pathOf, randomSuffix, text } from '../lib/helpers.js';

// A login, a multipart upload and five form posts: slow on a debug build.
const browserTest = browserSuite({ testTimeout: 240_000 });

const EVENT = 'almaty-2025';
const OFFICE = `/events/${EVENT}/press-office`;
const PRESS = `/events/${EVENT}/press`;
const FEED = `/events/${EVENT}/feed.atom`;
const CREDIT = 'MFA of Kazakhstan';
const RELEASE_PATH = /^\/press-releases\/([^/]+)$/;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** A page of its own (own cookies) for the public: nobody logged in. */
async function asPublic(page) {
  const context = await page.context().browser().newContext({ baseURL: new URL(page.url()).origin, locale: 'en-US' });
  const other = await context.newPage();
  return { page: other, close: () => context.close() };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A small valid PNG (24×16, RGB, a colour gradient), built with zlib. */
function makePng(width = 24, height = 16) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  header[10] = 0; // compression
  header[11] = 0; // filter
  header[12] = 0; // no interlace
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = Math.round((255 * x) / (width - 1));
      raw[row + 2 + x * 3] = Math.round((255 * y) / (height - 1));
      raw[row + 3 + x * 3] = 160;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The error messages shown on the current page, for assertion messages. */
async function pageErrors(page) {
  return page
    .locator('.field-error, .form-error, [role="alert"]')
    .evaluateAll((els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()).filter(Boolean));
}

/**
 * Clicks `button` of a release's form and checks that it redirects back to the release (a refused
 * form re-renders the page with its errors, which end up in the message).
 */
async function submitOnRelease(page, button, id, what) {
  const response = await clickAndWait(page, button);
  const errors = await pageErrors(page);
  assert.equal(response?.status(), 200, `${what}: status ${response?.status()}, errors ${JSON.stringify(errors)}`);
  assert.equal(pathOf(page), `/press-releases/${id}`, `${what}: back on the release, errors ${JSON.stringify(errors)}`);
}

/** Moves the release shown on `page` to `status` through #status-form. */
async function moveRelease(page, id, status) {
  const form = page.locator('#status-form');
  await form.locator('#to').selectOption(status);
  await submitOnRelease(page, form.locator('[data-action="move-release"]'), id, `moving the release to ${status}`);
  assert.equal(await page.locator('#release-status').getAttribute('data-status'), status, `#release-status after moving to ${status}`);
  assert.equal(await page.locator('#release').getAttribute('data-status'), status, `#release after moving to ${status}`);
}

/** Waits for `img` to load and returns its natural width (0 if it failed to load). */
async function naturalWidth(img) {
  return img.evaluate(
    (el) =>
      new Promise((resolve) => {
        if (el.complete) resolve(el.naturalWidth);
        else {
          el.addEventListener('load', () => resolve(el.naturalWidth));
          el.addEventListener('error', () => resolve(0));
        }
      }),
  );
}

/**
 * Fetches the Atom feed from the page (with the browser's language) and parses it with DOMParser.
 * @returns {Promise<{status: number, type: string, parseError: string | null, entries: {id: string, title: string, link: string, content: string}[]}>}
 */
async function readFeed(page, path) {
  return page.evaluate(async (path) => {
    const r = await fetch(path);
    const xml = await r.text();
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    const parseError = doc.getElementsByTagName('parsererror')[0]?.textContent ?? null;
    const child = (el, name) => el.getElementsByTagNameNS('*', name)[0];
    const entries = [...doc.getElementsByTagNameNS('*', 'entry')].map((e) => ({
      id: child(e, 'id')?.textContent ?? '',
      title: child(e, 'title')?.textContent ?? '',
      link: child(e, 'link')?.getAttribute('href') ?? '',
      content: child(e, 'content')?.textContent ?? '',
    }));
    return { status: r.status, type: r.headers.get('content-type') ?? '', parseError, entries };
  }, path);
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

browserTest('the press office drafts a release from the record, edits it, attaches a credited photo and publishes it; the public page and the feed show it', async (page) => {
  const suffix = randomSuffix();
  const captionEn = `Ministers at the Palace of Independence <b>${suffix}</b>`;
  const captionRu = `Министры во Дворце Независимости ${suffix}`;
  const title = `Ministers meet in Almaty ${suffix}`;
  const appended = `The e2e check sentence ${suffix} closes the release.`;

  // --- The host runs the press office of almaty-2025. ---
  await login(page, 'host');
  await goto(page, OFFICE);
  assert.match(await text(page.locator('h1')), /Almaty/, 'the press office of the Almaty event');

  // --- A photo without a credit is refused, with the error at the credit field. ---
  const png = makePng();
  let photoForm = page.locator('#photo-form');
  await photoForm.locator('#photo').setInputFiles({ name: 'ministers.png', mimeType: 'image/png', buffer: png });
  await photoForm.locator('#caption_en').fill(captionEn);
  await photoForm.locator('#caption_ru').fill(captionRu);
  await photoForm.locator('#credit').fill('');
  await photoForm.locator('#credit').evaluate((e) => e.removeAttribute('required'));
  let response = await clickAndWait(page, photoForm.locator('[data-action="upload-photo"]'));
  assert.equal(response?.status(), 422, `a photo without a credit is refused (errors ${JSON.stringify(await pageErrors(page))})`);
  const creditError = page.locator('[data-error-for="credit"]');
  assert.equal(await creditError.count(), 1, 'the error is shown at the credit field');
  assert.ok((await text(creditError)).length > 0, 'the credit error says something');
  assert.equal(await page.locator('#office-photos figure[data-photo]', { hasText: suffix }).count(), 0, 'nothing was stored');

  // The form comes back with what was typed; the file has to be chosen again.
  photoForm = page.locator('#photo-form');
  assert.equal(await photoForm.locator('#caption_en').inputValue(), captionEn, 'the English caption is kept');
  assert.equal(await photoForm.locator('#caption_ru').inputValue(), captionRu, 'the Russian caption is kept');
  await photoForm.locator('#photo').setInputFiles({ name: 'ministers.png', mimeType: 'image/png', buffer: png });
  await photoForm.locator('#credit').fill(CREDIT);
  response = await clickAndWait(page, photoForm.locator('[data-action="upload-photo"]'));
  assert.equal(response?.status(), 200, `uploading with a credit: errors ${JSON.stringify(await pageErrors(page))}`);
  assert.equal(pathOf(page), OFFICE, 'the upload redirects back to the press office');
  const officePhoto = page.locator('#office-photos figure[data-photo]', { hasText: suffix });
  assert.equal(await officePhoto.count(), 1, 'the photo is listed in the press office');
  const photoId = await officePhoto.getAttribute('data-photo');
  assert.ok(photoId, 'the photo has an id');
  const officeCaption = await text(officePhoto.locator('figcaption'));
  assert.ok(officeCaption.includes(captionEn), `the office shows the caption as typed: ${officeCaption}`);
  assert.ok(officeCaption.includes(`Photo: ${CREDIT}`), `the office shows the credit: ${officeCaption}`);
  assert.ok((await naturalWidth(officePhoto.locator('img'))) > 0, 'the thumbnail is served and decodes');

  // --- A draft from the record of 11 April. ---
  const draftForm = page.locator('#draft-form');
  await draftForm.locator('#draft-date').selectOption('2025-04-11');
  response = await clickAndWait(page, draftForm.locator('[data-action="draft"]'));
  assert.equal(response?.status(), 200, `drafting: errors ${JSON.stringify(await pageErrors(page))}`);
  const match = pathOf(page).match(RELEASE_PATH);
  assert.ok(match, `drafting redirects to the new release, got ${pathOf(page)}`);
  const id = match[1];
  assert.equal(await page.locator('#release-status').getAttribute('data-status'), 'draft', 'a new release is a draft');
  const bodyEn = await page.locator('#body_en').inputValue();
  for (const phrase of ['welcomed the members of the delegations', 'Sergey Lavrov', 'Panfilov', 'Moscow']) {
    assert.ok(bodyEn.includes(phrase), `the English draft mentions "${phrase}":\n${bodyEn}`);
  }
  const bodyRu = await page.locator('#body_ru').inputValue();
  assert.ok(bodyRu.includes('Лавров'), `the Russian draft mentions Лавров:\n${bodyRu}`);
  assert.ok((await page.locator('#title_en').inputValue()).length > 0, 'the draft has an English title');

  // --- Edit: a new title, one more sentence, the photo. ---
  const releaseForm = page.locator('#release-form');
  await releaseForm.locator('#title_en').fill(title);
  await releaseForm.locator('#body_en').fill(`${bodyEn.trimEnd()}\n\n${appended}`);
  const box = releaseForm.locator(`input[name="photos"][value="${photoId}"]`);
  assert.equal(await box.count(), 1, 'the photo is offered in the release form');
  assert.equal(await box.isChecked(), false, 'the photo is not attached yet');
  await box.check();
  await submitOnRelease(page, releaseForm.locator('[data-action="save-release"]'), id, 'saving the release');
  assert.equal(await text(page.locator('#release h1')), title, 'the page shows the new title');
  assert.equal(await page.locator('#title_en').inputValue(), title, 'the form holds the new title');
  assert.ok((await page.locator('#body_en').inputValue()).includes(appended), 'the form holds the appended sentence');
  assert.equal(await page.locator(`input[name="photos"][value="${photoId}"]`).isChecked(), true, 'the photo is attached');
  assert.ok((await text(page.locator('#release-body'))).includes(appended), 'the body shows the appended sentence');
  assert.equal(await page.locator(`#release figure[data-photo="${photoId}"]`).count(), 1, 'the release shows the photo');
  assert.equal(await page.locator('#release-status').getAttribute('data-status'), 'draft', 'saving keeps the draft a draft');

  // Before publication the public cannot see it.
  let pub = await asPublic(page);
  try {
    await goto(pub.page, `/press-releases/${id}`, 404);
  } finally {
    await pub.close();
  }

  // --- Review, then publish. ---
  await moveRelease(page, id, 'review');
  await moveRelease(page, id, 'published');
  assert.equal(await page.locator('#status-form').count(), 0, 'a published release cannot be moved any more');
  await goto(page, OFFICE);
  assert.equal(
    await page.locator(`#office-releases tr[data-release="${id}"] td[data-status]`).getAttribute('data-status'),
    'published',
    'the office lists the release as published',
  );

  // --- The public: the event's press page, the release page, the feed. ---
  pub = await asPublic(page);
  try {
    const p = pub.page;
    await goto(p, PRESS);
    const item = p.locator(`#releases li[data-release="${id}"]`);
    assert.equal(await item.count(), 1, 'the release is listed on the public press page');
    assert.equal(await text(item.locator('a')), title, 'listed under its new title');
    assert.equal(await item.locator('[data-status]').count(), 0, 'the public sees no editorial status');
    const feedHref = await p.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute('href');
    assert.equal(new URL(feedHref, p.url()).pathname, FEED, 'the press page links its Atom feed');

    response = await clickAndWait(p, item.locator(`a[href="/press-releases/${id}"]`));
    assert.equal(response?.status(), 200, 'the public opens the release');
    assert.equal(pathOf(p), `/press-releases/${id}`);
    assert.equal(await p.locator('#release').getAttribute('data-status'), 'published');
    assert.equal(await text(p.locator('#release h1')), title);
    assert.equal(await p.locator('#release-status').count(), 0, 'the public sees no status line');
    assert.equal(await p.locator('#release-form').count(), 0, 'the public gets no edit form');
    const body = await text(p.locator('#release-body'));
    assert.ok(body.includes(appended), `the public body has the appended sentence: ${body}`);
    assert.ok(body.includes('welcomed the members of the delegations'), 'and the drafted text');

    const figure = p.locator(`#release figure[data-photo="${photoId}"]`);
    assert.equal(await figure.count(), 1, 'the public release shows the photo');
    const caption = await figure.locator('figcaption').evaluate((el) => el.textContent.replace(/\s+/g, ' ').trim());
    assert.ok(caption.includes(captionEn), `the caption is shown as typed, markup as text: ${caption}`);
    assert.ok(caption.includes('<b>'), `the caption's <b> is text: ${caption}`);
    assert.ok(caption.includes(`Photo: ${CREDIT}`), `the credit is printed with the photo: ${caption}`);
    assert.equal(await p.locator('figure b').count(), 0, 'no <b> element comes from the caption');
    assert.ok((await naturalWidth(figure.locator('img'))) > 0, 'the public can load the photo');

    assert.equal(await p.locator('meta[property="og:title"]').getAttribute('content'), title, 'og:title');
    const ogImage = await p.locator('meta[property="og:image"]').getAttribute('content');
    assert.ok(ogImage?.endsWith(`/press-photos/${photoId}`), `og:image is the attached photo: ${ogImage}`);
    assert.equal(await p.locator('meta[property="og:image:alt"]').getAttribute('content'), captionEn, 'og:image:alt');
    const ogUrl = await p.locator('meta[property="og:url"]').getAttribute('content');
    assert.ok(ogUrl?.endsWith(`/press-releases/${id}`), `og:url: ${ogUrl}`);

    // The photo is now on the public press page too: it was published with the release.
    await goto(p, PRESS);
    assert.equal(await p.locator(`#photos figure[data-photo="${photoId}"]`).count(), 1, 'the photo is on the public press page');

    const feed = await readFeed(p, FEED);
    assert.equal(feed.status, 200, 'GET the feed');
    assert.match(feed.type, /^application\/atom\+xml\b/, `the feed's content type: ${feed.type}`);
    assert.equal(feed.parseError, null, `the feed is well-formed XML: ${feed.parseError}`);
    const entry = feed.entries.find((e) => e.title === title);
    assert.ok(entry, `an entry has the new title; titles: ${JSON.stringify(feed.entries.map((e) => e.title))}`);
    assert.ok(entry.link.endsWith(`/press-releases/${id}`), `the entry links the release: ${entry.link}`);
    assert.ok(entry.content.includes(appended), 'the entry has the appended sentence');
    assert.ok(entry.content.includes(`Photo: ${CREDIT}`), `the entry credits the photo:\n${entry.content}`);
    assert.ok(entry.content.includes(captionEn), `the entry has the caption as text:\n${entry.content}`);
  } finally {
    await pub.close();
  }
});

browserTest('a release the press office leaves in draft is not reachable by the public', async (page) => {
  const suffix = randomSuffix();
  const title = `Draft only ${suffix}`;

  await login(page, 'host');
  await goto(page, OFFICE);
  const response = await clickAndWait(page, page.locator('#blank-form [data-action="blank"]'));
  assert.equal(response?.status(), 200, `starting a blank release: errors ${JSON.stringify(await pageErrors(page))}`);
  const match = pathOf(page).match(RELEASE_PATH);
  assert.ok(match, `a blank release opens at its own page, got ${pathOf(page)}`);
  const id = match[1];
  assert.equal(await text(page.locator('#release h1')), 'Untitled release', 'a blank release is untitled');
  assert.equal(await page.locator('#release-status').getAttribute('data-status'), 'draft');

  // Give it a title and a text, so that it could be recognised if it leaked.
  const form = page.locator('#release-form');
  await form.locator('#title_en').fill(title);
  await form.locator('#body_en').fill(`Nothing to see here ${suffix}.`);
  await submitOnRelease(page, form.locator('[data-action="save-release"]'), id, 'saving the draft');
  assert.equal(await page.locator('#release-status').getAttribute('data-status'), 'draft');
  await goto(page, OFFICE);
  assert.equal(
    await page.locator(`#office-releases tr[data-release="${id}"] td[data-status]`).getAttribute('data-status'),
    'draft',
    'the office lists it as a draft',
  );

  const pub = await asPublic(page);
  try {
    const p = pub.page;
    await goto(p, `/press-releases/${id}`, 404);
    assert.equal((await p.content()).includes(suffix), false, 'the 404 page does not give the draft away');
    await goto(p, PRESS);
    assert.equal(await p.locator(`[data-release="${id}"]`).count(), 0, 'the draft is not on the public press page');
    assert.equal((await p.content()).includes(suffix), false, 'nor its title');
    const feed = await readFeed(p, FEED);
    assert.equal(feed.status, 200);
    assert.equal(feed.parseError, null, `the feed is well-formed XML: ${feed.parseError}`);
    assert.equal(feed.entries.some((e) => e.id.includes(id) || e.title.includes(suffix)), false, 'the draft is not in the feed');
  } finally {
    await pub.close();
  }
});
