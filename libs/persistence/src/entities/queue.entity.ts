import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { CallOutcome } from '@phonebank/domain';
import { CALL_OUTCOMES } from '@phonebank/domain';

@Entity('queue_entries')
export class QueueEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'project_id' }) projectId!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('bigint', { name: 'phone_id' }) phoneId!: string;
  @Column({ type: 'enum', enum: ['queued', 'done'], enumName: 'queue_state' }) state!: 'queued' | 'done';
  @Column('text', { name: 'exit_reason', nullable: true }) exitReason!: string | null;
  @Column('timestamptz', { name: 'exited_at', nullable: true }) exitedAt!: Date | null;
  @Column('smallint', { name: 'accuracy_score' }) accuracyScore!: number;
  @Column('integer') attempts!: number;
  @Column('timestamptz', { name: 'queued_at' }) queuedAt!: Date;
  @Column('timestamptz', { name: 'next_eligible_at' }) nextEligibleAt!: Date;
  @Column('uuid', { name: 'claimed_by', nullable: true }) claimedBy!: string | null;
  @Column('timestamptz', { name: 'claimed_at', nullable: true }) claimedAt!: Date | null;
  /** '-infinity' when not leased. */
  @Column('timestamptz', { name: 'lease_expires_at' }) leaseExpiresAt!: Date;
  @Column('uuid', { name: 'current_attempt_id', nullable: true }) currentAttemptId!: string | null;
  @Column('integer', { name: 'calling_zone_id' }) callingZoneId!: number;
  @Column('smallint', { name: 'birthday_keys', array: true, nullable: true }) birthdayKeys!: number[] | null;
}

@Entity('call_attempts')
export class CallAttemptEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('uuid', { name: 'project_id' }) projectId!: string;
  @Column('bigint', { name: 'queue_entry_id' }) queueEntryId!: string;
  @Column('bigint', { name: 'phone_id' }) phoneId!: string;
  @Column('text') e164!: string;
  @Column('uuid', { name: 'user_id', nullable: true }) userId!: string | null;
  @Column('uuid', { name: 'session_id', nullable: true }) sessionId!: string | null;
  @Column('timestamptz', { name: 'claimed_at' }) claimedAt!: Date;
  @Column('timestamptz', { name: 'lease_expires_at' }) leaseExpiresAt!: Date;
  @Column('timestamptz', { name: 'released_at', nullable: true }) releasedAt!: Date | null;
  @Column('timestamptz', { name: 'dial_started_at', nullable: true }) dialStartedAt!: Date | null;
  @Column('timestamptz', { name: 'ringing_at', nullable: true }) ringingAt!: Date | null;
  @Column('timestamptz', { name: 'answered_at', nullable: true }) answeredAt!: Date | null;
  @Column('timestamptz', { name: 'voicemail_started_at', nullable: true }) voicemailStartedAt!: Date | null;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt!: Date | null;
  @Column('integer', { name: 'sip_cause', nullable: true }) sipCause!: number | null;
  @Column('integer', { name: 'q850_cause', nullable: true }) q850Cause!: number | null;
  @Column({ type: 'enum', enum: CALL_OUTCOMES, enumName: 'call_outcome', nullable: true })
  outcome!: CallOutcome | null;
  @Column('timestamptz', { name: 'outcome_at', nullable: true }) outcomeAt!: Date | null;
  @Column('uuid', { name: 'outcome_by', nullable: true }) outcomeBy!: string | null;
  @Column('bigint', { name: 'wrong_voter_ids', array: true, nullable: true }) wrongVoterIds!: string[] | null;
  @Column('integer', { name: 'duration_seconds', nullable: true }) durationSeconds!: number | null;
  @Column('text', { name: 'idempotency_key', nullable: true, unique: true }) idempotencyKey!: string | null;
}

@Entity('campaign_dnc')
export class CampaignDncEntity {
  @PrimaryColumn('uuid', { name: 'campaign_id' }) campaignId!: string;
  @PrimaryColumn('text') e164!: string;
  @Column('text') source!: string;
  @Column('timestamptz', { name: 'added_at' }) addedAt!: Date;
}

@Entity('number_marks')
export class NumberMarkEntity {
  @PrimaryColumn('text') e164!: string;
  @PrimaryColumn('uuid', { name: 'campaign_id' }) campaignId!: string;
  @PrimaryColumn('text') kind!: 'dnc' | 'wrong';
  @Column('timestamptz', { name: 'marked_at' }) markedAt!: Date;
}

@Entity('install_flags')
export class InstallFlagEntity {
  @PrimaryColumn('text') e164!: string;
  @Column('integer', { name: 'campaign_count' }) campaignCount!: number;
  @Column('timestamptz', { name: 'flagged_at' }) flaggedAt!: Date;
}
