import { Controller, Get, Query, UseFilters, UseGuards, UsePipes, ValidationPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { BearerAuthGuard, CurrentUser, Roles, type AuthedRequest } from '../queue-api/auth.guard';
import { QueueErrorFilter } from '../queue-api/queue-error.filter';
import { DashboardService } from './dashboard.service';

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
@ApiBearerAuth()
@Controller('dashboard')
@UseGuards(BearerAuthGuard)
@Roles('admin', 'organizer')
@UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }))
@UseFilters(QueueErrorFilter)
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @ApiOperation({ summary: 'Volunteers online, calls in progress, queues and today’s outcomes' })
  get(@CurrentUser() user: AuthedRequest['user'], @Query() q: DashboardQueryDto) {
    return this.dashboard.snapshot(user.campaignId, q.timeZone ?? 'UTC');
  }
}
