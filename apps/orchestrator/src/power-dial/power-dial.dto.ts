import { ApiProperty } from '@nestjs/swagger';
import { CALL_OUTCOMES } from '@phonebank/domain';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';

export class StartSessionDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectId!: string;

  @ApiProperty({
    enum: ['phone', 'voip'],
    description: 'phone: dial in from any phone; voip: WebRTC in the browser',
  })
  @IsIn(['phone', 'voip'])
  mode!: 'phone' | 'voip';
}

export class CallRequestDto {
  @ApiProperty({ description: 'Chosen by the browser per click and repeated on retries (8–64 characters)' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{8,64}$/)
  requestId!: string;
}

export const OUTCOMES = CALL_OUTCOMES;

export class OutcomeDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  attemptId!: string;

  @ApiProperty({ enum: OUTCOMES })
  @IsIn(OUTCOMES)
  outcome!: (typeof OUTCOMES)[number];

  @ApiProperty({ required: false, type: [String], description: 'Voters flagged as not reachable here' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^[0-9]{1,18}$/, { each: true })
  wrongVoterIds?: string[];
}
