import {
  voicemailMediaRef,
  voicemailRecordingIdOf,
  type VoicemailRecordingFailure,
  type VoicemailRecordingStage,
} from '@phonebank/domain';
import { DataSource } from 'typeorm';
import type { Db } from '../sql';
import { one, returned } from '../sql';

export type VoicemailSource = 'phone' | 'upload';

/** A project's voicemail recording, without its audio. */
export interface VoicemailRecordingInfo {
  id: string;
  projectId: string;
  source: VoicemailSource;
  originalName: string | null;
  durationMs: number;
  sizeBytes: number;
  createdAt: Date;
}

interface RawInfo {
  id: string;
  project_id: string;
  source: VoicemailSource;
  original_name: string | null;
  duration_ms: number;
  size_bytes: number | string;
  created_at: Date;
}

const INFO_COLUMNS = `r.id, r.project_id, r.source, r.original_name, r.duration_ms, octet_length(r.audio) AS size_bytes, r.created_at`;

const toInfo = (r: RawInfo): VoicemailRecordingInfo => ({
  id: r.id,
  projectId: r.project_id,
  source: r.source,
  originalName: r.original_name,
  durationMs: r.duration_ms,
  sizeBytes: Number(r.size_bytes),
  createdAt: r.created_at,
});

export interface NewVoicemailRecording {
  campaignId: string;
  projectId: string;
  source: VoicemailSource;
  originalName: string | null;
  /** 8 kHz mono 16-bit PCM WAV. */
  audio: Uint8Array;
  durationMs: number;
  /** The random name the PBX fetches it by (32+ URL-safe characters). */
  mediaToken: string;
  createdBy: string | null;
  now: Date;
}

/**
 * Keep a recording as the project's voicemail message (one transaction): store it, point
 * `projects.voicemail_recording` at it, and delete the project's older recordings. Undefined
 * when the project is not the campaign's.
 */
export async function saveVoicemailRecording(
  db: Db,
  v: NewVoicemailRecording,
): Promise<VoicemailRecordingInfo | undefined> {
  const run = async (tx: Db): Promise<VoicemailRecordingInfo | undefined> => {
    const project = await one<{ id: string }>(
      tx,
      `SELECT id FROM projects WHERE id = $1 AND campaign_id = $2 AND archived_at IS NULL FOR UPDATE`,
      [v.projectId, v.campaignId],
    );
    if (!project) return undefined;
    const r = await one<RawInfo>(
      tx,
      `INSERT INTO voicemail_recordings AS r (campaign_id, project_id, source, original_name, audio, duration_ms,
         media_token, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${INFO_COLUMNS}`,
      [
        v.campaignId,
        v.projectId,
        v.source,
        v.originalName,
        Buffer.from(v.audio.buffer, v.audio.byteOffset, v.audio.byteLength),
        v.durationMs,
        v.mediaToken,
        v.createdBy,
        v.now,
      ],
    );
    await tx.query(`UPDATE projects SET voicemail_recording = $2 WHERE id = $1`, [
      v.projectId,
      voicemailMediaRef(r!.id),
    ]);
    await tx.query(`DELETE FROM voicemail_recordings WHERE project_id = $1 AND id <> $2`, [
      v.projectId,
      r!.id,
    ]);
    return toInfo(r!);
  };
  return db instanceof DataSource ? db.transaction((m) => run(m)) : run(db);
}

/**
 * What the project plays at a voicemail drop: its recording kept here, or a PBX media name an
 * operator set (`sound:…`, then `recording` is null). Undefined when not the campaign's.
 */
export async function projectVoicemail(
  db: Db,
  campaignId: string,
  projectId: string,
): Promise<{ mediaRef: string | null; recording: VoicemailRecordingInfo | null } | undefined> {
  const p = await one<{ voicemail_recording: string | null }>(
    db,
    `SELECT voicemail_recording FROM projects WHERE id = $1 AND campaign_id = $2 AND archived_at IS NULL`,
    [projectId, campaignId],
  );
  if (!p) return undefined;
  const id = voicemailRecordingIdOf(p.voicemail_recording);
  const r = id
    ? await one<RawInfo>(db, `SELECT ${INFO_COLUMNS} FROM voicemail_recordings r WHERE r.id = $1`, [id])
    : undefined;
  return { mediaRef: p.voicemail_recording, recording: r ? toInfo(r) : null };
}

/** The audio of the project's current recording (for staff to listen to), within the campaign. */
export async function projectVoicemailAudio(
  db: Db,
  campaignId: string,
  projectId: string,
): Promise<{ id: string; audio: Buffer } | undefined> {
  return one<{ id: string; audio: Buffer }>(
    db,
    `SELECT r.id, r.audio FROM projects p JOIN voicemail_recordings r ON p.voicemail_recording = 'voicemail:' || r.id
     WHERE p.id = $1 AND p.campaign_id = $2`,
    [projectId, campaignId],
  );
}

/** The audio the PBX asks for by its media token. */
export async function voicemailAudioByToken(db: Db, token: string): Promise<Buffer | undefined> {
  const r = await one<{ audio: Buffer }>(
    db,
    `SELECT audio FROM voicemail_recordings WHERE media_token = $1`,
    [token],
  );
  return r?.audio;
}

export async function voicemailMediaToken(db: Db, recordingId: string): Promise<string | undefined> {
  const r = await one<{ media_token: string }>(
    db,
    `SELECT media_token FROM voicemail_recordings WHERE id = $1`,
    [recordingId],
  );
  return r?.media_token;
}

/** The project has no voicemail message any more (the voicemail button goes away). */
export async function removeProjectVoicemail(
  db: Db,
  campaignId: string,
  projectId: string,
): Promise<boolean> {
  const r = await returned(
    db,
    `UPDATE projects SET voicemail_recording = NULL WHERE id = $1 AND campaign_id = $2 RETURNING id`,
    [projectId, campaignId],
  );
  if (r.length === 0) return false;
  await db.query(`DELETE FROM voicemail_recordings WHERE project_id = $1`, [projectId]);
  return true;
}

// ---- "call me to record" calls -------------------------------------------------------------

export interface VoicemailRecordingCallRow {
  id: string;
  campaignId: string;
  projectId: string;
  phone: string;
  stage: VoicemailRecordingStage;
  stageEnteredAt: Date;
  failure: VoicemailRecordingFailure | null;
  take: number;
  recordingId: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

interface RawCall {
  id: string;
  campaign_id: string;
  project_id: string;
  phone: string;
  stage: VoicemailRecordingStage;
  stage_entered_at: Date;
  failure: VoicemailRecordingFailure | null;
  take: number;
  recording_id: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const toCall = (r: RawCall): VoicemailRecordingCallRow => ({
  id: r.id,
  campaignId: r.campaign_id,
  projectId: r.project_id,
  phone: r.phone,
  stage: r.stage,
  stageEnteredAt: r.stage_entered_at,
  failure: r.failure,
  take: r.take,
  recordingId: r.recording_id,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

const CALL_FINISHED = new Set<VoicemailRecordingStage>(['kept', 'failed']);

/** Throws a unique violation (23505) when a recording call already runs for the project. */
export async function insertVoicemailRecordingCall(
  db: Db,
  c: {
    id: string;
    campaignId: string;
    projectId: string;
    phone: string;
    requestedBy: string | null;
    now: Date;
  },
): Promise<VoicemailRecordingCallRow> {
  const r = await one<RawCall>(
    db,
    `INSERT INTO voicemail_recording_calls (id, campaign_id, project_id, phone, stage, stage_entered_at, requested_by, created_at)
     VALUES ($1, $2, $3, $4, 'calling', $5, $6, $5) RETURNING *`,
    [c.id, c.campaignId, c.projectId, c.phone, c.now, c.requestedBy],
  );
  return toCall(r!);
}

export async function runningVoicemailRecordingCall(
  db: Db,
  projectId: string,
): Promise<VoicemailRecordingCallRow | undefined> {
  const r = await one<RawCall>(
    db,
    `SELECT * FROM voicemail_recording_calls WHERE project_id = $1 AND finished_at IS NULL`,
    [projectId],
  );
  return r && toCall(r);
}

export async function latestVoicemailRecordingCall(
  db: Db,
  campaignId: string,
  projectId: string,
): Promise<VoicemailRecordingCallRow | undefined> {
  const r = await one<RawCall>(
    db,
    `SELECT * FROM voicemail_recording_calls WHERE project_id = $1 AND campaign_id = $2 ORDER BY created_at DESC LIMIT 1`,
    [projectId, campaignId],
  );
  return r && toCall(r);
}

/** Save a recording call's new stage, compare-and-set on the stage it was read in. */
export async function saveVoicemailRecordingCall(
  db: Db,
  id: string,
  fromStage: VoicemailRecordingStage,
  next: {
    stage: VoicemailRecordingStage;
    stageEnteredAt: Date;
    failure: VoicemailRecordingFailure | null;
    take: number;
    recordingId?: string | null;
  },
): Promise<boolean> {
  const finished = CALL_FINISHED.has(next.stage);
  const r = await returned(
    db,
    `UPDATE voicemail_recording_calls SET stage = $3, stage_entered_at = $4, failure = $5, take = $6,
       recording_id = coalesce($7, recording_id),
       finished_at = CASE WHEN $8::boolean THEN coalesce(finished_at, $4) ELSE NULL END
     WHERE id = $1 AND stage = $2 RETURNING id`,
    [
      id,
      fromStage,
      next.stage,
      next.stageEnteredAt,
      next.failure,
      next.take,
      next.recordingId ?? null,
      finished,
    ],
  );
  return r.length > 0;
}

/** At boot: recording calls a previous run left running end as interrupted. */
export async function interruptRunningVoicemailRecordingCalls(db: Db, now: Date): Promise<number> {
  const r = await returned(
    db,
    `UPDATE voicemail_recording_calls SET stage = 'failed', failure = 'interrupted', stage_entered_at = $1, finished_at = $1
     WHERE finished_at IS NULL RETURNING id`,
    [now],
  );
  return r.length;
}
