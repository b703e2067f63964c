import { INestApplication } from '@nestjs/common';
import AxeBuilder from '@axe-core/playwright';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { startApi } from '../../support/api-app';

const ROOT = join(__dirname, '..', '..', '..');
/** Where the browser tests leave their screenshots (ignored by git; docs/ keeps the chosen ones). */
export const SCREENSHOTS = join(ROOT, 'dist', 'screenshots');

/**
 * The real API (as `startApi`) listening on a free loopback port and serving the built web app
 * (dist/web; `npm test` builds it when stale), so the browser talks to it as a clinic would.
 */
export async function startWebApi(): Promise<{ app: INestApplication; baseUrl: string }> {
  const dist = join(ROOT, 'dist', 'web');
  if (!existsSync(join(dist, 'index.html'))) throw new Error('the web app is not built: run `npm run build:web` (npm test does)');
  const app = await startApi({ WEB_DIST_DIR: dist });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${address.port}` };
}

/**
 * Debian's Chromium driven by playwright-core (no downloaded browser build). CHROMIUM_PATH
 * overrides where it is; scripts/services.mjs installs it as root when missing.
 */
export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: apt-get install -y chromium (npm test does as root), or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A page that records what must never happen: a CSP refusal (Mantine's styles blocked, a script
 * refused), an uncaught error, or a 5xx from the API. `problems()` lists them for one assertion.
 */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: () => string[] }> {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const seen: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) seen.push(`csp: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 500) seen.push(`${r.status()} ${r.url()}`);
  });
  return { page, problems: () => seen };
}

/** axe-core's serious and critical violations of the page as it is now (UI.md: there must be none). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string, path = '/'): Promise<void> {
  await page.goto(baseUrl + path);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function screenshot(page: Page, name: string, viewport: { width: number; height: number }): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize(viewport);
  const path = join(SCREENSHOTS, `${name}-${viewport.width}x${viewport.height}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
