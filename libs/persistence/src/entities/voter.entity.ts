import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity('voters')
export class VoterEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('text', { name: 'external_id' }) externalId!: string;
  @Column('text', { name: 'first_name' }) firstName!: string;
  @Column('text', { name: 'middle_name', nullable: true }) middleName!: string | null;
  @Column('text', { name: 'last_name' }) lastName!: string;
  @Column('text', { name: 'address_line1', nullable: true }) addressLine1!: string | null;
  @Column('text', { name: 'address_line2', nullable: true }) addressLine2!: string | null;
  @Column('text', { nullable: true }) city!: string | null;
  @Column('char', { length: 2, nullable: true }) state!: string | null;
  @Column('text', { nullable: true }) zip!: string | null;
  @Column('date', { nullable: true }) birthday!: string | null;
  @Column('text', { name: 'time_zone', nullable: true }) timeZone!: string | null;
  @Column('integer', { name: 'calling_zone_id' }) callingZoneId!: number;
  @Column('text', { array: true, default: '{}' }) tags!: string[];
  /** Named groups the voter belongs to (set by survey answers). */
  @Column('text', { array: true, default: '{}' }) groups!: string[];
  @Column('text', { nullable: true }) notes!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

@Entity('voter_notes')
export class VoterNoteEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('bigint', { name: 'voter_id' }) voterId!: string;
  @Column('uuid', { name: 'user_id', nullable: true }) userId!: string | null;
  @Column('text') body!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

export type PhoneStatusColumn = 'active' | 'complete' | 'voicemail_left' | 'refused' | 'dnc';
export type LineTypeColumn = 'landline' | 'cell' | 'voip' | 'unknown';

@Entity('phones')
export class PhoneEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('text') e164!: string;
  @Column('smallint', { name: 'accuracy_score' }) accuracyScore!: number;
  @Column({
    name: 'line_type',
    type: 'enum',
    enum: ['landline', 'cell', 'voip', 'unknown'],
    enumName: 'line_type',
  })
  lineType!: LineTypeColumn;
  @Column({
    type: 'enum',
    enum: ['active', 'complete', 'voicemail_left', 'refused', 'dnc'],
    enumName: 'phone_status',
  })
  status!: PhoneStatusColumn;
  @Column('timestamptz', { name: 'status_at', nullable: true }) statusAt!: Date | null;
  @Column('integer') attempts!: number;
  @Column('timestamptz', { name: 'last_attempt_at', nullable: true }) lastAttemptAt!: Date | null;
  @Column('timestamptz', { name: 'lease_expires_at' }) leaseExpiresAt!: Date;
}

@Entity('voter_phones')
export class VoterPhoneEntity {
  @PrimaryColumn('bigint', { name: 'voter_id' }) voterId!: string;
  @PrimaryColumn('bigint', { name: 'phone_id' }) phoneId!: string;
  @Column('boolean', { name: 'wrong_number', default: false }) wrongNumber!: boolean;
  @Column('timestamptz', { name: 'wrong_marked_at', nullable: true }) wrongMarkedAt!: Date | null;
  @Column('uuid', { name: 'wrong_marked_by', nullable: true }) wrongMarkedBy!: string | null;
}
