import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export interface SurveyQuestion {
  id: string;
  text: string;
  /** Each answer's tag is saved on the voter; with `group`, the voter also joins that group. */
  answers: { label: string; tag: string; group?: string }[];
}

@Entity('projects')
export class ProjectEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('text') name!: string;
  @Column('text', { name: 'time_zone' }) timeZone!: string;
  /** Minutes after local midnight. */
  @Column('smallint', { name: 'hours_start' }) hoursStart!: number;
  @Column('smallint', { name: 'hours_end' }) hoursEnd!: number;
  @Column('smallint', { array: true }) weekdays!: number[];
  @Column('text', { name: 'caller_id', nullable: true }) callerId!: string | null;
  @Column('timestamptz', { name: 'caller_id_verified_at', nullable: true }) callerIdVerifiedAt!: Date | null;
  @Column('integer', { name: 'attempt_limit', nullable: true }) attemptLimit!: number | null;
  @Column('integer', { name: 'requeue_delay_minutes', nullable: true }) requeueDelayMinutes!: number | null;
  @Column('boolean', { name: 'birthday_mode' }) birthdayMode!: boolean;
  @Column('boolean', { name: 'allow_voicemail_to_cells' }) allowVoicemailToCells!: boolean;
  @Column('text', { name: 'voicemail_recording', nullable: true }) voicemailRecording!: string | null;
  @Column('text') script!: string;
  @Column('jsonb', { name: 'survey_questions' }) surveyQuestions!: SurveyQuestion[];
  @Column('timestamptz', { name: 'archived_at', nullable: true }) archivedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity('project_access')
export class ProjectAccessEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'project_id' }) projectId!: string;
  @Column('uuid', { name: 'user_id', nullable: true }) userId!: string | null;
  @Column('uuid', { name: 'team_id', nullable: true }) teamId!: string | null;
}

@Entity('project_targets')
export class ProjectTargetEntity {
  @PrimaryColumn('uuid', { name: 'project_id' }) projectId!: string;
  @PrimaryColumn('bigint', { name: 'phone_id' }) phoneId!: string;
  @PrimaryColumn('bigint', { name: 'voter_id' }) voterId!: string;
}
