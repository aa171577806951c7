import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff pages for projects and voters (issue 6):
 * - voter groups: a survey answer may put the voter in a named group (SPEC §4 "tags or
 *   groups"); groups are kept beside tags and can be targeted the same way;
 * - voter import jobs: one row per CSV upload with its progress (phase, rows, bytes read) and,
 *   once finished, its result or per-line error report, so the page can follow a big import
 *   from any orchestrator instance and list recent imports.
 */
export class StaffPages1760000600000 implements MigrationInterface {
  name = 'StaffPages1760000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
ALTER TABLE voters ADD COLUMN groups text[] NOT NULL DEFAULT '{}';
CREATE INDEX voters_groups_idx ON voters USING gin (groups);

CREATE TABLE voter_imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  file_name text NOT NULL,
  total_bytes bigint CHECK (total_bytes IS NULL OR total_bytes >= 0),
  phase text NOT NULL DEFAULT 'waiting' CHECK (phase IN ('waiting', 'parsing', 'merging', 'done', 'failed')),
  rows integer NOT NULL DEFAULT 0,
  bytes bigint NOT NULL DEFAULT 0,
  result jsonb,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX voter_imports_campaign_idx ON voter_imports (campaign_id, created_at DESC);
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TABLE voter_imports;
DROP INDEX voters_groups_idx;
ALTER TABLE voters DROP COLUMN groups;
`);
  }
}
