import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { io, type Socket } from 'socket.io-client';
import { createTestDatabase } from '../../../../libs/persistence/src/testing/test-database';
import type { TestDatabase } from '../../../../libs/persistence/src/testing/test-database';
import {
  newCampaign,
  newProject,
  newUser,
  newVoter,
  target,
} from '../../../../libs/persistence/src/testing/factories';
import type {
  DashboardClientEvents,
  DashboardServerEvents,
  DashboardSnapshotJson,
} from '../../../../libs/contracts/src/dnc-credits-dashboard.contract';
import { QueueApiModule } from '../queue-api/queue-api.module';
import { CreditsModule } from '../credits/credits.module';
import { DncModule } from '../dnc/dnc.module';
import { DashboardModule } from './dashboard.module';
import { daytimeClock } from '../../../../tests/support/daytime-clock';
import { CLOCK } from '../clock/clock.module';

let db: TestDatabase;
let app: INestApplication;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase('pb_staff_api');
  const moduleRef = await Test.createTestingModule({
    imports: [
      {
        module: class DbModule {},
        global: true,
        providers: [{ provide: DataSource, useValue: db.ds }],
        exports: [DataSource],
      },
      QueueApiModule,
      DncModule,
      CreditsModule,
      DashboardModule,
    ],
  })
    // Calling hours are 08:00–21:00 voter time: claim at mid-day whatever hour the tests run.
    .overrideProvider(CLOCK)
    .useValue(daytimeClock())
    .compile();
  app = moduleRef.createNestApplication();
  await app.listen(0, '127.0.0.1');
  base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

type Json = Record<string, unknown> & { items?: Record<string, unknown>[] };
const call = async (
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  contentType = 'application/json',
) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Json | null = null;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    json = null;
  }
  return { status: res.status, body: json, text, type: res.headers.get('content-type') ?? '' };
};

async function staff() {
  const c = await newCampaign(db.ds);
  const other = await newCampaign(db.ds);
  return {
    c,
    other,
    admin: await newUser(db.ds, c.id, 'admin'),
    organizer: await newUser(db.ds, c.id, 'organizer'),
    volunteer: await newUser(db.ds, c.id, 'volunteer'),
    telecom: await newUser(db.ds, c.id, 'telecom'),
    outsider: await newUser(db.ds, other.id, 'organizer'),
    outsiderAdmin: await newUser(db.ds, other.id, 'admin'),
  };
}

describe('DNC REST API', () => {
  it('is for campaign staff only, validates input, keeps each campaign to its own list', async () => {
    const s = await staff();
    const routes: [string, string, unknown?, string?][] = [
      ['GET', '/dnc'],
      ['POST', '/dnc', { number: '2125556001', reason: 'x' }],
      ['POST', '/dnc/remove', { number: '2125556001', reason: 'x' }],
      ['POST', '/dnc/import?reason=x', 'phone\n2125556001\n', 'text/csv'],
      ['GET', '/dnc/export.csv'],
      ['GET', '/dnc/audit'],
    ];
    for (const [method, path, body, type] of routes) {
      expect((await call(method, path, null, body, type)).status).toBe(401);
      expect((await call(method, path, s.volunteer.token, body, type)).status).toBe(403);
      expect((await call(method, path, s.telecom.token, body, type)).status).toBe(403);
    }

    const org = s.organizer.token;
    expect(await call('POST', '/dnc', org, { number: '555', reason: 'x' })).toMatchObject({
      status: 400,
      body: { code: 'INVALID_INPUT' },
    });
    expect((await call('POST', '/dnc', org, { number: '2125556001' })).status).toBe(400);
    expect((await call('POST', '/dnc', org, { number: '2125556001', reason: 'x', extra: 1 })).status).toBe(
      400,
    );
    expect((await call('POST', '/dnc', org, { number: '2125556001', reason: '   ' })).status).toBe(400);
    expect((await call('GET', '/dnc?pageSize=1000', org)).status).toBe(400);
    expect((await call('GET', '/dnc?page=0', org)).status).toBe(400);
    expect((await call('GET', '/dnc?sort=x', org)).status).toBe(400);

    const added = await call('POST', '/dnc', org, { number: '(212) 555-6001', reason: 'Asked by phone' });
    expect(added).toMatchObject({ status: 201, body: { e164: '+12125556001', changed: true } });
    await call('POST', '/dnc', s.admin.token, { number: '212-555-6002', reason: 'Letter' });
    const list = await call('GET', '/dnc?page=1&pageSize=1', org);
    expect(list.body).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect((await call('GET', '/dnc?search=6001', org)).body!.items).toEqual([
      expect.objectContaining({
        e164: '+12125556001',
        reason: 'Asked by phone',
        addedBy: expect.any(Object),
      }),
    ]);

    // Another campaign sees none of it and cannot take it off.
    expect((await call('GET', '/dnc', s.outsider.token)).body).toMatchObject({ total: 0, items: [] });
    expect((await call('GET', '/dnc/audit', s.outsider.token)).body).toMatchObject({ total: 0 });
    expect(
      await call('POST', '/dnc/remove', s.outsider.token, { number: '2125556001', reason: 'x' }),
    ).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    });
    expect((await call('GET', '/dnc/export.csv', s.outsider.token)).text.trim().split('\r\n')).toHaveLength(
      1,
    );

    // Import: the default reason is required; bad lines are reported and nothing is listed.
    expect((await call('POST', '/dnc/import', org, 'phone\n2125556003\n', 'text/csv')).status).toBe(400);
    const bad = await call(
      'POST',
      '/dnc/import?reason=state%20list',
      org,
      'phone\n2125556003\nnope\n',
      'text/csv',
    );
    expect(bad).toMatchObject({
      status: 200,
      body: { ok: false, errorCount: 1, errors: [{ line: 3, column: 'phone' }] },
    });
    const good = await call(
      'POST',
      '/dnc/import?reason=state%20list',
      org,
      'phone\n2125556003\n2125556001\n',
      'text/csv',
    );
    expect(good.body).toMatchObject({ ok: true, added: 1, alreadyListed: 1 });

    const csv = await call('GET', '/dnc/export.csv', org);
    expect(csv.type).toContain('text/csv');
    expect(csv.text.trim().split('\r\n')).toHaveLength(4);

    expect(
      await call('POST', '/dnc/remove', org, { number: '+12125556001', reason: 'mistake' }),
    ).toMatchObject({
      status: 200,
      body: { e164: '+12125556001', changed: true },
    });
    const audit = await call('GET', '/dnc/audit?pageSize=10', org);
    expect(audit.body!.items!.map((a) => [a.action, a.source, a.e164])).toEqual([
      ['remove', 'manual', '+12125556001'],
      ['add', 'import', '+12125556003'],
      ['add', 'manual', '+12125556002'],
      ['add', 'manual', '+12125556001'],
    ]);
  });
});

describe('credits REST API', () => {
  it('shows the balance and ledger to campaign staff, lets only admins top up, validates, isolates', async () => {
    const s = await staff();
    for (const [method, path] of [
      ['GET', '/credits'],
      ['GET', '/credits/ledger'],
    ] as const) {
      expect((await call(method, path, null)).status).toBe(401);
      expect((await call(method, path, s.volunteer.token)).status).toBe(403);
      expect((await call(method, path, s.organizer.token)).status).toBe(200);
    }
    const topUp = { amountCents: 2500, reason: 'Invoice 7' };
    expect((await call('POST', '/credits/top-ups', s.volunteer.token, topUp)).status).toBe(403);
    expect((await call('POST', '/credits/top-ups', s.organizer.token, topUp)).status).toBe(403);
    for (const bad of [
      { amountCents: 0, reason: 'x' },
      { amountCents: 12.5, reason: 'x' },
      { amountCents: '100', reason: 'x' },
      { amountCents: 100 },
      { amountCents: 100, reason: 'x', campaignId: s.other.id },
    ])
      expect((await call('POST', '/credits/top-ups', s.admin.token, bad)).status).toBe(400);
    expect(await call('POST', '/credits/top-ups', s.admin.token, topUp)).toMatchObject({
      status: 201,
      body: { balanceCents: 2500 },
    });
    expect((await call('GET', '/credits', s.organizer.token)).body).toMatchObject({
      balanceCents: 2500,
      rateCentsPerMinute: 2.9,
      minutesLeft: 862,
    });
    expect((await call('GET', '/credits/ledger?kind=top-up', s.organizer.token)).body).toMatchObject({
      total: 1,
      items: [{ kind: 'top-up', amountCents: 2500, reason: 'Invoice 7' }],
    });
    expect((await call('GET', '/credits/ledger?kind=refund', s.organizer.token)).status).toBe(400);
    // The other campaign's staff see their own (empty) ledger.
    expect((await call('GET', '/credits', s.outsiderAdmin.token)).body).toMatchObject({ balanceCents: 0 });
    expect((await call('GET', '/credits/ledger', s.outsider.token)).body).toMatchObject({ total: 0 });
  });
});

describe('live dashboard', () => {
  type DashSocket = Socket<DashboardServerEvents, DashboardClientEvents>;
  const sockets: DashSocket[] = [];
  afterAll(() => sockets.forEach((s) => s.disconnect()));
  const connect = (token: string | undefined, timeZone?: string): DashSocket => {
    const socket: DashSocket = io(`${base}/dashboard`, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      auth: { ...(token ? { token } : {}), ...(timeZone ? { timeZone } : {}) },
    });
    sockets.push(socket);
    return socket;
  };
  const refusal = (socket: DashSocket) =>
    new Promise<string>((resolve, reject) => {
      socket.on('connect_error', (e) => resolve(e.message));
      socket.on('connect', () => reject(new Error('connected')));
    });

  it('GET /dashboard and the socket are staff-only; the socket pushes every change of the own campaign only', async () => {
    const s = await staff();
    expect((await call('GET', '/dashboard', s.volunteer.token)).status).toBe(403);
    expect((await call('GET', '/dashboard?timeZone=America/Chicago&x=1', s.organizer.token)).status).toBe(
      400,
    );
    const project = await newProject(db.ds, s.c.id, { name: 'Phones' });
    await newVoter(db.ds, s.c.id, { phones: [{ number: '2125557001' }] });
    await newVoter(db.ds, s.c.id, { phones: [{ number: '2125557002' }] });
    await target(db.ds, s.c.id, project.id, {});
    await call('POST', `/projects/${project.id}/access`, s.organizer.token, { userIds: [s.volunteer.id] });
    expect((await call('GET', '/dashboard?timeZone=America/Chicago', s.organizer.token)).body).toMatchObject({
      timeZone: 'America/Chicago',
      queues: [{ name: 'Phones', remaining: 2 }],
    });

    expect(await refusal(connect(undefined))).toBe('UNAUTHENTICATED');
    expect(await refusal(connect(s.volunteer.token))).toBe('FORBIDDEN');

    const mine = connect(s.organizer.token, 'America/New_York');
    const theirs = connect(s.outsider.token);
    const updates: DashboardSnapshotJson[] = [];
    const theirUpdates: DashboardSnapshotJson[] = [];
    mine.on('dashboard.update', (u) => updates.push(u));
    theirs.on('dashboard.update', (u) => theirUpdates.push(u));
    const snapshots = [mine, theirs].map(
      (socket) => new Promise<DashboardSnapshotJson>((resolve) => socket.once('dashboard.snapshot', resolve)),
    );
    const [first, theirFirst] = await Promise.all(snapshots);
    expect(first).toMatchObject({
      campaignId: s.c.id,
      timeZone: 'America/New_York',
      volunteers: [],
      calls: [],
    });
    expect(theirFirst).toMatchObject({ campaignId: s.other.id, timeZone: 'UTC' });

    const eventually = async (check: () => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };

    const claimed = await call('POST', `/projects/${project.id}/claims`, s.volunteer.token, {});
    const attemptId = (claimed.body!.claim as { attemptId: string }).attemptId;
    await eventually(() => updates.some((u) => u.calls.length === 1), 'the call to show');
    const during = updates.at(-1)!;
    expect(during.volunteers).toEqual([
      expect.objectContaining({ userId: s.volunteer.id, state: 'on-call' }),
    ]);
    expect(during.calls[0]).toMatchObject({ attemptId, stage: 'on-screen', project: { name: 'Phones' } });

    await call('POST', `/attempts/${attemptId}/outcome`, s.volunteer.token, { outcome: 'refused' });
    await eventually(() => updates.some((u) => u.outcomesToday.refused === 1), 'the outcome to show');
    expect(updates.at(-1)!).toMatchObject({
      calls: [],
      volunteers: [expect.objectContaining({ state: 'between-calls' })],
      queues: [expect.objectContaining({ remaining: 1 })],
    });
    // A DNC change shows too (the queue shrinks).
    await call('POST', '/dnc', s.organizer.token, { number: '2125557002', reason: 'asked' });
    await eventually(() => updates.at(-1)!.queues[0]!.remaining === 0, 'the DNC change to show');
    expect(theirUpdates).toEqual([]);
  });
});
