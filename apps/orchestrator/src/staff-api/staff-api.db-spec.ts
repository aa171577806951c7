import { Global, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { rows } from '@phonebank/persistence';
import { createTestDatabase } from '../../../../libs/persistence/src/testing/test-database';
import type { TestDatabase } from '../../../../libs/persistence/src/testing/test-database';
import {
  newCampaign,
  newProject,
  newUser,
  newVoters,
  target,
} from '../../../../libs/persistence/src/testing/factories';
import type {
  CampaignUser,
  ProjectGrants,
  ProjectSettings,
  StaffProjectSummary,
  TeamJson,
  VoterFacets,
  VoterImportJob,
} from '../../../../libs/contracts/src/staff.contract';
import { AuthModule } from '../auth/auth.module';
import { QueueApiModule } from '../queue-api/queue-api.module';
import { StaffApiModule } from './staff-api.module';
import { daytimeClock } from '../../../../tests/support/daytime-clock';
import { CLOCK } from '../clock/clock.module';

let db: TestDatabase;
const clock = daytimeClock();
let app: INestApplication;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase('pb_staff_api');
  @Global()
  @Module({ providers: [{ provide: DataSource, useValue: db.ds }], exports: [DataSource] })
  class TestDbModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [TestDbModule, QueueApiModule, AuthModule, StaffApiModule],
  })
    // Calling hours are 08:00–21:00 voter time: claim at mid-day whatever hour the tests run.
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  app = moduleRef.createNestApplication({ logger: ['error'] });
  app.setGlobalPrefix('api');
  await app.listen(0, '127.0.0.1');
  base = `${await app.getUrl()}/api`;
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

interface Answer<T> {
  status: number;
  body: T;
}

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  contentType = 'application/json',
): Promise<Answer<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

const CSV_HEADER = 'voter_id,first_name,last_name,state,time_zone,tags,phone1,phone1_score';

describe('staff API (issue 6)', () => {
  it('lets only the campaign’s admins and organizers in, and never across campaigns', async () => {
    const ds = db.ds;
    const c = await newCampaign(ds);
    const other = await newCampaign(ds);
    const organizer = await newUser(ds, c.id, 'organizer');
    const volunteer = await newUser(ds, c.id, 'volunteer');
    const telecom = await newUser(ds, c.id, 'telecom');
    const outsider = await newUser(ds, other.id, 'admin');
    const project = await newProject(ds, c.id, { name: 'Mine' });
    const team = (await call<TeamJson>('POST', '/teams', organizer.token, { name: 'Callers' })).body;
    const job = (await call<VoterImportJob>('POST', '/voter-imports', organizer.token, { fileName: 'a.csv' }))
      .body;

    const reads = [
      '/campaign/projects',
      '/campaign/users',
      '/campaign/voter-facets',
      `/projects/${project.id}/settings`,
      `/projects/${project.id}/access`,
      '/teams',
      `/voter-imports/${job.id}`,
      '/voter-imports',
    ];
    for (const path of reads) {
      expect([path, (await call('GET', path, null)).status]).toEqual([path, 401]);
      expect([path, (await call('GET', path, volunteer.token)).status]).toEqual([path, 403]);
      expect([path, (await call('GET', path, telecom.token)).status]).toEqual([path, 403]);
      expect([path, (await call('GET', path, organizer.token)).status]).toEqual([path, 200]);
    }
    // Another campaign's admin sees none of it: its own lists are empty, our ids are "not found".
    expect((await call('GET', '/campaign/projects', outsider.token)).body).toEqual([]);
    expect((await call('GET', '/teams', outsider.token)).body).toEqual([]);
    for (const path of [
      `/projects/${project.id}/settings`,
      `/projects/${project.id}/access`,
      `/voter-imports/${job.id}`,
    ])
      expect([path, (await call('GET', path, outsider.token)).status]).toEqual([path, 404]);
    expect((await call('PATCH', `/teams/${team.id}`, outsider.token, { name: 'Mine now' })).status).toBe(404);
    expect((await call('DELETE', `/teams/${team.id}`, outsider.token)).status).toBe(404);
    expect((await call('PUT', `/teams/${team.id}/members/${outsider.id}`, outsider.token)).status).toBe(404);
    expect(
      (await call('DELETE', `/projects/${project.id}/access/users/${volunteer.id}`, outsider.token)).status,
    ).toBe(404);
    expect(
      (await call('PUT', `/voter-imports/${job.id}/file`, outsider.token, `${CSV_HEADER}\n`, 'text/csv'))
        .status,
    ).toBe(404);
    // Our organizer cannot put another campaign's person into our team.
    expect((await call('PUT', `/teams/${team.id}/members/${outsider.id}`, organizer.token)).status).toBe(404);
    // Volunteers cannot write either.
    expect((await call('POST', '/teams', volunteer.token, { name: 'Mine' })).status).toBe(403);
    expect((await call('POST', '/voter-imports', volunteer.token, { fileName: 'x.csv' })).status).toBe(403);
  });

  it('validates every input', async () => {
    const ds = db.ds;
    const c = await newCampaign(ds);
    const organizer = await newUser(ds, c.id, 'organizer');
    const project = await newProject(ds, c.id);
    const bad: [string, string, unknown][] = [
      ['POST', '/teams', {}],
      ['POST', '/teams', { name: '   ' }],
      ['POST', '/teams', { name: 'A', extra: true }],
      ['POST', '/voter-imports', {}],
      ['POST', '/voter-imports', { fileName: 'a.csv', totalBytes: -1 }],
      ['PATCH', `/projects/${project.id}`, { timeZone: 'Mars/Olympus' }],
      ['PATCH', `/projects/${project.id}`, { archived: 'yes' }],
      ['PATCH', `/projects/${project.id}`, { weekdays: [0, 8] }],
      ['PATCH', `/projects/${project.id}`, { hoursStart: 2000 }],
      [
        'PATCH',
        `/projects/${project.id}`,
        { surveyQuestions: [{ id: 'q', text: 'Q?', answers: [{ label: 'Yes', tag: '' }] }] },
      ],
      [
        'PATCH',
        `/projects/${project.id}`,
        { surveyQuestions: [{ id: 'q', text: 'Q?', answers: [{ label: 'Yes', tag: 'y', colour: 'red' }] }] },
      ],
    ];
    for (const [method, path, body] of bad)
      expect([method, path, body, (await call(method, path, organizer.token, body)).status]).toEqual([
        method,
        path,
        body,
        400,
      ]);
    expect((await call('GET', '/projects/not-a-uuid/settings', organizer.token)).status).toBe(400);
    expect((await call('GET', '/voter-imports/not-a-uuid', organizer.token)).status).toBe(400);
  });

  it('shows and edits every project setting, archives, and counts the queue', async () => {
    const ds = db.ds;
    const c = await newCampaign(ds, { defaultAttemptLimit: 4, defaultRequeueDelayMinutes: 45 });
    const organizer = await newUser(ds, c.id, 'organizer');
    const volunteer = await newUser(ds, c.id, 'volunteer');
    const created = await call<{ id: string }>('POST', '/projects', organizer.token, { name: 'Persuasion' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await newVoters(ds, c.id, [
      { externalId: 'a', tags: ['x'], phones: [{ number: '2125553001' }] },
      { externalId: 'b', tags: ['x'], phones: [{ number: '2125553002' }] },
      { externalId: 'c', tags: ['y'], phones: [{ number: '2125553003' }] },
    ]);
    await target(ds, c.id, id, { tagsAny: ['x'] });

    const survey = [
      {
        id: 'support',
        text: 'Can we count on you?',
        answers: [
          { label: 'Yes', tag: 'supporter', group: 'Supporters' },
          { label: 'No', tag: 'opponent' },
        ],
      },
    ];
    const patched = await call('PATCH', `/projects/${id}`, organizer.token, {
      name: 'Persuasion (weekend)',
      timeZone: 'America/Chicago',
      hoursStart: 600,
      hoursEnd: 1200,
      weekdays: [6, 7],
      attemptLimit: 2,
      requeueDelayMinutes: 60,
      birthdayMode: true,
      allowVoicemailToCells: true,
      script: 'Hi {firstName}!',
      surveyQuestions: survey,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, name: 'Persuasion (weekend)', birthdayMode: true });
    // Another campaign's organizer cannot touch it.
    const outsider = await newUser(ds, (await newCampaign(ds)).id, 'organizer');
    expect((await call('PATCH', `/projects/${id}`, outsider.token, { name: 'Taken' })).status).toBe(404);
    const settings = await call<ProjectSettings>('GET', `/projects/${id}/settings`, organizer.token);
    expect(settings.body).toMatchObject({
      id,
      name: 'Persuasion (weekend)',
      timeZone: 'America/Chicago',
      hoursStart: 600,
      hoursEnd: 1200,
      weekdays: [6, 7],
      attemptLimit: 2,
      requeueDelayMinutes: 60,
      campaignDefaults: { attemptLimit: 4, requeueDelayMinutes: 45 },
      birthdayMode: true,
      allowVoicemailToCells: true,
      script: 'Hi {firstName}!',
      surveyQuestions: survey,
      archived: false,
      callerId: null,
      callerIdVerified: false,
      voicemailRecording: false,
      queue: { targets: 2, queued: 2, leased: 0, waiting: 0, done: {} },
    });
    // Back to the campaign's defaults with null.
    await call('PATCH', `/projects/${id}`, organizer.token, {
      attemptLimit: null,
      requeueDelayMinutes: null,
    });
    expect(
      (await call<ProjectSettings>('GET', `/projects/${id}/settings`, organizer.token)).body,
    ).toMatchObject({
      attemptLimit: null,
      requeueDelayMinutes: null,
    });

    await call('POST', `/projects/${id}/access`, organizer.token, { userIds: [volunteer.id] });
    const list = await call<StaffProjectSummary[]>('GET', '/campaign/projects', organizer.token);
    expect(list.body).toEqual([
      expect.objectContaining({
        id,
        archived: false,
        grants: 1,
        birthdayMode: true,
        queue: { targets: 2, queued: 2, leased: 0, waiting: 0, done: {} },
      }),
    ]);
    expect((await call<unknown[]>('GET', '/me/projects', volunteer.token)).body).toHaveLength(1);

    // Archived: still listed for staff (last), gone for the volunteer; and back again.
    await call('PATCH', `/projects/${id}`, organizer.token, { archived: true });
    expect(
      (await call<StaffProjectSummary[]>('GET', '/campaign/projects', organizer.token)).body[0],
    ).toMatchObject({
      archived: true,
    });
    expect((await call<unknown[]>('GET', '/me/projects', volunteer.token)).body).toEqual([]);
    expect((await call('GET', `/me/projects/${id}`, volunteer.token)).status).toBe(404);
    await call('PATCH', `/projects/${id}`, organizer.token, { archived: false });
    expect((await call<unknown[]>('GET', '/me/projects', volunteer.token)).body).toHaveLength(1);
  });

  it('grants and revokes a project for people and teams; teams give their members access', async () => {
    const ds = db.ds;
    const c = await newCampaign(ds);
    const organizer = await newUser(ds, c.id, 'organizer');
    const alice = await newUser(ds, c.id, 'volunteer');
    const bob = await newUser(ds, c.id, 'volunteer');
    const project = await newProject(ds, c.id, { name: 'Team project' });

    const team = await call<TeamJson>('POST', '/teams', organizer.token, { name: 'Saturday' });
    expect(team.status).toBe(201);
    expect((await call('POST', '/teams', organizer.token, { name: 'Saturday' })).status).toBe(400);
    const withBob = await call<TeamJson>('PUT', `/teams/${team.body.id}/members/${bob.id}`, organizer.token);
    expect(withBob.body.members.map((m) => m.id)).toEqual([bob.id]);
    // Idempotent.
    expect(
      (await call<TeamJson>('PUT', `/teams/${team.body.id}/members/${bob.id}`, organizer.token)).body.members,
    ).toHaveLength(1);

    expect(
      (
        await call('POST', `/projects/${project.id}/access`, organizer.token, {
          userIds: [alice.id],
          teamIds: [team.body.id],
        })
      ).status,
    ).toBe(204);
    const grants = await call<ProjectGrants>('GET', `/projects/${project.id}/access`, organizer.token);
    expect(grants.body.users.map((u) => u.id)).toEqual([alice.id]);
    expect(grants.body.teams).toEqual([{ id: team.body.id, name: 'Saturday', members: 1 }]);
    expect((await call<unknown[]>('GET', '/me/projects', bob.token)).body).toHaveLength(1);
    const teams = await call<TeamJson[]>('GET', '/teams', organizer.token);
    expect(teams.body[0]!.projects).toEqual([{ id: project.id, name: 'Team project' }]);
    const people = await call<CampaignUser[]>('GET', '/campaign/users', organizer.token);
    expect(people.body.find((p) => p.id === bob.id)!.teams).toEqual([{ id: team.body.id, name: 'Saturday' }]);

    // Revoke the team: Bob loses it; revoke Alice: she loses it; revoking again is "not found".
    expect(
      (await call('DELETE', `/projects/${project.id}/access/teams/${team.body.id}`, organizer.token)).status,
    ).toBe(204);
    expect((await call<unknown[]>('GET', '/me/projects', bob.token)).body).toEqual([]);
    expect(
      (await call('DELETE', `/projects/${project.id}/access/users/${alice.id}`, organizer.token)).status,
    ).toBe(204);
    expect((await call<unknown[]>('GET', '/me/projects', alice.token)).body).toEqual([]);
    expect(
      (await call('DELETE', `/projects/${project.id}/access/users/${alice.id}`, organizer.token)).status,
    ).toBe(404);

    // Rename, remove a member, delete the team.
    expect(
      (await call<TeamJson>('PATCH', `/teams/${team.body.id}`, organizer.token, { name: 'Sunday' })).body
        .name,
    ).toBe('Sunday');
    expect(
      (await call<TeamJson>('DELETE', `/teams/${team.body.id}/members/${bob.id}`, organizer.token)).body
        .members,
    ).toEqual([]);
    expect((await call('DELETE', `/teams/${team.body.id}/members/${bob.id}`, organizer.token)).status).toBe(
      404,
    );
    expect((await call('DELETE', `/teams/${team.body.id}`, organizer.token)).status).toBe(204);
    expect((await call('GET', '/teams', organizer.token)).body).toEqual([]);
  });

  it('imports a CSV as a job: the error report with nothing imported, then the fixed file, once per job', async () => {
    const ds = db.ds;
    const c = await newCampaign(ds);
    const organizer = await newUser(ds, c.id, 'admin');
    const bad = [
      CSV_HEADER,
      'V1,Ann,Lee,NY,,supporter,2125554001,80',
      'V2,Ben,,NY,,,2125554002,70',
      'V3,Cy,Wu,ZZ,,,not-a-phone,60',
    ].join('\n');
    const job = await call<VoterImportJob>('POST', '/voter-imports', organizer.token, {
      fileName: 'bad.csv',
      totalBytes: Buffer.byteLength(bad),
    });
    expect(job.body).toMatchObject({ fileName: 'bad.csv', phase: 'waiting', rows: 0, result: null });
    const failed = await call<VoterImportJob>(
      'PUT',
      `/voter-imports/${job.body.id}/file`,
      organizer.token,
      bad,
      'text/csv',
    );
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ phase: 'failed', rows: 3, result: { ok: false, errorCount: 3 } });
    expect(failed.body.result!.errors).toEqual([
      { line: 3, column: 'last_name', message: 'last_name is empty' },
      expect.objectContaining({ line: 4, column: 'state' }),
      expect.objectContaining({ line: 4, column: 'phone1' }),
    ]);
    expect(await rows(ds, 'SELECT 1 FROM voters WHERE campaign_id = $1', [c.id])).toEqual([]);
    // A job takes one file.
    expect(
      (await call('PUT', `/voter-imports/${job.body.id}/file`, organizer.token, bad, 'text/csv')).status,
    ).toBe(409);

    const good = [CSV_HEADER, 'V1,Ann,Lee,NY,,supporter,2125554001,80', 'V2,Ben,Ng,NY,,,2125554002,70'].join(
      '\n',
    );
    const job2 = await call<VoterImportJob>('POST', '/voter-imports', organizer.token, {
      fileName: 'good.csv',
    });
    const done = await call<VoterImportJob>(
      'PUT',
      `/voter-imports/${job2.body.id}/file`,
      organizer.token,
      good,
      'text/csv',
    );
    expect(done.body).toMatchObject({
      phase: 'done',
      rows: 2,
      bytes: Buffer.byteLength(good),
      error: null,
      result: { ok: true, votersInserted: 2, phonesInserted: 2, links: 2, errors: [] },
    });
    expect(done.body.finishedAt).not.toBeNull();
    expect(
      (await call<VoterImportJob>('GET', `/voter-imports/${job2.body.id}`, organizer.token)).body,
    ).toEqual(done.body);
    const recent = await call<VoterImportJob[]>('GET', '/voter-imports', organizer.token);
    expect(recent.body.map((j) => [j.fileName, j.phase])).toEqual([
      ['good.csv', 'done'],
      ['bad.csv', 'failed'],
    ]);
  });

  it('reports a job whose runner stopped touching it as stopped', async () => {
    const ds = db.ds;
    const c = await newCampaign(ds);
    const organizer = await newUser(ds, c.id, 'organizer');
    const job = await call<VoterImportJob>('POST', '/voter-imports', organizer.token, {
      fileName: 'big.csv',
    });
    await ds.query(
      `UPDATE voter_imports SET phase = 'parsing', rows = 5000, updated_at = $2::timestamptz - interval '5 minutes' WHERE id = $1`,
      [job.body.id, clock.now()],
    );
    const seen = await call<VoterImportJob>('GET', `/voter-imports/${job.body.id}`, organizer.token);
    expect(seen.body).toMatchObject({ phase: 'failed', rows: 5000 });
    expect(seen.body.error).toMatch(/upload the file again/);
  });

  it('lists facets for the pickers; survey answers put voters in groups that targeting can select', async () => {
    const ds = db.ds;
    const c = await newCampaign(ds);
    const organizer = await newUser(ds, c.id, 'organizer');
    const volunteer = await newUser(ds, c.id, 'volunteer');
    const project = await newProject(ds, c.id, {
      surveyQuestions: [
        {
          id: 'support',
          text: 'Can we count on you?',
          answers: [
            { label: 'Yes', tag: 'supporter', group: 'Supporters' },
            { label: 'No', tag: 'opponent' },
          ],
        },
      ],
    });
    await call('POST', `/projects/${project.id}/access`, organizer.token, { userIds: [volunteer.id] });
    await newVoters(ds, c.id, [
      { externalId: 'g1', state: 'NY', city: 'Albany', tags: ['a', 'b'], phones: [{ number: '2125555001' }] },
      { externalId: 'g2', state: 'NY', city: 'Albany', tags: ['a'], phones: [{ number: '2125555002' }] },
      { externalId: 'g3', state: 'CA', city: 'Fresno', tags: [], phones: [] },
    ]);
    await target(ds, c.id, project.id, { tagsAny: ['b'] });
    const claim = await call<{ kind: string; claim: { attemptId: string; voters: { id: string }[] } }>(
      'POST',
      `/projects/${project.id}/claims`,
      volunteer.token,
      {},
    );
    expect(claim.body.kind).toBe('claimed');
    const voterId = claim.body.claim.voters[0]!.id;
    const saved = await call('POST', `/me/attempts/${claim.body.claim.attemptId}/survey`, volunteer.token, {
      answers: [{ voterId, questionId: 'support', tag: 'supporter' }],
    });
    expect(saved).toMatchObject({ status: 200, body: { saved: 1 } });

    const facets = await call<VoterFacets>('GET', '/campaign/voter-facets', organizer.token);
    expect(facets.body).toEqual({
      voters: 3,
      tags: [
        { value: 'a', voters: 2 },
        { value: 'b', voters: 1 },
        { value: 'supporter', voters: 1 },
      ],
      groups: [{ value: 'Supporters', voters: 1 }],
      states: [
        { value: 'NY', voters: 2 },
        { value: 'CA', voters: 1 },
      ],
      cities: [
        { value: 'Albany', voters: 2 },
        { value: 'Fresno', voters: 1 },
      ],
    });
    expect(
      (await call('POST', '/voters/count', organizer.token, { groupsAny: ['Supporters'] })).body,
    ).toEqual({
      count: 1,
    });
    expect(
      (await call('POST', '/voters/count', organizer.token, { groupsAny: ['Supporters'], tagsNone: ['b'] }))
        .body,
    ).toEqual({ count: 0 });
  });
});
