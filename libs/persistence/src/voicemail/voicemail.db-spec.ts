import { randomBytes, randomUUID } from 'node:crypto';
import { telephonyWav } from '@phonebank/domain';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { newCampaign, newProject } from '../testing/factories';
import {
  insertVoicemailRecordingCall,
  interruptRunningVoicemailRecordingCalls,
  latestVoicemailRecordingCall,
  projectVoicemail,
  projectVoicemailAudio,
  removeProjectVoicemail,
  runningVoicemailRecordingCall,
  saveVoicemailRecording,
  saveVoicemailRecordingCall,
  voicemailAudioByToken,
  voicemailMediaToken,
} from './voicemail.repository';

describe('voicemail recordings (PostgreSQL)', () => {
  let db: TestDatabase;
  let campaignId: string;
  let otherCampaignId: string;
  const now = new Date('2026-03-02T15:00:00Z');
  const audio = telephonyWav(Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin(i / 3))));

  beforeAll(async () => {
    db = await createTestDatabase('pb_voicemail');
    campaignId = (await newCampaign(db.ds)).id;
    otherCampaignId = (await newCampaign(db.ds)).id;
  });
  afterAll(async () => db?.drop());

  const save = (projectId: string, campaign = campaignId) =>
    saveVoicemailRecording(db.ds, {
      campaignId: campaign,
      projectId,
      source: 'upload',
      originalName: 'hello.wav',
      audio,
      durationMs: 1000,
      mediaToken: randomBytes(32).toString('base64url'),
      createdBy: null,
      now,
    });

  it('keeps the audio in the database and makes it the project’s message', async () => {
    const project = await newProject(db.ds, campaignId);
    const info = await save(project.id);
    expect(info).toMatchObject({ source: 'upload', durationMs: 1000, sizeBytes: audio.length });
    const current = await projectVoicemail(db.ds, campaignId, project.id);
    expect(current?.mediaRef).toBe(`voicemail:${info!.id}`);
    expect(current?.recording?.id).toBe(info!.id);
    const stored = await projectVoicemailAudio(db.ds, campaignId, project.id);
    expect(Buffer.compare(stored!.audio, Buffer.from(audio))).toBe(0);
    const token = await voicemailMediaToken(db.ds, info!.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.compare((await voicemailAudioByToken(db.ds, token!))!, Buffer.from(audio))).toBe(0);
    expect(await voicemailAudioByToken(db.ds, 'not-a-token')).toBeUndefined();
  });

  it('a new recording replaces the old one, whose token stops working', async () => {
    const project = await newProject(db.ds, campaignId);
    const first = await save(project.id);
    const firstToken = await voicemailMediaToken(db.ds, first!.id);
    const second = await save(project.id);
    expect((await projectVoicemail(db.ds, campaignId, project.id))?.recording?.id).toBe(second!.id);
    expect(await voicemailAudioByToken(db.ds, firstToken!)).toBeUndefined();
  });

  it('another campaign can neither save, see nor hear the project’s recording', async () => {
    const project = await newProject(db.ds, campaignId);
    await save(project.id);
    expect(await save(project.id, otherCampaignId)).toBeUndefined();
    expect(await projectVoicemail(db.ds, otherCampaignId, project.id)).toBeUndefined();
    expect(await projectVoicemailAudio(db.ds, otherCampaignId, project.id)).toBeUndefined();
    expect(await removeProjectVoicemail(db.ds, otherCampaignId, project.id)).toBe(false);
  });

  it('an operator’s PBX media name shows with no recording; removing clears both', async () => {
    const project = await newProject(db.ds, campaignId);
    await db.ds.query(`UPDATE projects SET voicemail_recording = 'sound:tt-monkeys' WHERE id = $1`, [
      project.id,
    ]);
    expect(await projectVoicemail(db.ds, campaignId, project.id)).toEqual({
      mediaRef: 'sound:tt-monkeys',
      recording: null,
    });
    await save(project.id);
    expect(await removeProjectVoicemail(db.ds, campaignId, project.id)).toBe(true);
    expect(await projectVoicemail(db.ds, campaignId, project.id)).toEqual({
      mediaRef: null,
      recording: null,
    });
  });

  it('tracks "call me to record" calls by stage, one at a time per project', async () => {
    const project = await newProject(db.ds, campaignId);
    const id = randomUUID();
    const call = await insertVoicemailRecordingCall(db.ds, {
      id,
      campaignId,
      projectId: project.id,
      phone: '+12025550199',
      requestedBy: null,
      now,
    });
    expect(call.stage).toBe('calling');
    await expect(
      insertVoicemailRecordingCall(db.ds, {
        id: randomUUID(),
        campaignId,
        projectId: project.id,
        phone: '+12025550199',
        requestedBy: null,
        now,
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const saved = await save(project.id);
    expect(
      await saveVoicemailRecordingCall(db.ds, id, 'calling', {
        stage: 'kept',
        stageEnteredAt: now,
        failure: null,
        take: 2,
        recordingId: saved!.id,
      }),
    ).toBe(true);
    expect(
      await saveVoicemailRecordingCall(db.ds, id, 'calling', {
        stage: 'failed',
        stageEnteredAt: now,
        failure: 'hung-up',
        take: 2,
      }),
    ).toBe(false);
    expect(await latestVoicemailRecordingCall(db.ds, campaignId, project.id)).toMatchObject({
      stage: 'kept',
      take: 2,
      recordingId: saved!.id,
    });
    expect(await runningVoicemailRecordingCall(db.ds, project.id)).toBeUndefined();
    expect(await latestVoicemailRecordingCall(db.ds, otherCampaignId, project.id)).toBeUndefined();
  });

  it('recording calls left running by a previous run end as interrupted at boot', async () => {
    const project = await newProject(db.ds, campaignId);
    await insertVoicemailRecordingCall(db.ds, {
      id: randomUUID(),
      campaignId,
      projectId: project.id,
      phone: '+12025550198',
      requestedBy: null,
      now,
    });
    expect(await interruptRunningVoicemailRecordingCalls(db.ds, now)).toBeGreaterThanOrEqual(1);
    expect((await latestVoicemailRecordingCall(db.ds, campaignId, project.id))?.failure).toBe('interrupted');
  });
});
