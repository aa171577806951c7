import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claim's indexes, split by whether someone holds the entry (issue 3, speed).
 *
 * With one index over every queued entry, a claimed entry kept its place at the head of the
 * hand-out order until its outcome, so each claim stepped over every lease held by the other
 * volunteers (and over their dead index versions): the claim got slower with every phone out.
 * Now an entry leaves `queue_entries_claim_free_idx` the moment it is claimed
 * (`current_attempt_id` set) and comes back when its outcome or release clears it; held
 * entries sit in `queue_entries_claim_held_idx` by lease expiry, where the claim finds the
 * expired ones (an expired lease puts its phone back, at its old place in the order).
 */
export class QueuePerformance1760000300000 implements MigrationInterface {
  name = 'QueuePerformance1760000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE INDEX queue_entries_claim_free_idx ON queue_entries
  (project_id, attempts, accuracy_score DESC, queued_at, id, next_eligible_at, calling_zone_id, lease_expires_at)
  WHERE state = 'queued' AND current_attempt_id IS NULL;
CREATE INDEX queue_entries_claim_held_idx ON queue_entries (project_id, lease_expires_at)
  WHERE state = 'queued' AND current_attempt_id IS NOT NULL;
DROP INDEX queue_entries_claim_idx;
-- Every claim and outcome leaves a dead index entry at the head of the hand-out order; vacuum
-- the queue often (where autovacuum runs) instead of after 20 % of a million-row table changed.
ALTER TABLE queue_entries SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000);
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
ALTER TABLE queue_entries RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);
CREATE INDEX queue_entries_claim_idx ON queue_entries
  (project_id, attempts, accuracy_score DESC, queued_at, id, lease_expires_at, next_eligible_at, calling_zone_id)
  WHERE state = 'queued';
DROP INDEX queue_entries_claim_held_idx;
DROP INDEX queue_entries_claim_free_idx;
`);
  }
}
