// Browser end-to-end tests for the main user journeys ("spine") of Concord.
// One demo server is shared by all tests; each test gets a fresh browser
// context (fresh cookies), so tests do not depend on each other.
import assert from 'node:assert/strict';
import {
  browserSuite,
  clickAndWait,
  DEMO_PASSWORD,
  htmlLang,
  login,
  pathOf,
  randomSuffix,
  submitLogin,
  switchLanguage,
  text,
} from '../lib/helpers.js';

const EVENTS_LABEL = { en: 'Events', ru: 'Мероприятия', kk: 'Іс-шаралар' };

const browserTest = browserSuite();

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function navLink(page, name) {
  return page.locator(`header nav#main-menu a[data-nav="${name}"]`);
}

function eventField(page, name) {
  return page.locator(`form#event-form [name="${name}"]`);
}

/** Fills every field of form#event-form from `values` (keys = field names). */
async function fillEventForm(page, values) {
  await page.locator('form#event-form').waitFor({ state: 'visible' });
  for (const [name, value] of Object.entries(values)) {
    if (name === 'host') {
      await eventField(page, name).selectOption(value);
    } else {
      await eventField(page, name).fill(value);
    }
  }
}

async function submitEventForm(page) {
  return clickAndWait(page, page.locator('form#event-form button[type="submit"]'));
}

function validEvent(slug) {
  return {
    slug,
    name_en: 'Astana Test Meeting',
    name_ru: 'Тестовая встреча в Астане',
    name_kk: 'Астанадағы сынақ кездесуі',
    host: 'KZ',
    city_en: 'Astana',
    city_ru: 'Астана',
    city_kk: 'Астана',
    time_zone: 'Asia/Almaty',
    start_date: '2026-06-01',
    end_date: '2026-06-02',
  };
}

async function rowCodes(page, selector) {
  return page.locator(selector).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

browserTest('anonymous home and events page in English', async (page) => {
  const home = await page.goto('/');
  assert.equal(home?.status(), 200, 'GET / status');
  assert.equal(await htmlLang(page), 'en');
  assert.equal(await text(navLink(page, 'events')), EVENTS_LABEL.en);
  await navLink(page, 'bodies').waitFor({ state: 'attached' });
  await navLink(page, 'participants').waitFor({ state: 'attached' });
  await page.locator('header a[data-nav="login"]').waitFor({ state: 'visible' });

  await clickAndWait(page, navLink(page, 'events'));
  assert.equal(pathOf(page), '/events');
  assert.ok((await text(page.locator('h1').first())).length > 0, 'events page has a non-empty h1');
  const almaty = page.locator('ul#events li a[href="/events/almaty-2025"]');
  await almaty.waitFor({ state: 'visible' });
  assert.match(await text(almaty), /Almaty/);
  for (const slug of ['moscow-2024', 'minsk-2024', 'dushanbe-2025']) {
    assert.equal(
      await page.locator(`ul#events li a[href="/events/${slug}"]`).count(),
      1,
      `events list links to ${slug}`,
    );
  }
  assert.equal(await page.locator('a#new-event').count(), 0, 'anonymous users get no #new-event link');
});

browserTest('switching the UI language persists across pages', async (page) => {
  await page.goto('/');
  assert.equal(await htmlLang(page), 'en');

  await switchLanguage(page, 'ru');
  assert.equal(await text(navLink(page, 'events')), EVENTS_LABEL.ru);

  await switchLanguage(page, 'kk');
  assert.equal(await text(navLink(page, 'events')), EVENTS_LABEL.kk);

  await page.goto('/bodies/cis-cfm');
  assert.equal(await htmlLang(page), 'kk', 'language choice persists on another page');
  assert.equal(await text(navLink(page, 'events')), EVENTS_LABEL.kk);

  await switchLanguage(page, 'en');
  assert.equal(await text(navLink(page, 'events')), EVENTS_LABEL.en);
  await page.goto('/events');
  assert.equal(await htmlLang(page), 'en', 'switching back to English persists too');
});

browserTest('log in (wrong then right password) and log out', async (page) => {
  await page.goto('/');
  await clickAndWait(page, page.locator('header a[data-nav="login"]'));
  assert.equal(pathOf(page), '/login');

  const bad = await submitLogin(page, 'host', 'not-the-password');
  assert.equal(bad?.status(), 401, 'wrong password re-renders the form with 401');
  const error = page.locator('.form-error');
  await error.first().waitFor({ state: 'visible' });
  assert.equal(await error.first().getAttribute('role'), 'alert');
  assert.ok((await text(error.first())).length > 0, '.form-error has a message');
  assert.equal(await page.locator('header [data-user]').count(), 0, 'still anonymous');

  const good = await submitLogin(page, 'host', DEMO_PASSWORD);
  assert.equal(good?.status(), 200);
  assert.equal(pathOf(page), '/', 'successful login redirects to /');
  const user = page.locator('header [data-user]');
  await user.waitFor({ state: 'visible' });
  assert.match(await text(user), /host/);
  assert.equal(await page.locator('header a[data-nav="login"]').count(), 0, 'no login link when logged in');

  const logout = page.locator('header form button[data-action="logout"]');
  assert.equal(
    (await logout.evaluate((b) => b.form?.method ?? '')).toLowerCase(),
    'post',
    'logout button submits a POST form',
  );
  assert.equal(new URL(await logout.evaluate((b) => b.form.action)).pathname, '/logout');
  await clickAndWait(page, logout);
  await page.locator('header a[data-nav="login"]').waitFor({ state: 'visible' });
  assert.equal(await page.locator('header [data-user]').count(), 0, 'no [data-user] after logout');
});

browserTest('host creates an event', async (page) => {
  await login(page, 'host');
  await page.goto('/events');
  await clickAndWait(page, page.locator('a#new-event'));
  assert.equal(pathOf(page), '/events/new');

  const slug = `astana-2026-${randomSuffix()}`;
  await fillEventForm(page, validEvent(slug));
  const response = await submitEventForm(page);
  assert.equal(response?.status(), 200);
  assert.equal(pathOf(page), `/events/${slug}`, 'redirected to the new event page');
  assert.match(await text(page.locator('h1').first()), /Astana Test Meeting/);

  await page.goto('/events');
  const link = page.locator(`ul#events li a[href="/events/${slug}"]`);
  await link.waitFor({ state: 'visible' });
  assert.match(await text(link), /Astana Test Meeting/);

  await clickAndWait(page, link);
  assert.equal(pathOf(page), `/events/${slug}`);
  await switchLanguage(page, 'ru');
  assert.match(await text(page.locator('h1').first()), /Тестовая встреча в Астане/);
});

browserTest('event form rejects bad input and keeps the values', async (page) => {
  await login(page, 'host');
  await page.goto('/events/new');
  const slug = `astana-2026-${randomSuffix()}`;

  // End date before start date.
  await fillEventForm(page, { ...validEvent(slug), start_date: '2026-06-02', end_date: '2026-06-01' });
  let response = await submitEventForm(page);
  assert.equal(response?.status(), 422, 'end before start is rejected with 422');
  const endError = page.locator('[data-error-for="end_date"]');
  await endError.waitFor({ state: 'visible' });
  const endMessageEn = await text(endError);
  assert.match(endMessageEn, /[A-Za-z]/, 'end_date error has an English message');
  assert.equal(await eventField(page, 'slug').inputValue(), slug, 'slug value is kept');
  assert.equal(await eventField(page, 'name_en').inputValue(), 'Astana Test Meeting');
  assert.equal(await eventField(page, 'name_ru').inputValue(), 'Тестовая встреча в Астане');
  assert.equal(await eventField(page, 'host').inputValue(), 'KZ');
  assert.equal(await eventField(page, 'start_date').inputValue(), '2026-06-02');
  assert.equal(await eventField(page, 'end_date').inputValue(), '2026-06-01');

  // Unknown time zone.
  await fillEventForm(page, { ...validEvent(slug), time_zone: 'Asia/Atlantis' });
  response = await submitEventForm(page);
  assert.equal(response?.status(), 422, 'unknown time zone is rejected with 422');
  const tzError = page.locator('[data-error-for="time_zone"]');
  await tzError.waitFor({ state: 'visible' });
  assert.ok((await text(tzError)).length > 0, 'time_zone error has a message');
  assert.equal(await eventField(page, 'time_zone').inputValue(), 'Asia/Atlantis');
  assert.equal(await eventField(page, 'slug').inputValue(), slug);

  // The error message follows the UI language. (Switch on a fresh GET of the
  // form: the re-rendered form may live at the POST target URL.)
  await page.goto('/events/new');
  await switchLanguage(page, 'ru');
  await fillEventForm(page, { ...validEvent(slug), start_date: '2026-06-02', end_date: '2026-06-01' });
  response = await submitEventForm(page);
  assert.equal(response?.status(), 422);
  await endError.waitFor({ state: 'visible' });
  const endMessageRu = await text(endError);
  assert.match(endMessageRu, /[А-Яа-яЁё]/, `end_date error in Russian, got "${endMessageRu}"`);
  assert.notEqual(endMessageRu, endMessageEn);

  // Nothing was created.
  await page.goto('/events');
  assert.equal(await page.locator(`a[href="/events/${slug}"]`).count(), 0, 'no event created');
});

browserTest('body page shows chairs and meeting history', async (page) => {
  const response = await page.goto('/bodies/cis-cfm');
  assert.equal(response?.status(), 200);
  assert.ok((await text(page.locator('h1').first())).length > 0, 'body page has a non-empty h1');
  await page.locator('table#members tr[data-code="AZ"]').waitFor({ state: 'attached' });

  const chair2026 = page.locator('table#chairs tr[data-year="2026"]');
  assert.match(await text(chair2026), /Turkmenistan/);

  // #meetings may be a list (li) or a table (data rows with td cells).
  const entries = await page
    .locator('#meetings li, #meetings tr:has(td)')
    .evaluateAll((els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()));
  const cities = ['Minsk', 'Moscow', 'Almaty', 'Dushanbe', 'Kaliningrad'];
  assert.equal(entries.length, cities.length, `5 meetings expected, got ${JSON.stringify(entries)}`);
  cities.forEach((city, i) => {
    assert.ok(entries[i].includes(city), `meeting #${i + 1} should be ${city}: ${JSON.stringify(entries)}`);
  });

  await switchLanguage(page, 'ru');
  assert.match(await text(chair2026), /Туркменистан/);
});

browserTest('participants are sorted in the UI language', async (page) => {
  await page.goto('/participants');
  const rows = 'table#participants tr[data-code]';
  await page.locator(`${rows}[data-code="AM"]`).waitFor({ state: 'attached' });

  const en = await rowCodes(page, rows);
  assert.ok(en.includes('AM') && en.includes('AZ'), `AM and AZ rows expected: ${en}`);
  assert.ok(en.indexOf('AM') < en.indexOf('AZ'), `en: Armenia before Azerbaijan, got ${en}`);

  await switchLanguage(page, 'ru');
  const ru = await rowCodes(page, rows);
  assert.ok(ru.includes('AM') && ru.includes('AZ'), `AM and AZ rows expected: ${ru}`);
  assert.ok(ru.indexOf('AZ') < ru.indexOf('AM'), `ru: Азербайджан before Армения, got ${ru}`);
});

browserTest('anonymous users are sent to login for /events/new', async (page) => {
  await page.goto('/events/new');
  const url = new URL(page.url());
  assert.ok(url.pathname.startsWith('/login'), `expected /login, ended at ${page.url()}`);
  assert.equal(url.searchParams.get('next'), '/events/new');
  await page.locator('form#login').waitFor({ state: 'visible' });
  assert.equal(await page.locator('form#event-form').count(), 0);
});

/** How wide the page is against the screen's width, in CSS pixels. */
function widthOf(page) {
  return page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
  }));
}

browserTest('pages fit a phone: wide tables scroll in their own box, the menu wraps', async (page) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, 'host');
  const pages = [
    '/events/almaty-2025/bilaterals',
    '/events/almaty-2025/programme',
    '/documents',
    '/events/almaty-2025/meetings/cis-cfm/agenda',
    '/events/almaty-2025/delegations/kz',
  ];
  for (const path of pages) {
    await page.goto(path);
    const { scroll, width } = await widthOf(page);
    assert.ok(scroll <= width, `${path} is ${scroll} px wide on a ${width} px screen`);
    if (path === '/documents' && !pages.some((p) => /^\/documents\/[^/]+$/.test(p))) {
      // The first document the register links to, and its track changes.
      const signed = await page.locator('a[href^="/documents/"]').evaluateAll((links) =>
        links.map((a) => a.getAttribute('href')).find((h) => /^\/documents\/[0-9a-f-]{36}$/.test(h)));
      assert.ok(signed, 'the register links to a document');
      pages.push(signed, `${signed}/changes`);
    }
  }
  // Russian words are long: a heading of one must wrap, not widen the page.
  await page.goto('/language/ru?next=%2F');
  for (const path of ['/', '/documents']) {
    await page.goto(path);
    const { scroll, width } = await widthOf(page);
    assert.ok(scroll <= width, `${path} in Russian is ${scroll} px wide on a ${width} px screen`);
  }
});
