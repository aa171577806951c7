import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

const E164 = /^\+[1-9][0-9]{7,14}$/;

export class StartCallerIdVerificationDto {
  @ApiProperty({
    example: '+12025550143',
    description: 'The caller ID to verify, in E.164 (+ and 8–15 digits)',
  })
  @IsString()
  @Matches(E164, { message: 'callerId must be an E.164 number: + then 8 to 15 digits, e.g. +12025550143' })
  callerId!: string;
}
