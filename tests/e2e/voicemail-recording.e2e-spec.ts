import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { isTelephonyWav, readWavInfo, type DialSessionView } from '@phonebank/domain';
import { appendCredit, one } from '@phonebank/persistence';
import type { VoicemailStatus } from '../../libs/contracts/src/project-audio.contract';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import { newCampaign, newProject, newUser } from '../../libs/persistence/src/testing/factories';
import { VoicemailModule } from '../../apps/orchestrator/src/voicemail/voicemail.module';
import { eventually } from '../support/eventually';
import { ariSettings, asteriskCli } from '../support/local-asterisk';
import { OrchestratorHarness } from '../support/orchestrator-harness';
import { powerProject } from '../support/power-dial-fixtures';
import { RtpCapture, audible } from '../support/rtp-capture';
import { startVoterTrunk, type Sipp } from '../support/sipp';
import { answeringPhone } from '../support/staff-phone';
import { dialIn } from '../support/volunteer-phone';

/** A WAV as a sound editor exports it: 44.1 kHz stereo 16-bit, a steady 440 Hz tone. */
function toneWav(seconds: number, amplitude: number): Buffer {
  const rate = 44_100;
  const frames = rate * seconds;
  const out = Buffer.alloc(44 + frames * 4);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + frames * 4, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(2, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 4, 28);
  out.writeUInt16LE(4, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(frames * 4, 40);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / rate));
    out.writeInt16LE(v, 44 + i * 4);
    out.writeInt16LE(v, 46 + i * 4);
  }
  return out;
}

/** Mean absolute amplitude of 16-bit PCM samples. */
function loudness(wav: Uint8Array): number {
  const info = readWavInfo(wav);
  const view = new DataView(wav.buffer, wav.byteOffset + info.dataOffset, info.dataBytes);
  let sum = 0;
  const n = Math.floor(info.dataBytes / 2);
  for (let i = 0; i < n; i++) sum += Math.abs(view.getInt16(i * 2, true));
  return n ? sum / n : 0;
}

/**
 * The project's voicemail message end to end (SPEC §4): "call me to record" through the real
 * local Asterisk with a SIPp phone that talks, presses # and then 1 to keep it; and an uploaded
 * WAV played to a voter's answering machine at a voicemail drop, fetched by Asterisk from the
 * orchestrator over HTTP.
 */
describe('voicemail recording through Asterisk (SIPp staff phone, voicemail drop)', () => {
  let db: TestDatabase;
  let orchestrator: OrchestratorHarness;
  let campaignId: string;
  let token: string;
  const sipps: Sipp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('pb_voicemail_e2e');
    orchestrator = await OrchestratorHarness.start(db.url, { RING_TIMEOUT_SECONDS: '30' }, [VoicemailModule]);
    campaignId = (await newCampaign(db.ds)).id;
    token = (await newUser(db.ds, campaignId, 'organizer')).token;
  });

  afterAll(async () => {
    for (const s of sipps) await s.stop();
    await orchestrator?.close();
    await db?.drop();
  });

  const api = <T>(method: string, path: string, body?: unknown) =>
    orchestrator.api<T>(token, method, path, body);
  const status = async (projectId: string) =>
    (await api<VoicemailStatus>('GET', `/projects/${projectId}/voicemail`)).body;
  const upload = (projectId: string, bytes: Buffer, name: string) =>
    fetch(`${orchestrator.base}/api/projects/${projectId}/voicemail/file?name=${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
  const audioOf = async (projectId: string) => {
    const res = await fetch(`${orchestrator.base}/api/projects/${projectId}/voicemail/audio`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    return new Uint8Array(await res.arrayBuffer());
  };

  it('call me to record: record after the tone, # to stop, hear it back, 1 keeps it', async () => {
    const project = await newProject(db.ds, campaignId);
    const started = await api<VoicemailStatus>('POST', `/projects/${project.id}/voicemail/calls`, {
      phone: '+12025550311',
    });
    expect(started.status).toBe(201);
    expect(started.body.call).toMatchObject({ phone: '+12025550311', stage: 'calling' });
    const phone = await answeringPhone({
      // The prompt (about 6 s) and the tone; talk; #; listen to the take for a while; 1.
      steps: [{ wait: 7000 }, { talk: true }, { type: '#' }, { wait: 4000 }, { type: '1' }],
      holdMs: 20_000,
    });
    sipps.push(phone);
    const kept = await eventually(
      'the take to be kept',
      async () => {
        const s = await status(project.id);
        return s.call?.stage === 'kept' ? s : s.call?.stage === 'failed' ? s : undefined;
      },
      60_000,
    );
    expect(kept.call).toMatchObject({ stage: 'kept', failure: null, take: 1 });
    expect(kept.recording).toMatchObject({ source: 'phone' });
    expect(kept.recording!.durationMs).toBeGreaterThan(2000);
    expect(await phone.exited()).toBe(0);
    expect(phone.received('BYE')).toHaveLength(1);

    // What was kept is the phone's speech, as 8 kHz mono 16-bit PCM, in the database.
    const wav = await audioOf(project.id);
    expect(isTelephonyWav(readWavInfo(wav))).toBe(true);
    expect(loudness(wav)).toBeGreaterThan(200);
    const row = await one<{ voicemail_recording: string }>(
      db.ds,
      'SELECT voicemail_recording FROM projects WHERE id = $1',
      [project.id],
    );
    expect(row?.voicemail_recording).toBe(`voicemail:${kept.recording!.id}`);
    // The take is not left behind on Asterisk.
    const ari = ariSettings();
    const stored = await fetch(`${ari.url}/ari/recordings/stored`, {
      headers: { authorization: `Basic ${Buffer.from(`${ari.user}:${ari.password}`).toString('base64')}` },
    });
    const names = ((await stored.json()) as { name: string }[]).map((r) => r.name);
    expect(names.filter((n) => n.includes(kept.call!.id))).toEqual([]);
  });

  it('uploads: WAV and MP3 are converted to 8 kHz mono; anything else is refused with a reason', async () => {
    const project = await newProject(db.ds, campaignId);
    const wav = await upload(project.id, toneWav(2, 8000), 'tone.wav');
    expect(wav.status).toBe(200);
    const body = (await wav.json()) as VoicemailStatus;
    expect(body.recording).toMatchObject({ source: 'upload', originalName: 'tone.wav' });
    expect(Math.abs(body.recording!.durationMs - 2000)).toBeLessThan(50);
    expect(isTelephonyWav(readWavInfo(await audioOf(project.id)))).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'mp3-'));
    const mp3File = join(dir, 'tone.mp3');
    execFileSync('sox', ['-n', '-r', '44100', '-c', '2', mp3File, 'synth', '3', 'sine', '440']);
    const mp3 = await upload(project.id, readFileSync(mp3File), 'tone.mp3');
    expect(mp3.status).toBe(200);
    const mp3Body = (await mp3.json()) as VoicemailStatus;
    expect(mp3Body.recording?.originalName).toBe('tone.mp3');
    expect(Math.abs(mp3Body.recording!.durationMs - 3000)).toBeLessThan(150);

    const text = await upload(project.id, Buffer.from('this is not audio at all'), 'notes.txt');
    expect(text.status).toBe(422);
    expect(((await text.json()) as { message: string }).message).toMatch(/not a WAV or MP3/);
    const broken = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(500, 7)]);
    const bad = await upload(project.id, broken, 'broken.mp3');
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { message: string }).message).toMatch(/could not be read as audio/);
    // The last good upload stays the project's message.
    expect((await status(project.id)).recording?.originalName).toBe('tone.mp3');

    const outsider = (await newUser(db.ds, (await newCampaign(db.ds)).id, 'admin')).token;
    const peek = await fetch(`${orchestrator.base}/api/projects/${project.id}/voicemail/audio`, {
      headers: { authorization: `Bearer ${outsider}` },
    });
    expect(peek.status).toBe(404);
  });

  it('an uploaded WAV is what the voter’s machine hears at a voicemail drop', async () => {
    const voters = await startVoterTrunk();
    sipps.push(voters);
    await appendCredit(db.ds, { campaignId, amountCents: 10_000, reason: 'test top-up' });
    const projectId = await powerProject(db.ds, campaignId, [{ number: '+12025550273' }]);
    const uploaded = await upload(projectId, toneWav(6, 8000), 'message.wav');
    expect(uploaded.status).toBe(200);
    const recordingId = ((await uploaded.json()) as VoicemailStatus).recording!.id;

    const started = await api<{ sessionId: string; pin: string }>('POST', '/dial-sessions', {
      projectId,
      mode: 'phone',
    });
    expect(started.status).toBe(201);
    const sessionId = started.body.sessionId;
    const volunteer = await dialIn({ pins: [started.body.pin], holdMs: 60_000, promptMs: 800 });
    sipps.push(volunteer);
    const lastView = (): DialSessionView | undefined => orchestrator.lastView(sessionId);
    await eventually('the volunteer leg to join', () => lastView()?.stage === 'idle', 15_000);
    await api('POST', `/dial-sessions/${sessionId}/call`, { requestId: randomUUID() });
    await eventually('the machine to answer', () => lastView()?.stage === 'connected', 15_000);

    const machineHears = await RtpCapture.start(voters.mediaPort);
    const dropAt = Date.now();
    const drop = await api<{ accepted: boolean }>('POST', `/dial-sessions/${sessionId}/voicemail`);
    expect(drop.body.accepted).toBe(true);
    await eventually(
      'the recording to finish playing',
      () =>
        orchestrator.updates.some(
          (u) => u.sessionId === sessionId && u.notice?.kind === 'voicemail-finished',
        ),
      20_000,
    );
    const packets = audible(await machineHears.stop()).filter((p) => p.at >= dropAt);
    // The tone (amplitude 8000: a mean level near 5100 once through G.711) reached the machine…
    const levels = packets.map((p) => p.level).sort((a, b) => a - b);
    expect(levels.length).toBeGreaterThan(150);
    const median = levels[Math.floor(levels.length / 2)];
    expect(median).toBeGreaterThan(3500);
    expect(median).toBeLessThan(7000);
    // …fetched by Asterisk from the orchestrator over HTTP (its media cache knows the URL).
    const token = await one<{ media_token: string }>(
      db.ds,
      'SELECT media_token FROM voicemail_recordings WHERE id = $1',
      [recordingId],
    );
    expect(asteriskCli('media cache show all')).toContain(`${token!.media_token}.wav`);
    await api('POST', `/dial-sessions/${sessionId}/end`);
    await volunteer.exited();
  });
});
