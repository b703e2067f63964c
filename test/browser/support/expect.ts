/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser, where the DOM globals exist.
import type { Locator, Page } from 'playwright-core';

/**
 * Waiting assertions for playwright-core, which (unlike @playwright/test) ships no `expect`:
 * each polls the page until it holds or the timeout passes, then fails with what it last saw —
 * so specs never sleep and never race the page.
 */
const TIMEOUT_MS = 10_000;

async function eventually(what: string, probe: () => Promise<{ pass: boolean; saw: unknown }>, timeout = TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const r = await probe();
      if (r.pass) return;
      last = r.saw;
    } catch (e) {
      last = e instanceof Error ? e.message.split('\n')[0] : e;
    }
    if (Date.now() > deadline) throw new Error(`expected ${what} within ${timeout} ms; last saw: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const matches = (actual: string, expected: string | RegExp): boolean =>
  typeof expected === 'string' ? actual === expected : expected.test(actual);

export function expectLocator(locator: Locator) {
  const name = locator.toString();
  return {
    toBeVisible: () => eventually(`${name} to be visible`, async () => ({ pass: await locator.isVisible(), saw: 'not visible' })),
    toHaveCount: (n: number) =>
      eventually(`${name} to match ${n} element(s)`, async () => {
        const c = await locator.count();
        return { pass: c === n, saw: c };
      }),
    toContainText: (text: string) =>
      eventually(`${name} to contain "${text}"`, async () => {
        const t = (await locator.innerText({ timeout: 1_000 })).replace(/\s+/g, ' ');
        return { pass: t.includes(text), saw: t.slice(0, 300) };
      }),
    toHaveAttribute: (attr: string, value: string) =>
      eventually(`${name} to have ${attr}="${value}"`, async () => {
        const v = await locator.getAttribute(attr, { timeout: 1_000 });
        return { pass: v === value, saw: v };
      }),
    toBeFocused: () =>
      eventually(`${name} to be focused`, async () => ({
        pass: await locator.evaluate((el) => el === document.activeElement, undefined, { timeout: 1_000 }),
        saw: 'not focused',
      })),
  };
}

export function expectPage(page: Page) {
  return {
    toHaveURL: (url: string | RegExp) =>
      eventually(`the URL to be ${url}`, async () => ({ pass: matches(page.url(), url), saw: page.url() })),
    toHaveTitle: (title: string | RegExp) =>
      eventually(`the title to be ${title}`, async () => {
        const t = await page.title();
        return { pass: matches(t, title), saw: t };
      }),
  };
}
