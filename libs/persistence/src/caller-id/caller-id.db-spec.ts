import { randomUUID } from 'node:crypto';
import { updateProject } from '../campaigns/projects.repository';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { newCampaign, newProject, newUser } from '../testing/factories';
import {
  insertCallerIdVerification,
  interruptRunningCallerIdVerifications,
  latestCallerIdVerification,
  listVerifiedCallerIds,
  markCallerIdVerified,
  projectCallerId,
  runningCallerIdVerification,
  saveCallerIdVerification,
  useVerifiedCallerId,
} from './caller-id.repository';

describe('caller-ID verification records (PostgreSQL)', () => {
  let db: TestDatabase;
  let campaignId: string;
  let otherCampaignId: string;
  let staffId: string;
  const now = new Date('2026-03-02T15:00:00Z');

  beforeAll(async () => {
    db = await createTestDatabase('pb_callerid');
    campaignId = (await newCampaign(db.ds)).id;
    otherCampaignId = (await newCampaign(db.ds)).id;
    staffId = (await newUser(db.ds, campaignId, 'organizer')).id;
  });
  afterAll(async () => db?.drop());

  const start = (projectId: string, callerId: string, id = randomUUID()) =>
    insertCallerIdVerification(db.ds, {
      id,
      campaignId,
      projectId,
      callerId,
      code: '482913',
      maxTries: 3,
      requestedBy: staffId,
      now,
    });

  it('a verification sets the project’s new caller ID unverified until the code is typed', async () => {
    const project = await newProject(db.ds, campaignId);
    const v = await start(project.id, '+12025550143');
    expect(v).toMatchObject({ stage: 'calling', code: '482913', callerId: '+12025550143' });
    expect(await projectCallerId(db.ds, campaignId, project.id)).toEqual({
      callerId: '+12025550143',
      verifiedAt: null,
    });
    expect((await runningCallerIdVerification(db.ds, project.id))?.id).toBe(v!.id);

    // Compare-and-set: a writer holding a stale stage changes nothing.
    expect(
      await saveCallerIdVerification(db.ds, v!.id, 'calling', {
        stage: 'ringing',
        stageEnteredAt: now,
        failure: null,
        wrongTries: 0,
      }),
    ).toBe(true);
    expect(
      await saveCallerIdVerification(db.ds, v!.id, 'calling', {
        stage: 'failed',
        stageEnteredAt: now,
        failure: 'busy',
        wrongTries: 0,
      }),
    ).toBe(false);

    expect(
      await saveCallerIdVerification(db.ds, v!.id, 'ringing', {
        stage: 'verified',
        stageEnteredAt: now,
        failure: null,
        wrongTries: 1,
      }),
    ).toBe(true);
    expect(
      await markCallerIdVerified(db.ds, {
        campaignId,
        projectId: project.id,
        callerId: '+12025550143',
        userId: staffId,
        now,
      }),
    ).toEqual({ projectVerified: true });
    const latest = await latestCallerIdVerification(db.ds, campaignId, project.id);
    expect(latest).toMatchObject({ stage: 'verified', code: null, wrongTries: 1 });
    expect(latest?.finishedAt).not.toBeNull();
    expect(await runningCallerIdVerification(db.ds, project.id)).toBeUndefined();
    expect((await projectCallerId(db.ds, campaignId, project.id))?.verifiedAt).toEqual(now);
  });

  it('only one verification runs per project at a time', async () => {
    const project = await newProject(db.ds, campaignId);
    await start(project.id, '+12025550144');
    await expect(start(project.id, '+12025550145')).rejects.toMatchObject({ code: '23505' });
  });

  it('a verified number is kept for the campaign: another project reuses it without a call', async () => {
    const first = await newProject(db.ds, campaignId);
    await markCallerIdVerified(db.ds, {
      campaignId,
      projectId: first.id,
      callerId: '+12025550150',
      userId: staffId,
      now,
    });
    expect((await listVerifiedCallerIds(db.ds, campaignId)).map((v) => v.e164)).toContain('+12025550150');
    const second = await newProject(db.ds, campaignId);
    expect(await useVerifiedCallerId(db.ds, campaignId, second.id, '+12025550150', now)).toBe(true);
    expect(await projectCallerId(db.ds, campaignId, second.id)).toEqual({
      callerId: '+12025550150',
      verifiedAt: now,
    });
    // Not a number this campaign verified; not another campaign's project.
    expect(await useVerifiedCallerId(db.ds, campaignId, second.id, '+12025550151', now)).toBe(false);
    const foreign = await newProject(db.ds, otherCampaignId);
    expect(await useVerifiedCallerId(db.ds, campaignId, foreign.id, '+12025550150', now)).toBe(false);
    expect(await listVerifiedCallerIds(db.ds, otherCampaignId)).toEqual([]);
  });

  it('a verification that ends after staff changed the number does not verify the new one', async () => {
    const project = await newProject(db.ds, campaignId);
    await start(project.id, '+12025550160');
    await updateProject(db.ds, campaignId, project.id, { callerId: '+12025550161' });
    const r = await markCallerIdVerified(db.ds, {
      campaignId,
      projectId: project.id,
      callerId: '+12025550160',
      userId: staffId,
      now,
    });
    expect(r.projectVerified).toBe(false);
    expect(await projectCallerId(db.ds, campaignId, project.id)).toEqual({
      callerId: '+12025550161',
      verifiedAt: null,
    });
  });

  it('setting a new caller ID through the project API un-verifies the project', async () => {
    const project = await newProject(db.ds, campaignId);
    await markCallerIdVerified(db.ds, {
      campaignId,
      projectId: project.id,
      callerId: '+12025550170',
      userId: staffId,
      now,
    });
    await useVerifiedCallerId(db.ds, campaignId, project.id, '+12025550170', now);
    const same = await updateProject(db.ds, campaignId, project.id, { callerId: '+12025550170' });
    expect(same.callerIdVerified).toBe(true);
    const changed = await updateProject(db.ds, campaignId, project.id, { callerId: '+12025550171' });
    expect(changed.callerIdVerified).toBe(false);
  });

  it('another campaign cannot start a verification on the project', async () => {
    const project = await newProject(db.ds, otherCampaignId);
    expect(await start(project.id, '+12025550180')).toBeUndefined();
    expect(await projectCallerId(db.ds, campaignId, project.id)).toBeUndefined();
  });

  it('calls left running by a previous run end as interrupted at boot', async () => {
    const project = await newProject(db.ds, campaignId);
    const v = await start(project.id, '+12025550190');
    expect(await interruptRunningCallerIdVerifications(db.ds, now)).toBeGreaterThanOrEqual(1);
    expect(await latestCallerIdVerification(db.ds, campaignId, project.id)).toMatchObject({
      id: v!.id,
      stage: 'failed',
      failure: 'interrupted',
      code: null,
    });
  });
});
