/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser, where the DOM globals exist.
import { INestApplication } from '@nestjs/common';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { newUser } from '../support/identity-factories';
import { seedClinic } from '../support/scheduling-factories';
import { BOARD_DATE, seedBoardDay } from './support/board-day';
import { launchChromium, screenshot, seriousViolations, signIn, startWebApi, watchedPage } from './support/browser';
import { expectLocator, expectPage } from './support/expect';

/** The day board (issue 24, UI.md `/board`), in real Chromium against the real API and Postgres. */
describe('web: the day board (Chromium)', () => {
  let app: INestApplication;
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let ds: DataSource;
  let day: Awaited<ReturnType<typeof seedBoardDay>>;

  beforeAll(async () => {
    ({ app, baseUrl } = await startWebApi());
    ds = app.get(DataSource);
    browser = await launchChromium();
    day = await seedBoardDay(ds);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  });
  afterEach(async () => context.close());

  async function openBoard(): Promise<{ page: Page; problems: () => string[] }> {
    const watched = await watchedPage(context);
    await signIn(watched.page, baseUrl, day.user.email, day.user.password, `/board?clinic=${day.clinicId}&date=${BOARD_DATE}`);
    await expectLocator(watched.page.getByRole('heading', { level: 1, name: 'Day board' })).toBeVisible();
    return watched;
  }

  it('shows one row per active chair and every visit with its id, status, patient, kind and flags', async () => {
    const { page, problems } = await openBoard();
    await expectLocator(page.getByText('Tuesday, 2 March 2027')).toBeVisible();
    await expectLocator(page.getByRole('banner')).toContainText(day.clinicName);
    await expectLocator(page.getByRole('banner')).toContainText(day.user.email);
    for (const chair of ['Chair 01', 'Chair 02', 'Chair 03']) await expectLocator(page.getByRole('group', { name: chair })).toBeVisible();
    await expectLocator(page.getByRole('group', { name: 'Chair 99 retired' })).toHaveCount(0);

    for (const v of day.visits) {
      const block = page.getByRole('group', { name: v.chair }).locator(`[data-appointment-id="${v.id}"]`);
      await expectLocator(block).toHaveAttribute('data-status', v.status);
      const [patient] = await ds.query(`SELECT given_name || ' ' || family_name AS name FROM patient WHERE id = $1`, [v.patientId]);
      await expectLocator(block).toContainText(patient.name);
    }
    const [ride, attended, hold] = day.visits.map((v) => page.locator(`[data-appointment-id="${v.id}"]`));
    await expectLocator(ride).toContainText('09:00–10:20');
    await expectLocator(ride).toContainText('IV infusion');
    await expectLocator(ride).toContainText('Ride not confirmed');
    await expectLocator(attended).toContainText('Checked in');
    await expectLocator(attended).toContainText('Attendance confirmed');
    await expectLocator(hold).toContainText('Spravato');
    await expectLocator(hold).toContainText('Vitals hold');
    await expectLocator(page.locator('[data-appointment-id]')).toHaveCount(3);
    expect(problems()).toEqual([]);
  });

  it('moves a day back and forth with the buttons, and the address follows', async () => {
    const { page } = await openBoard();
    await page.getByRole('button', { name: 'Next day' }).click();
    await expectPage(page).toHaveURL(/date=2027-03-03/);
    await expectLocator(page.getByText('Wednesday, 3 March 2027')).toBeVisible();
    await expectLocator(page.getByText('No visits are booked on this day.')).toBeVisible();
    await expectLocator(page.locator('[data-appointment-id]')).toHaveCount(0);
    await page.getByRole('button', { name: 'Previous day' }).click();
    await expectPage(page).toHaveURL(/date=2027-03-02/);
    await expectLocator(page.locator('[data-appointment-id]')).toHaveCount(3);
  });

  it('can be walked by keyboard: Tab reaches the visits', async () => {
    const { page } = await openBoard();
    const first = page.locator(`[data-appointment-id="${day.visits[0].id}"]`);
    await expectLocator(first).toBeVisible();
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      if (await first.evaluate((el) => el === document.activeElement)) break;
    }
    await expectLocator(first).toBeFocused();
  });

  it('has a title, one h1, a language, and no serious axe violation; screenshots at desk and phone widths', async () => {
    const { page, problems } = await openBoard();
    await expectLocator(page.locator('[data-appointment-id]')).toHaveCount(3);
    await expectPage(page).toHaveTitle(/Day board/);
    await expectLocator(page.locator('h1')).toHaveCount(1);
    await expectLocator(page.locator('html')).toHaveAttribute('lang', 'en');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'board', { width: 1440, height: 900 });
    await screenshot(page, 'board', { width: 412, height: 915 });
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems()).toEqual([]);
  });

  it('offers a clinic picker to a user of two clinics', async () => {
    const other = await seedClinic(ds, { fromDate: BOARD_DATE, days: 1, chairs: 1 });
    const [{ name }] = (await ds.query(`SELECT name FROM clinic WHERE id = $1`, [other.id])) as { name: string }[];
    const user = await newUser(ds, { role: 'nurse', clinicIds: [day.clinicId, other.id] });
    const { page } = await watchedPage(context);
    await signIn(page, baseUrl, user.email, user.password, `/board?clinic=${day.clinicId}&date=${BOARD_DATE}`);
    await expectLocator(page.locator('[data-appointment-id]')).toHaveCount(3);
    await page.getByLabel('Clinic').selectOption({ label: name });
    await expectPage(page).toHaveURL(new RegExp(`clinic=${other.id}`));
    await expectLocator(page.getByRole('group', { name: 'Chair 01' })).toBeVisible();
    await expectLocator(page.locator('[data-appointment-id]')).toHaveCount(0);
  });
});
