import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../../../libs/persistence/src/testing/test-database';
import type { TestDatabase } from '../../../../libs/persistence/src/testing/test-database';
import {
  newCampaign,
  newProject,
  newUser,
  newVoter,
  target,
} from '../../../../libs/persistence/src/testing/factories';
import { daytimeClock } from '../../../../tests/support/daytime-clock';
import { CLOCK } from '../clock/clock.module';
import { QueueApiModule } from './queue-api.module';

let db: TestDatabase;
let app: INestApplication;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase('pb_api');
  const moduleRef = await Test.createTestingModule({
    imports: [
      {
        module: class DbModule {},
        global: true,
        providers: [{ provide: DataSource, useValue: db.ds }],
        exports: [DataSource],
      },
      QueueApiModule,
    ],
  })
    // Calling hours are 08:00–21:00 voter time: claim at mid-day whatever hour the tests run.
    .overrideProvider(CLOCK)
    .useValue(daytimeClock())
    .compile();
  app = moduleRef.createNestApplication();
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const call = async (method: string, path: string, token: string | null, body?: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
};

describe('queue REST API', () => {
  it('authenticates, scopes to the campaign, lets a volunteer reach only granted projects, validates input', async () => {
    const ds = db.ds;
    const c = await newCampaign(ds);
    const other = await newCampaign(ds);
    const organizer = await newUser(ds, c.id, 'organizer');
    const volunteer = await newUser(ds, c.id, 'volunteer');
    const outsider = await newUser(ds, other.id, 'organizer');
    const project = await newProject(ds, c.id);
    await newVoter(ds, c.id, { phones: [{ number: '2125552000' }] });
    await target(ds, c.id, project.id, {});

    expect((await call('GET', '/projects', null)).status).toBe(401);
    expect((await call('GET', '/projects', 'nope')).status).toBe(401);
    expect((await call('GET', '/projects', volunteer.token)).body).toEqual([]);
    expect((await call('POST', `/projects/${project.id}/claims`, volunteer.token, {})).status).toBe(404);
    expect((await call('POST', `/projects/${project.id}/claims`, outsider.token, {})).status).toBe(404);
    expect(
      (await call('POST', `/projects/${project.id}/access`, volunteer.token, { userIds: [volunteer.id] }))
        .status,
    ).toBe(403);
    expect(
      (
        await call('POST', `/projects/${project.id}/access`, organizer.token, {
          userIds: [volunteer.id],
          extra: 1,
        })
      ).status,
    ).toBe(400);
    expect(
      (await call('POST', `/projects/${project.id}/access`, organizer.token, { userIds: [volunteer.id] }))
        .status,
    ).toBe(204);

    const claimed = await call('POST', `/projects/${project.id}/claims`, volunteer.token, {
      leaseSeconds: 120,
    });
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ kind: 'claimed', claim: { phone: { e164: '+12125552000' } } });
    const attemptId = (claimed.body!.claim as { attemptId: string }).attemptId;
    expect(
      (await call('POST', `/attempts/${attemptId}/outcome`, volunteer.token, { outcome: 'maybe' })).status,
    ).toBe(400);
    expect(
      (await call('POST', `/attempts/${attemptId}/outcome`, outsider.token, { outcome: 'busy' })).status,
    ).toBe(404);
    const ok = await call('POST', `/attempts/${attemptId}/outcome`, volunteer.token, {
      outcome: 'successful',
    });
    expect(ok).toMatchObject({ status: 200, body: { applied: true } });
    expect(
      (await call('POST', `/attempts/${attemptId}/outcome`, volunteer.token, { outcome: 'successful' })).body,
    ).toMatchObject({ applied: false });
    expect(
      (await call('POST', `/attempts/${attemptId}/outcome`, volunteer.token, { outcome: 'refused' })).status,
    ).toBe(409);
    expect((await call('POST', `/projects/${project.id}/claims`, volunteer.token, {})).body).toEqual({
      kind: 'empty',
    });
  });
});
