import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CurrentUser, type AuthedRequest } from '../queue-api/auth.guard';
import { QueueErrorFilter } from '../queue-api/queue-error.filter';
import { DashboardService } from './dashboard.service';
import { Guarded } from '../auth/guarded.decorator';

export class DashboardQueryDto {
  @ApiPropertyOptional({
    example: 'America/New_York',
    description: '"today" is counted in this zone (default UTC)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;
}

/**
 * The live dashboard's picture once, for scripts and monitoring. The staff page gets it over
 * Socket.IO (namespace /dashboard), pushed on every change.
 */
@ApiTags('dashboard')
@Guarded(QueueErrorFilter, 'admin', 'organizer')
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @ApiOperation({ summary: 'Volunteers online, calls in progress, queues and today’s outcomes' })
  get(@CurrentUser() user: AuthedRequest['user'], @Query() q: DashboardQueryDto) {
    return this.dashboard.snapshot(user.campaignId, q.timeZone ?? 'UTC');
  }
}
