import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CALL_OUTCOMES } from '@phonebank/domain';
import type { CallOutcome } from '@phonebank/domain';

export class TargetFilterDto {
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tagsAny?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tagsAll?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tagsNone?: string[];
  @ApiPropertyOptional({ type: [String], description: 'voters in any of these groups' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  groupsAny?: string[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(130) minAge?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(130) maxAge?: number;
  @ApiPropertyOptional({ example: '03-01' }) @IsOptional() @Matches(/^\d{2}-\d{2}$/) birthdayFrom?: string;
  @ApiPropertyOptional({ example: '03-31' }) @IsOptional() @Matches(/^\d{2}-\d{2}$/) birthdayTo?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @Matches(/^[A-Za-z]{2}$/, { each: true })
  states?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  cities?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @Matches(/^\d{5}/, { each: true })
  zips?: string[];
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,5}$/) zipPrefix?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() hasPhone?: boolean;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100_000)
  @Matches(/^\d+$/, { each: true })
  voterIds?: string[];
}

export class SaveTargetsDto {
  @ApiProperty({ type: TargetFilterDto })
  @ValidateNested()
  @Type(() => TargetFilterDto)
  filter!: TargetFilterDto;
  @ApiPropertyOptional({ description: 'skip phones called in another project within this many days' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  suppressDays?: number;
}

class SurveyAnswerDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) label!: string;
  @ApiProperty({ description: 'saved on the voter' }) @IsString() @IsNotEmpty() @MaxLength(100) tag!: string;
  @ApiPropertyOptional({ description: 'the voter also joins this group' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  group?: string;
}
class SurveyQuestionDto {
  @ApiProperty() @IsString() @MaxLength(64) id!: string;
  @ApiProperty() @IsString() @MaxLength(1000) text!: string;
  @ApiProperty({ type: [SurveyAnswerDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SurveyAnswerDto)
  answers!: SurveyAnswerDto[];
}

export class UpdateProjectDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ example: 'America/New_York' })
  @IsOptional()
  @IsTimeZone({ message: 'timeZone must be an IANA time zone such as America/New_York' })
  timeZone?: string;
  @ApiPropertyOptional({ description: 'minutes after local midnight' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  hoursStart?: number;
  @ApiPropertyOptional({ description: 'minutes after local midnight' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  hoursEnd?: number;
  @ApiPropertyOptional({ type: [Number] })
  @IsOptional()
  @IsArray()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  weekdays?: number[];
  @ApiPropertyOptional({ example: '+12125550100' })
  @IsOptional()
  @Matches(/^\+[1-9]\d{7,14}$/)
  callerId?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(20) attemptLimit?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10080) requeueDelayMinutes?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() birthdayMode?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() allowVoicemailToCells?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) script?: string;
  @ApiPropertyOptional({ type: [SurveyQuestionDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SurveyQuestionDto)
  surveyQuestions?: SurveyQuestionDto[];
  @ApiPropertyOptional({ description: 'archived projects are hidden from volunteers and cannot be called' })
  @IsOptional()
  @IsBoolean()
  archived?: boolean;
}

export class CreateProjectDto extends UpdateProjectDto {
  @ApiProperty() @IsString() @MaxLength(200) declare name: string;
}

export class GrantAccessDto {
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  userIds?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  teamIds?: string[];
}

export class ClaimDto {
  @ApiPropertyOptional({ default: 300 }) @IsOptional() @IsInt() @Min(30) @Max(3600) leaseSeconds?: number;
  @ApiPropertyOptional() @IsOptional() @IsUUID() sessionId?: string;
}

export class RecordOutcomeDto {
  @ApiProperty({ enum: CALL_OUTCOMES }) @IsIn(CALL_OUTCOMES as unknown as string[]) outcome!: CallOutcome;
  @ApiPropertyOptional({ type: [String], description: 'voters not reachable on this number (wrong_number)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^\d+$/, { each: true })
  wrongVoterIds?: string[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(100) @Max(699) sipCause?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(127) q850Cause?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) durationSeconds?: number;
}

export class RenewLeaseDto {
  @ApiProperty() @IsInt() @Min(30) @Max(3600) leaseSeconds!: number;
}

export class CampaignPolicyDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(20) defaultAttemptLimit?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10080) defaultRequeueDelayMinutes?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) rateCentsPerMinute?: number;
}

export class StateRuleDto {
  @ApiProperty({ description: 'minutes after local midnight' }) @IsInt() @Min(0) @Max(1440) start!: number;
  @ApiProperty({ description: 'minutes after local midnight' }) @IsInt() @Min(0) @Max(1440) end!: number;
}

export class VoterNoteDto {
  @ApiProperty() @IsString() @MaxLength(5000) body!: string;
}
