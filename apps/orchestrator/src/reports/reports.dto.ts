import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MESSAGE = (name: string) => `${name} must be a day as YYYY-MM-DD`;

/** Whole days in the project's time zone, both included (at most 366). */
export class ReportRangeQueryDto {
  @ApiProperty({ example: '2026-03-01', description: 'First day (YYYY-MM-DD), in the project’s time zone' })
  @Matches(DAY, { message: DAY_MESSAGE('from') })
  @IsISO8601({ strict: true }, { message: DAY_MESSAGE('from') })
  from!: string;

  @ApiProperty({ example: '2026-03-31', description: 'Last day (YYYY-MM-DD), included' })
  @Matches(DAY, { message: DAY_MESSAGE('to') })
  @IsISO8601({ strict: true }, { message: DAY_MESSAGE('to') })
  to!: string;
}

export class VolunteerReportQueryDto extends ReportRangeQueryDto {
  @ApiPropertyOptional({ description: 'One project only (default: every project of the campaign)' })
  @IsOptional()
  @IsUUID()
  projectId?: string;
}
