import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type UserRole = 'admin' | 'organizer' | 'volunteer' | 'telecom';
export const USER_ROLES: readonly UserRole[] = ['admin', 'organizer', 'volunteer', 'telecom'];

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'campaign_id', nullable: true }) campaignId!: string | null;
  @Column({ type: 'enum', enum: USER_ROLES, enumName: 'user_role' }) role!: UserRole;
  @Column('text') name!: string;
  @Column('text', { nullable: true }) email!: string | null;
  @Column('text', { name: 'api_token_hash', nullable: true, unique: true, select: false }) apiTokenHash!:
    string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity('teams')
export class TeamEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('text') name!: string;
}

@Entity('team_members')
export class TeamMemberEntity {
  @PrimaryColumn('uuid', { name: 'team_id' }) teamId!: string;
  @PrimaryColumn('uuid', { name: 'user_id' }) userId!: string;
}
