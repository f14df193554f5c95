// Shared helpers for the Concord browser end-to-end tests: the per-file
// server/browser setup, the `browserTest` wrapper, and small page helpers used
// by more than one test file. Helpers used by a single file stay in that file.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, startServer } from './server.js';

const ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts/', import.meta.url));
export const DEMO_PASSWORD = 'concord-demo';
const NAV_TIMEOUT_MS = 30_000;
const ACTION_TIMEOUT_MS = 15_000;
const DEFAULT_TEST_TIMEOUT_MS = 120_000;
const SETUP_TIMEOUT_MS = 180_000;

// ---------------------------------------------------------------------------
// Suite setup
// ---------------------------------------------------------------------------

/**
 * Registers the `before`/`after` hooks of the calling test file: one demo
 * server and one browser are shared by all of the file's tests. Returns
 * `browserTest(name, fn)`, which runs `fn(page, t)` in a fresh English browser
 * context (fresh cookies), so tests do not depend on each other; on failure it
 * saves a screenshot to e2e/artifacts/<test name>.png and adds the page URL to
 * the error message.
 * @param {{testTimeout?: number}} [options] per-test timeout in ms (default 120 s)
 */
export function browserSuite({ testTimeout = DEFAULT_TEST_TIMEOUT_MS } = {}) {
  let server;
  let browser;

  before(
    async () => {
      server = await startServer();
      browser = await launchBrowser();
    },
    { timeout: SETUP_TIMEOUT_MS },
  );

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  return function browserTest(name, fn) {
    test(name, { timeout: testTimeout }, async (t) => {
      const context = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US' });
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      context.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
      const page = await context.newPage();
      try {
        await fn(page, t);
      } catch (err) {
        const file = `${ARTIFACTS_DIR}${t.name.replace(/[^A-Za-z0-9_-]+/g, '_')}.png`;
        let note = `page URL at failure: ${page.url()}`;
        try {
          await fs.mkdir(ARTIFACTS_DIR, { recursive: true });
          await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
          note += `; screenshot: ${file}`;
        } catch (shotErr) {
          note += `; screenshot failed: ${shotErr.message}`;
        }
        if (err && typeof err === 'object' && typeof err.message === 'string') {
          try {
            err.message += `\n[e2e] ${note}`;
          } catch {
            t.diagnostic(note);
          }
        } else {
          t.diagnostic(note);
        }
        throw err;
      } finally {
        await context.close().catch(() => {});
      }
    });
  };
}

// ---------------------------------------------------------------------------
// Page helpers
// ---------------------------------------------------------------------------

/** Clicks `locator` and waits for the resulting page load (following redirects). Returns the final response. */
export async function clickAndWait(page, locator) {
  // waitForNavigation resolves with the response of the last redirect, so its
  // status is the status of the page that ends up displayed.
  const navigation = page.waitForNavigation({ waitUntil: 'load' });
  await locator.click();
  return navigation;
}

/** Navigates to `path` and checks the status of the page that ends up displayed. */
export async function goto(page, path, expectedStatus = 200) {
  const response = await page.goto(path);
  assert.equal(response?.status(), expectedStatus, `GET ${path} status`);
  return response;
}

export const pathOf = (page) => new URL(page.url()).pathname;

/** The text content of `locator` with whitespace collapsed. */
export async function text(locator) {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

export async function htmlLang(page) {
  return page.locator('html').getAttribute('lang');
}

export function randomSuffix() {
  return Math.random().toString(36).slice(2, 8).padEnd(6, '0');
}

/**
 * Uses the language switcher on the current page; checks that we stay on the
 * same path. With `checkHref` (the default) it first checks that the switcher
 * link points at /language/<lang>.
 */
export async function switchLanguage(page, lang, { checkHref = true } = {}) {
  const before = pathOf(page);
  const link = page.locator(`a[data-lang="${lang}"]`).first();
  if (checkHref) {
    const href = await link.getAttribute('href');
    assert.ok(href, `a[data-lang="${lang}"] has no href`);
    assert.equal(
      new URL(href, page.url()).pathname,
      `/language/${lang}`,
      `language link href should point at /language/${lang}, got ${href}`,
    );
  }
  const response = await clickAndWait(page, link);
  assert.equal(response?.status(), 200, `status after switching language to ${lang}`);
  assert.equal(await htmlLang(page), lang, `<html lang> after switching to ${lang}`);
  assert.equal(pathOf(page), before, `switching language should redirect back to ${before}`);
}

/** Fills and submits form#login on the current page. Returns the final response. */
export async function submitLogin(page, username, password) {
  const form = page.locator('form#login');
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(password);
  return clickAndWait(page, form.locator('button[type="submit"]'));
}

/** Logs in through /login and checks that we end up logged in on /. */
export async function login(page, username, password = DEMO_PASSWORD) {
  await goto(page, '/login');
  const response = await submitLogin(page, username, password);
  assert.equal(response?.status(), 200, `login as ${username} should end on a 200 page`);
  assert.equal(pathOf(page), '/', `successful login as ${username} redirects to /`);
  await page.locator('header [data-user]').waitFor({ state: 'visible' });
}
