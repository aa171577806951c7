import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts (issue 5): passwords (scrypt, stored as a self-describing string), invitations by
 * email link and login sessions, both kept as SHA-256 hashes of the secret only; and the survey
 * answers a volunteer records for the voters on a call.
 */
export class Accounts1760000200000 implements MigrationInterface {
  name = 'Accounts1760000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
ALTER TABLE users ADD COLUMN password_hash text, ADD COLUMN password_set_at timestamptz, ADD COLUMN disabled_at timestamptz;

CREATE TABLE user_invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz
);
CREATE INDEX user_invitations_user_idx ON user_invitations (user_id);

CREATE TABLE login_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text,
  user_agent text
);
CREATE INDEX login_sessions_user_idx ON login_sessions (user_id);
CREATE INDEX login_sessions_expiry_idx ON login_sessions (expires_at);

CREATE TABLE survey_answers (
  attempt_id uuid NOT NULL REFERENCES call_attempts(id) ON DELETE CASCADE,
  voter_id bigint NOT NULL REFERENCES voters(id) ON DELETE CASCADE,
  question_id text NOT NULL,
  answer_tag text NOT NULL,
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  answered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (attempt_id, voter_id, question_id)
);
CREATE INDEX survey_answers_voter_idx ON survey_answers (voter_id);
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TABLE survey_answers;
DROP TABLE login_sessions;
DROP TABLE user_invitations;
ALTER TABLE users DROP COLUMN password_hash, DROP COLUMN password_set_at, DROP COLUMN disabled_at;
`);
  }
}
