import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class CallToRecordDto {
  @ApiProperty({ example: '+12025550143', description: 'The phone to call (yours), in E.164' })
  @IsString()
  @Matches(/^\+[1-9][0-9]{7,14}$/, {
    message: 'phone must be an E.164 number: + then 8 to 15 digits, e.g. +12025550143',
  })
  phone!: string;
}

export class UploadQueryDto {
  @ApiPropertyOptional({ example: 'message.mp3', description: 'The file’s name, shown on the page' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(/^[^/\\<>:"|?*]+$/, { message: 'name must be a file name without slashes' })
  name?: string;
}
