import {
  CallingZoneEntity,
  CampaignCallingRuleEntity,
  CampaignEntity,
  CreditLedgerEntryEntity,
} from './campaign.entity';
import { ProjectAccessEntity, ProjectEntity, ProjectTargetEntity } from './project.entity';
import {
  CallAttemptEntity,
  CampaignDncEntity,
  InstallFlagEntity,
  NumberMarkEntity,
  QueueEntryEntity,
} from './queue.entity';
import { TeamEntity, TeamMemberEntity, UserEntity } from './user.entity';
import { PhoneEntity, VoterEntity, VoterNoteEntity, VoterPhoneEntity } from './voter.entity';

export * from './campaign.entity';
export * from './project.entity';
export * from './queue.entity';
export * from './user.entity';
export * from './voter.entity';

/** Every entity of the queue schema (issue 3). */
export const QUEUE_ENTITIES = [
  CampaignEntity,
  CampaignCallingRuleEntity,
  CallingZoneEntity,
  CreditLedgerEntryEntity,
  UserEntity,
  TeamEntity,
  TeamMemberEntity,
  VoterEntity,
  VoterNoteEntity,
  PhoneEntity,
  VoterPhoneEntity,
  ProjectEntity,
  ProjectAccessEntity,
  ProjectTargetEntity,
  QueueEntryEntity,
  CallAttemptEntity,
  CampaignDncEntity,
  NumberMarkEntity,
  InstallFlagEntity,
];
