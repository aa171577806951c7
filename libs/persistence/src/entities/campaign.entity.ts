import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity('campaigns')
export class CampaignEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('integer', { name: 'default_attempt_limit', default: 3 }) defaultAttemptLimit!: number;
  @Column('integer', { name: 'default_requeue_delay_minutes', default: 30 })
  defaultRequeueDelayMinutes!: number;
  @Column('numeric', { name: 'rate_cents_per_minute', precision: 10, scale: 4, default: 2.9 })
  rateCentsPerMinute!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity('campaign_calling_rules')
export class CampaignCallingRuleEntity {
  @PrimaryColumn('uuid', { name: 'campaign_id' }) campaignId!: string;
  @PrimaryColumn('char', { length: 2 }) state!: string;
  @Column('smallint', { name: 'window_start' }) windowStart!: number;
  @Column('smallint', { name: 'window_end' }) windowEnd!: number;
  @Column('jsonb', { default: {} }) weekdays!: Record<string, { start: number; end: number } | null>;
}

@Entity('calling_zones')
export class CallingZoneEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column('text', { unique: true }) key!: string;
  @Column('text', { name: 'time_zones', array: true }) timeZones!: string[];
  @Column('text', { array: true }) states!: string[];
}

@Entity('credit_ledger')
export class CreditLedgerEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  /** Positive for a top-up, negative for usage. */
  @Column('numeric', { name: 'amount_cents', precision: 14, scale: 4 }) amountCents!: string;
  @Column('text') reason!: string;
  @Column('text', { name: 'session_ref', nullable: true }) sessionRef!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
