import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  NotContains,
  ValidateIf,
} from 'class-validator';
import { KNOWN_CODECS, NUMBER_FORMATS, type NumberFormat } from '@phonebank/domain';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const SIP_USER = /^[A-Za-z0-9_.!~*'()&=+$,;?/%-]{1,64}$/;
const PASSWORD = /^[^\s"'<>&]{1,128}$/;
const E164 = /^\+[1-9][0-9]{6,14}$/;
const CALLER_ID_PATTERN = /^\+[1-9][0-9]{0,14}\*?$/;

/** Fields shared by create and change. Every one validated; unknown fields are refused. */
class TrunkFieldsDto {
  @ApiPropertyOptional({ example: 'sip.carrier.example', description: 'SIP host name or IPv4 address' })
  @IsOptional()
  @Matches(HOST, { message: 'sipHost must be a host name or an IPv4 address' })
  sipHost?: string;

  @ApiPropertyOptional({ example: 5060 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  sipPort?: number;

  @ApiPropertyOptional({ enum: ['udp', 'tcp', 'tls'] })
  @IsOptional()
  @IsIn(['udp', 'tcp', 'tls'])
  transport?: 'udp' | 'tcp' | 'tls';

  @ApiPropertyOptional({ nullable: true, description: 'digest user name; null removes the credentials' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(SIP_USER, { message: 'username may hold letters, digits and SIP user characters (1–64)' })
  username?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    writeOnly: true,
    description: 'write-only: never returned; omit to keep the stored one, null to remove it',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(PASSWORD, { message: 'password must be 1–128 characters without spaces, quotes, <, > or &' })
  password?: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'carrier.example' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(HOST, { message: 'fromDomain must be a host name' })
  fromDomain?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    description: 'user part of From when the carrier wants an account id there',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(SIP_USER, { message: 'fromUser may hold letters, digits and SIP user characters (1–64)' })
  fromUser?: string | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['+1202555*', '+15557654321'],
    description:
      'caller IDs the carrier allows: E.164 numbers or prefixes ending in *; empty = any verified caller ID',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(CALLER_ID_PATTERN, {
    each: true,
    message: 'each allowed caller ID is +digits, optionally ending in *',
  })
  allowedCallerIds?: string[];

  @ApiPropertyOptional({
    nullable: true,
    example: '+12025550100',
    description: 'used when the project’s caller ID is not allowed',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(E164, { message: 'defaultCallerId must be an E.164 number' })
  defaultCallerId?: string | null;

  @ApiPropertyOptional({ enum: NUMBER_FORMATS })
  @IsOptional()
  @IsIn(NUMBER_FORMATS)
  callerIdFormat?: NumberFormat;

  @ApiPropertyOptional({ enum: NUMBER_FORMATS })
  @IsOptional()
  @IsIn(NUMBER_FORMATS)
  dialFormat?: NumberFormat;

  @ApiPropertyOptional({ example: '', description: 'digits put before the dialed number (0–10 of 0-9 * #)' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9*#]{0,10}$/, { message: 'dialPrefix is 0 to 10 of 0-9, * and #' })
  dialPrefix?: string;

  @ApiPropertyOptional({ example: 30 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  maxConcurrentCalls?: number;

  @ApiPropertyOptional({
    example: 5,
    description: 'calls per second; fractions allowed (0.5 = one every 2 s)',
  })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(10000)
  maxCallsPerSecond?: number;

  @ApiPropertyOptional({
    type: [String],
    enum: KNOWN_CODECS,
    example: ['ulaw', 'alaw'],
    description: 'in order of preference',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(KNOWN_CODECS.length)
  @ArrayUnique()
  @IsIn(KNOWN_CODECS, { each: true })
  codecs?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateTrunkDto extends TrunkFieldsDto {
  @ApiProperty({
    example: 'carrier-a',
    description: 'the trunk’s key (letters, digits, - and _); cannot change',
  })
  @Matches(NAME, { message: 'name may hold letters, digits, - and _ (1 to 64)' })
  @NotContains('transport-', { message: 'name must not start with transport-' })
  declare name: string;

  @ApiProperty({ example: 'sip.carrier.example' })
  @Matches(HOST, { message: 'sipHost must be a host name or an IPv4 address' })
  declare sipHost: string;
}

export class UpdateTrunkDto extends TrunkFieldsDto {}

export class HealthQueryDto {
  @ApiPropertyOptional({ description: 'start of the period (ISO 8601); default 24 h before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'end of the period (ISO 8601); default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
