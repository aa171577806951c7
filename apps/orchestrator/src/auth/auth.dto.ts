import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import type {
  AcceptInvitationRequest,
  InvitationRequest,
  LoginRequest,
  SurveyAnswerInput,
  SurveyAnswersRequest,
} from '../../../../libs/contracts/src/call-screen.contract';

/** Long passphrases are welcome; the cap only bounds the hashing work per request. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

export class LoginDto implements LoginRequest {
  @ApiProperty() @IsString() @MaxLength(320) email!: string;
  @ApiProperty() @IsString() @MaxLength(PASSWORD_MAX) password!: string;
}

export class InvitationDto implements InvitationRequest {
  @ApiProperty() @IsEmail() @MaxLength(320) email!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ enum: ['volunteer', 'organizer'] })
  @IsOptional()
  @IsIn(['volunteer', 'organizer'])
  role?: 'volunteer' | 'organizer';
}

export class AcceptInvitationDto implements AcceptInvitationRequest {
  @ApiProperty() @IsString() @Matches(/^[A-Za-z0-9_-]{20,100}$/) token!: string;
  @ApiProperty({ minLength: PASSWORD_MIN })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(PASSWORD_MAX)
  password!: string;
}

class SurveyAnswerDto implements SurveyAnswerInput {
  @ApiProperty() @Matches(/^\d{1,18}$/) voterId!: string;
  @ApiProperty() @IsString() @MaxLength(64) questionId!: string;
  @ApiProperty() @IsString() @MaxLength(100) tag!: string;
}

export class SurveyAnswersDto implements SurveyAnswersRequest {
  @ApiProperty({ type: [SurveyAnswerDto] })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => SurveyAnswerDto)
  answers!: SurveyAnswerDto[];
}
