import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import type { Clock } from '@phonebank/domain';
import {
  projectReport,
  projectResultsCsv,
  projectSurveyCsv,
  reportableProjects,
  volunteerReport,
  type CsvExport,
} from '@phonebank/persistence';
import type {
  ProjectReportJson,
  ReportProjectOption,
  VolunteerReportJson,
} from '../../../../libs/contracts/src/reports.contract';
import { CurrentUser, type AuthedRequest } from '../auth/session-auth.guard';
import { QueueErrorFilter } from '../queue-api/queue-error.filter';
import { ReportRangeQueryDto, VolunteerReportQueryDto } from './reports.dto';
import { Guarded } from '../auth/guarded.decorator';
import { CLOCK } from '../clock/clock.module';

type User = AuthedRequest['user'];

const csvFile = (file: CsvExport): StreamableFile =>
  new StreamableFile(Readable.from(file.lines), {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${file.fileName}"`,
  });

/**
 * The campaign staff's reports (issue 6, SPEC §6): figures of a project or of the volunteers over
 * whole days, and the CSV exports. Admin and organizer only, always within their own campaign
 * (another campaign's project answers 404). The figures are defined in
 * libs/domain/src/reports/call-report.calculator.ts.
 */
@ApiTags('reports')
@Guarded(QueueErrorFilter, 'admin', 'organizer')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('projects')
  @ApiOperation({ summary: 'The campaign’s projects one can report on (archived ones too)' })
  projects(@CurrentUser() user: User): Promise<ReportProjectOption[]> {
    return reportableProjects(this.ds, user.campaignId);
  }

  @Get('projects/:id')
  @ApiOperation({
    summary:
      'A project over whole local days: calls, contacts, outcome mix, volunteer hours, survey, cost, calls by hour of day, volunteers',
  })
  project(
    @CurrentUser() user: User,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ReportRangeQueryDto,
  ): Promise<ProjectReportJson> {
    return projectReport(this.ds, {
      campaignId: user.campaignId,
      projectId: id,
      from: q.from,
      to: q.to,
      now: this.clock.now(),
    });
  }

  @Get('volunteers')
  @ApiOperation({ summary: 'Per volunteer: attempts, contacts, outcome mix, hours, calls per hour' })
  volunteers(@CurrentUser() user: User, @Query() q: VolunteerReportQueryDto): Promise<VolunteerReportJson> {
    return volunteerReport(this.ds, {
      campaignId: user.campaignId,
      projectId: q.projectId ?? null,
      from: q.from,
      to: q.to,
      now: this.clock.now(),
    });
  }

  @Get('projects/:id/results.csv')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary: 'CSV, one row per call attempt (phone, voters, outcome, times, volunteer, cause)',
  })
  async results(
    @CurrentUser() user: User,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ReportRangeQueryDto,
  ): Promise<StreamableFile> {
    return csvFile(
      await projectResultsCsv(this.ds, {
        campaignId: user.campaignId,
        projectId: id,
        from: q.from,
        to: q.to,
      }),
    );
  }

  @Get('projects/:id/survey.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'CSV, one row per survey answer' })
  async survey(
    @CurrentUser() user: User,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ReportRangeQueryDto,
  ): Promise<StreamableFile> {
    return csvFile(
      await projectSurveyCsv(this.ds, { campaignId: user.campaignId, projectId: id, from: q.from, to: q.to }),
    );
  }
}
