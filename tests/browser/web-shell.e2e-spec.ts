/**
 * The web app shell in a real browser (Debian's Chromium driven by playwright-core), served by
 * the orchestrator's WebModule alone: no API is mounted, so every /api call answers 404, which
 * is how the login page must behave when the server cannot log anyone in.
 *
 * Needs the built app: `npm run build:web` (dist/web/browser). Screenshots go to tests/screenshots/.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { WebModule } from '../../apps/orchestrator/src/web/web.module';
import {
  BROWSER_DIR,
  SCREENSHOTS,
  assertPrerequisites,
  launchBrowser,
  type Browser,
} from './support/browser-app.harness';

async function startWeb(browserDir: string): Promise<{ app: INestApplication; baseUrl: string }> {
  const app = await NestFactory.create(WebModule.forRoot({ browserDir }), { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

describe('web app shell (browser)', () => {
  let app: INestApplication | undefined;
  let baseUrl = '';
  let browser: Browser | undefined;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    assertPrerequisites();
    ({ app, baseUrl } = await startWeb(BROWSER_DIR));
    browser = await launchBrowser();
    ({ page, pageErrors } = browser);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('sends a visitor who is not logged in to a labelled login form, in a sensible focus order', async () => {
    await page.goto(`${baseUrl}/`);
    await page.waitForURL(/\/login\?returnUrl=%2Fprojects$/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Log in');
    await expect(page.title()).resolves.toBe('Log in · Phone bank');

    const email = page.getByLabel('Email');
    const password = page.getByLabel('Password');
    await expect(email.getAttribute('type')).resolves.toBe('email');
    await expect(email.getAttribute('autocomplete')).resolves.toBe('username');
    await expect(password.getAttribute('type')).resolves.toBe('password');
    await expect(password.getAttribute('autocomplete')).resolves.toBe('current-password');

    const focused = async () => {
      const element = page.locator(':focus');
      return (await element.getAttribute('id')) || (await element.textContent())?.trim();
    };
    const order: Array<string | undefined> = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      order.push(await focused());
    }
    expect(order).toEqual(['Skip to main content', 'Phone bank', 'login-email', 'login-password', 'Log in']);
    await page.screenshot({ path: join(SCREENSHOTS, 'login.png'), fullPage: true });
  });

  it('explains empty fields next to them and moves focus to the first one', async () => {
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Enter your email address.').waitFor();
    await expect(page.getByLabel('Email').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByLabel('Email').getAttribute('aria-describedby')).resolves.toBe(
      'login-email-error',
    );
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('login-email');
  });

  it('shows a clear error when the server cannot log the volunteer in', async () => {
    await page.getByLabel('Email').fill('volunteer@example.org');
    await page.getByLabel('Password').fill('not-a-real-password');
    const answer = page.waitForResponse(
      (r) => r.url().endsWith('/api/auth/login') && r.request().method() === 'POST',
    );
    await page.getByLabel('Password').press('Enter');
    expect((await answer).status()).toBe(404);

    const alert = page.getByRole('alert').filter({ hasText: 'log you in' });
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain(
      'The server does not offer this yet (HTTP 404): could not log you in.',
    );
    await expect(page.getByRole('button', { name: 'Log in' }).isEnabled()).resolves.toBe(true);
    expect(page.url()).toContain('/login');
    await page.screenshot({ path: join(SCREENSHOTS, 'login-error.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('serves the app for its own routes and keeps server paths and missing files as 404s', async () => {
    const deepLink = await fetch(`${baseUrl}/projects/p1/call`);
    expect(deepLink.status).toBe(200);
    expect(deepLink.headers.get('content-type')).toContain('text/html');
    expect(deepLink.headers.get('cache-control')).toBe('no-cache');
    expect(deepLink.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await deepLink.text();
    expect(html).toContain('<pb-root>');

    const script = /src="(main-[A-Z0-9]{8}\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${baseUrl}/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');

    for (const path of [
      '/api/auth/me',
      '/socket.io/',
      '/health',
      '/missing-file.js',
      '/..%2f..%2fpackage.json',
    ]) {
      const response = await fetch(`${baseUrl}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect({ path, type: response.headers.get('content-type') }).not.toEqual({
        path,
        type: expect.stringContaining('text/html'),
      });
    }
  });

  it('says how to build the app when it has not been built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'phonebank-no-web-'));
    const unbuilt = await startWeb(empty);
    try {
      const response = await fetch(`${unbuilt.baseUrl}/login`);
      expect(response.status).toBe(503);
      await expect(response.text()).resolves.toContain('npm run build:web');
      expect((await fetch(`${unbuilt.baseUrl}/api/anything`)).status).toBe(404);
    } finally {
      await unbuilt.app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
