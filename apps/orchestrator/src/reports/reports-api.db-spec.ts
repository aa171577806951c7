import { Global, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { saveSurveyAnswers } from '@phonebank/persistence';
import { createTestDatabase } from '../../../../libs/persistence/src/testing/test-database';
import type { TestDatabase } from '../../../../libs/persistence/src/testing/test-database';
import {
  callAndRecord,
  newCampaign,
  newProject,
  newUser,
  newVoters,
  target,
} from '../../../../libs/persistence/src/testing/factories';
import type {
  ProjectReportJson,
  ReportProjectOption,
  VolunteerReportJson,
} from '../../../../libs/contracts/src/reports.contract';
import { ReportsModule } from './reports.module';

let db: TestDatabase;
let app: INestApplication;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase('pb_reports_api');
  @Global()
  @Module({ providers: [{ provide: DataSource, useValue: db.ds }], exports: [DataSource] })
  class TestDbModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestDbModule, ReportsModule] }).compile();
  app = moduleRef.createNestApplication({ logger: ['error'] });
  app.setGlobalPrefix('api');
  await app.listen(0, '127.0.0.1');
  base = `${await app.getUrl()}/api`;
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function get<T = Record<string, unknown>>(path: string, token: string | null) {
  const res = await fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json');
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: (json && text ? JSON.parse(text) : null) as T,
  };
}

const SURVEY = [{ id: 'support', text: 'Support?', answers: [{ label: '=Yes', tag: 'supporter' }] }];
const DAY = 'from=2026-03-02&to=2026-03-02';

describe('reports API (issue 6)', () => {
  const ids = {
    project: '',
    otherProject: '',
    organizer: '',
    admin: '',
    volunteer: '',
    telecom: '',
    outsider: '',
  };

  beforeAll(async () => {
    const ds = db.ds;
    const c = await newCampaign(ds, { name: 'Reports API' });
    const other = await newCampaign(ds);
    const organizer = await newUser(ds, c.id, 'organizer');
    const admin = await newUser(ds, c.id, 'admin');
    const volunteer = await newUser(ds, c.id, 'volunteer');
    const telecom = await newUser(ds, c.id, 'telecom');
    const outsider = await newUser(ds, other.id, 'organizer');
    const project = await newProject(ds, c.id, { name: 'Week 1 / "list"', surveyQuestions: SURVEY });
    const otherProject = await newProject(ds, other.id, { name: 'Not yours' });
    Object.assign(ids, {
      project: project.id,
      otherProject: otherProject.id,
      organizer: organizer.token,
      admin: admin.token,
      volunteer: volunteer.token,
      telecom: telecom.token,
      outsider: outsider.token,
    });
    await newVoters(ds, c.id, [
      {
        externalId: '@V1',
        firstName: '-Dee',
        lastName: 'Smith, "DJ"',
        phones: [{ number: '2025550231', score: 90 }],
      },
      { externalId: 'V2', firstName: 'Eve', lastName: 'Ng', phones: [{ number: '2025550232', score: 80 }] },
    ]);
    await target(ds, c.id, project.id, {}, new Date('2026-03-01T00:00:00Z'));
    const first = await callAndRecord(
      ds,
      project.id,
      volunteer.id,
      new Date('2026-03-02T15:00:00Z'),
      'successful',
    );
    await callAndRecord(ds, project.id, volunteer.id, new Date('2026-03-02T15:05:00Z'), 'busy');
    await saveSurveyAnswers(ds, {
      attemptId: first.attemptId,
      userId: volunteer.id,
      now: new Date('2026-03-02T15:01:00Z'),
      answers: [{ voterId: first.voters[0]!.id, questionId: 'support', tag: 'supporter' }],
    });
  });

  it('lets in only the campaign’s admins and organizers', async () => {
    const path = `/reports/projects/${ids.project}?${DAY}`;
    expect((await get(path, null)).status).toBe(401);
    expect((await get(path, 'not-a-token')).status).toBe(401);
    expect((await get(path, ids.volunteer)).status).toBe(403);
    expect((await get(path, ids.telecom)).status).toBe(403);
    expect((await get(`/reports/volunteers?${DAY}`, ids.volunteer)).status).toBe(403);
    expect((await get(`/reports/projects/${ids.project}/results.csv?${DAY}`, ids.volunteer)).status).toBe(
      403,
    );
    expect((await get(`/reports/projects/${ids.project}/survey.csv?${DAY}`, ids.telecom)).status).toBe(403);
    expect((await get(path, ids.organizer)).status).toBe(200);
    expect((await get(path, ids.admin)).status).toBe(200);
  });

  it('never shows another campaign’s project', async () => {
    // Each side asks for the other campaign's project.
    const asked: [string, string][] = [
      [`/reports/projects/${ids.otherProject}?${DAY}`, ids.organizer],
      [`/reports/projects/${ids.otherProject}/results.csv?${DAY}`, ids.organizer],
      [`/reports/projects/${ids.otherProject}/survey.csv?${DAY}`, ids.admin],
      [`/reports/volunteers?${DAY}&projectId=${ids.otherProject}`, ids.organizer],
      [`/reports/projects/${ids.project}?${DAY}`, ids.outsider],
      [`/reports/projects/${ids.project}/results.csv?${DAY}`, ids.outsider],
      [`/reports/volunteers?${DAY}&projectId=${ids.project}`, ids.outsider],
    ];
    for (const [path, token] of asked) {
      const r = await get(path, token);
      expect({ path, status: r.status }).toEqual({ path, status: 404 });
      expect(r.text).not.toMatch(/Week 1|Not yours/);
    }
    const mine = await get<ReportProjectOption[]>('/reports/projects', ids.organizer);
    expect(mine.body.map((p) => p.id)).toEqual([ids.project]);
    const theirs = await get<ReportProjectOption[]>('/reports/projects', ids.outsider);
    expect(theirs.body.map((p) => p.id)).toEqual([ids.otherProject]);
    // The outsider's volunteer report of their own campaign has none of these calls.
    const vols = await get<VolunteerReportJson>(`/reports/volunteers?${DAY}`, ids.outsider);
    expect(vols.body.volunteers).toEqual([]);
  });

  it.each([
    ['', 'from must be a day as YYYY-MM-DD'],
    ['from=2026-03-02', 'to must be a day as YYYY-MM-DD'],
    ['from=2026-02-30&to=2026-03-02', 'from must be a day as YYYY-MM-DD'],
    ['from=03/02/2026&to=2026-03-02', 'from must be a day as YYYY-MM-DD'],
    ['from=2026-03-03&to=2026-03-02', 'is before'],
    ['from=2024-01-01&to=2026-03-02', 'at most 366 days'],
    [`${DAY}&extra=1`, 'property extra should not exist'],
  ])('refuses the query "%s"', async (query, message) => {
    const r = await get<{ message: string | string[] }>(
      `/reports/projects/${ids.project}?${query}`,
      ids.organizer,
    );
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.message)).toContain(message);
  });

  it('refuses a bad project id and a bad projectId filter', async () => {
    expect((await get(`/reports/projects/nope?${DAY}`, ids.organizer)).status).toBe(400);
    expect((await get(`/reports/volunteers?${DAY}&projectId=nope`, ids.organizer)).status).toBe(400);
  });

  it('answers the project report and the volunteer report', async () => {
    const r = await get<ProjectReportJson>(`/reports/projects/${ids.project}?${DAY}`, ids.organizer);
    expect(r.body.calls).toMatchObject({ attempts: 2, numbersDialed: 2, contacts: 1, contactRate: 50 });
    expect(r.body.survey[0]).toMatchObject({ questionId: 'support', answered: 1 });
    expect(r.body.range).toMatchObject({ from: '2026-03-02', to: '2026-03-02', timeZone: 'UTC' });
    const v = await get<VolunteerReportJson>(
      `/reports/volunteers?${DAY}&projectId=${ids.project}`,
      ids.organizer,
    );
    expect(v.body.volunteers).toHaveLength(1);
    expect(v.body.volunteers[0]).toMatchObject({ attempts: 2, contacts: 1, volunteerMs: 0 });
  });

  it('streams the CSV exports with safe escaping', async () => {
    const r = await get(`/reports/projects/${ids.project}/results.csv?${DAY}`, ids.organizer);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe(
      'attachment; filename="Week-1-list-results-2026-03-02-to-2026-03-02.csv"',
    );
    const lines = r.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]!.startsWith('attempt_id,claimed_at,')).toBe(true);
    // Formula-looking cells get a leading quote; commas and quotes are quoted.
    expect(lines[1]).toContain(`,'+12025550231,'@V1,"'-Dee Smith, ""DJ""",successful,`);
    expect(lines[2]).toContain(`,'+12025550232,V2,Eve Ng,busy,`);

    const s = await get(`/reports/projects/${ids.project}/survey.csv?${DAY}`, ids.organizer);
    expect(s.status).toBe(200);
    const answers = s.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(answers).toHaveLength(3);
    expect(answers[1]).toContain(`,'@V1,"'-Dee Smith, ""DJ""",support,Support?,supporter,'=Yes,`);
  });
});
