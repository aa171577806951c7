/**
 * What the call-screen browser tests share: the orchestrator (HTTP API, Socket.IO gateway, the
 * built web app) on 127.0.0.1 and a random port, on a fresh test database; Debian's Chromium
 * driven by playwright-core; logging in through the real form.
 */
import 'reflect-metadata';
import { ValidationPipe, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig, type AppConfig } from '@phonebank/config';
import { daytimeZone as zoneAtMidday, type Clock } from '@phonebank/domain';
import { createUser, setPasswordHash, type Db } from '@phonebank/persistence';
import { PasswordHasher } from '../../../apps/orchestrator/src/auth/password.hasher';
import { AppConfigModule } from '../../../apps/orchestrator/src/config/config.module';
import { DatabaseModule } from '../../../apps/orchestrator/src/database/database.module';
import { CLOCK } from '../../../apps/orchestrator/src/clock/clock.module';
import { WebModule } from '../../../apps/orchestrator/src/web/web.module';
import { CollectingLogger } from '../../support/collecting-logger';

export const ROOT = resolve(__dirname, '../../..');
export const BROWSER_DIR = join(ROOT, 'dist/web/browser');
export const SCREENSHOTS = join(ROOT, 'tests/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function assertPrerequisites(): void {
  if (!existsSync(join(BROWSER_DIR, 'index.html'))) {
    throw new Error(
      `the web app is not built (no ${BROWSER_DIR}/index.html): run \`npm run build:web\` first`,
    );
  }
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
}

export interface RunningApp {
  app: INestApplication;
  baseUrl: string;
  logs: CollectingLogger;
}

/** The orchestrator with the given feature modules, as main.ts sets it up, on 127.0.0.1:random. */
export async function startOrchestrator(opts: {
  config: AppConfig;
  databaseUrl: string;
  modules: NonNullable<ModuleMetadata['imports']>;
  clock?: Clock;
}): Promise<RunningApp> {
  let builder = Test.createTestingModule({
    imports: [
      AppConfigModule.forRoot(opts.config),
      DatabaseModule.forRoot(opts.databaseUrl),
      ...opts.modules,
      WebModule.forRoot({ browserDir: BROWSER_DIR }),
    ],
  });
  if (opts.clock) builder = builder.overrideProvider(CLOCK).useValue(opts.clock);
  const moduleRef = await builder.compile();
  const logs = new CollectingLogger(process.env.TEST_LOG ? ['error', 'warn', 'log', 'debug'] : ['error']);
  const app = moduleRef.createNestApplication({ logger: logs });
  app.setGlobalPrefix('api', { exclude: ['health', 'metrics'] });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}`, logs };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  pageErrors: string[];
  close(): Promise<void>;
}

/** A headless Chromium with a phone-sized window and a throwaway profile. */
export async function launchBrowser(viewport = { width: 390, height: 844 }): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'phonebank-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in through the login form (the visitor is sent there first) and waits for "My projects". */
export async function logIn(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
  screenshot?: string,
): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.waitForURL(/\/login/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  if (screenshot) await page.screenshot({ path: join(SCREENSHOTS, screenshot), fullPage: true });
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/projects$/);
  await page.getByRole('heading', { level: 1, name: 'My projects' }).waitFor();
}

/** JSON over fetch with a bearer token (staff set-up, as a script would). */
export async function api<T>(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** An IANA zone where it is mid-day now, so the voters' 08:00–21:00 calling window is open. */
export function daytimeZone(now = new Date()): string {
  return zoneAtMidday(now);
}

/** The configuration of a test that places no call: the ARI address is never reached. */
export function configWithoutPbx(): AppConfig {
  return loadConfig({
    ASTERISK_ARI_URL: 'http://127.0.0.1:9',
    ASTERISK_ARI_PASSWORD: 'not-used-in-this-test',
  });
}

/** A user who logs in with `password` (as after an accepted invitation); also has an API token. */
export async function createLoginUser(
  db: Db,
  input: Parameters<typeof createUser>[1],
  password: string,
): ReturnType<typeof createUser> {
  const created = await createUser(db, input);
  await setPasswordHash(db, created.user.id, await new PasswordHasher().hash(password), new Date());
  return created;
}
