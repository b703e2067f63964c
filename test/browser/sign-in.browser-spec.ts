/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser, where the DOM globals exist.
import { INestApplication } from '@nestjs/common';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { newUser } from '../support/identity-factories';
import { seedClinic } from '../support/scheduling-factories';
import { launchChromium, screenshot, seriousViolations, signIn, startWebApi, watchedPage } from './support/browser';
import { expectLocator, expectPage } from './support/expect';

/** Staff sign-in and the browser session (issue 24 "Sign-in"), in real Chromium against the real API. */
describe('web: staff sign-in and session (Chromium)', () => {
  let app: INestApplication;
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let ds: DataSource;

  beforeAll(async () => {
    ({ app, baseUrl } = await startWebApi());
    ds = app.get(DataSource);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  });
  afterEach(async () => context.close());

  async function scheduler() {
    const clinic = await seedClinic(ds, { fromDate: '2027-03-01', days: 1, chairs: 2 });
    return newUser(ds, { role: 'scheduler', clinicIds: [clinic.id] });
  }

  it('a wrong password shows the API’s words and no session; the right one opens the board', async () => {
    const user = await scheduler();
    const { page, problems } = await watchedPage(context);
    await signIn(page, baseUrl, user.email, 'not the password at all');
    await expectLocator(page.getByRole('alert')).toContainText('The email or password is wrong');
    await page.reload();
    await expectLocator(page.getByRole('button', { name: 'Sign in' })).toBeVisible();

    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectPage(page).toHaveURL(/\/board/);
    await expectLocator(page.getByRole('heading', { level: 1, name: 'Day board' })).toBeVisible();
    await expectLocator(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    expect(problems()).toEqual([]);
  });

  it('a reload keeps the session by a silent refresh; no token is readable by the page', async () => {
    const user = await scheduler();
    const { page, problems } = await watchedPage(context);
    await signIn(page, baseUrl, user.email, user.password);
    await expectLocator(page.getByRole('heading', { level: 1, name: 'Day board' })).toBeVisible();

    const refreshed = page.waitForResponse((r) => r.url().endsWith('/v1/auth/refresh') && r.status() === 200);
    await page.reload();
    await refreshed;
    await expectLocator(page.getByRole('heading', { level: 1, name: 'Day board' })).toBeVisible();
    await expectLocator(page.getByRole('button', { name: 'Sign in' })).toHaveCount(0);

    const stored = await page.evaluate(() => ({
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      cookie: document.cookie,
    }));
    expect(stored).toEqual({ local: '{}', session: '{}', cookie: '' });
    const cookies = await context.cookies(baseUrl + '/v1/auth/refresh');
    expect(cookies).toEqual([expect.objectContaining({ name: 'chairtime_refresh', httpOnly: true, sameSite: 'Strict', path: '/v1/auth' })]);
    expect(problems()).toEqual([]);
  });

  it('Sign out ends the session: a reload and the board both show the sign-in screen', async () => {
    const user = await scheduler();
    const { page } = await watchedPage(context);
    await signIn(page, baseUrl, user.email, user.password);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expectLocator(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expectPage(page).toHaveURL(`${baseUrl}/`);
    await page.reload();
    await expectLocator(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await page.goto(`${baseUrl}/board`);
    await expectLocator(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    expect(await context.cookies(baseUrl + '/v1/auth/refresh')).toEqual([]);
  });

  /** Answers the first request matching `pattern` with a 401, as the API does for a lapsed access token; the rest go through. */
  async function refuseOnce(page: Page, pattern: string): Promise<void> {
    let refused = false;
    await page.route(pattern, async (route) => {
      if (refused) return route.continue();
      refused = true;
      await route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 401, title: 'Unauthorized', detail: 'The access token is invalid or expired' }),
      });
    });
  }

  it('a lapsed access token is renewed once with the cookie and the call retried, unseen by the user', async () => {
    const user = await scheduler();
    const { page, problems } = await watchedPage(context);
    await signIn(page, baseUrl, user.email, user.password, '/board?date=2027-03-01');
    await expectLocator(page.getByText('No visits are booked on this day.')).toBeVisible();
    await refuseOnce(page, '**/v1/clinics/*/board?*');
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/v1/auth/refresh') && r.status() === 200);
    await page.getByRole('button', { name: 'Next day' }).click();
    await refreshed;
    await expectLocator(page.getByText('Tuesday, 2 March 2027')).toBeVisible();
    await expectLocator(page.getByText('No visits are booked on this day.')).toBeVisible();
    await expectLocator(page.getByRole('button', { name: 'Sign in' })).toHaveCount(0);
    expect(problems()).toEqual([]);
  });

  it('Sign out with a lapsed access token still ends the session (renewed, then signed out)', async () => {
    const user = await scheduler();
    const { page } = await watchedPage(context);
    await signIn(page, baseUrl, user.email, user.password);
    await expectLocator(page.getByRole('heading', { level: 1, name: 'Day board' })).toBeVisible();
    await refuseOnce(page, '**/v1/auth/logout');
    const loggedOut = page.waitForResponse((r) => r.url().endsWith('/v1/auth/logout') && r.status() === 204);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await loggedOut;
    await expectLocator(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    expect(await context.cookies(baseUrl + '/v1/auth/refresh')).toEqual([]);
    await page.reload();
    await expectLocator(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });

  it('a signed-out visit to the board signs in first and comes back to the same day', async () => {
    const user = await scheduler();
    const { page } = await watchedPage(context);
    await page.goto(`${baseUrl}/board?date=2027-03-01`);
    await expectLocator(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectPage(page).toHaveURL(/\/board\?date=2027-03-01/);
    await expectLocator(page.getByText('Monday, 1 March 2027')).toBeVisible();
  });

  it('the sign-in page has a title, one h1, a language, and no serious axe violation', async () => {
    const { page, problems } = await watchedPage(context);
    await page.goto(baseUrl + '/');
    await expectLocator(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expectPage(page).toHaveTitle(/Sign in/);
    await expectLocator(page.locator('h1')).toHaveCount(1);
    await expectLocator(page.locator('html')).toHaveAttribute('lang', 'en');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in', { width: 1440, height: 900 });
    await screenshot(page, 'sign-in', { width: 412, height: 915 });
    expect(problems()).toEqual([]);
  });
});
