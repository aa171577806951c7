import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Caller-ID verification and the project's voicemail recording (issue 6, SPEC §4).
 *
 * - `verified_caller_ids`: numbers a campaign proved it answers (a verification call where the
 *   code was typed), so another project of the campaign can use one without a new call.
 * - `caller_id_verifications`: each verification call, with its stage (compare-and-set); the
 *   code is kept only while the call runs (it is shown to campaign staff on screen).
 * - `voicemail_recordings`: the audio itself (8 kHz mono 16-bit PCM WAV) is kept here, the
 *   source of truth: an Asterisk restart or a remote Asterisk loses nothing. The PBX fetches it
 *   over HTTP by its `media_token`, a random name nobody can guess.
 * - `voicemail_recording_calls`: each "call me to record" call, with its stage.
 * `projects.voicemail_recording` names the project's recording as `voicemail:<id>`.
 */
export class CallerIdAndVoicemail1760000500000 implements MigrationInterface {
  name = 'CallerIdAndVoicemail1760000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE verified_caller_ids (
  campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  e164 text NOT NULL CHECK (e164 ~ '^\\+[1-9][0-9]{7,14}$'),
  verified_at timestamptz NOT NULL,
  verified_by uuid REFERENCES users(id) ON DELETE SET NULL,
  PRIMARY KEY (campaign_id, e164)
);

CREATE TABLE caller_id_verifications (
  id uuid PRIMARY KEY,
  campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  caller_id text NOT NULL CHECK (caller_id ~ '^\\+[1-9][0-9]{7,14}$'),
  code text CHECK (code IS NULL OR code ~ '^[0-9]{4,10}$'),
  stage text NOT NULL CHECK (stage IN ('calling', 'ringing', 'awaiting-code', 'verified', 'failed')),
  stage_entered_at timestamptz NOT NULL,
  failure text,
  wrong_tries integer NOT NULL DEFAULT 0,
  max_tries integer NOT NULL,
  requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  finished_at timestamptz,
  CHECK ((stage IN ('verified', 'failed')) = (finished_at IS NOT NULL))
);
-- One verification call at a time per project.
CREATE UNIQUE INDEX caller_id_verifications_running_idx ON caller_id_verifications (project_id) WHERE finished_at IS NULL;
CREATE INDEX caller_id_verifications_project_idx ON caller_id_verifications (project_id, created_at DESC);

CREATE TABLE voicemail_recordings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  source text NOT NULL CHECK (source IN ('phone', 'upload')),
  original_name text CHECK (original_name IS NULL OR length(original_name) <= 255),
  audio bytea NOT NULL,
  duration_ms integer NOT NULL CHECK (duration_ms > 0),
  media_token text NOT NULL UNIQUE CHECK (length(media_token) >= 32),
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX voicemail_recordings_project_idx ON voicemail_recordings (project_id, created_at DESC);

CREATE TABLE voicemail_recording_calls (
  id uuid PRIMARY KEY,
  campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  phone text NOT NULL CHECK (phone ~ '^\\+[1-9][0-9]{7,14}$'),
  stage text NOT NULL CHECK (stage IN ('calling', 'ringing', 'prompting', 'recording', 'reviewing', 'saving', 'kept', 'failed')),
  stage_entered_at timestamptz NOT NULL,
  failure text,
  take integer NOT NULL DEFAULT 1,
  recording_id uuid REFERENCES voicemail_recordings(id) ON DELETE SET NULL,
  requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  finished_at timestamptz,
  CHECK ((stage IN ('kept', 'failed')) = (finished_at IS NOT NULL))
);
CREATE UNIQUE INDEX voicemail_recording_calls_running_idx ON voicemail_recording_calls (project_id) WHERE finished_at IS NULL;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TABLE voicemail_recording_calls;
DROP TABLE voicemail_recordings;
DROP TABLE caller_id_verifications;
DROP TABLE verified_caller_ids;
`);
  }
}
