import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Req,
} from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { Clock } from '@phonebank/domain';
import {
  addTeamMember,
  createNamedTeam,
  deleteTeam,
  listCampaignProjects,
  listCampaignUsers,
  listProjectGrants,
  listTeams,
  projectSettings,
  removeTeamMember,
  renameTeam,
  revokeProjectAccess,
  voterFacets,
} from '@phonebank/persistence';
import type {
  CampaignUser,
  ProjectGrants,
  ProjectSettings,
  StaffProjectSummary,
  TeamJson,
  VoterFacets,
  VoterImportJob,
} from '../../../../libs/contracts/src/staff.contract';
import { CurrentUser, type AuthedRequest } from '../auth/session-auth.guard';
import { QueueErrorFilter } from '../queue-api/queue-error.filter';
import { StartVoterImportDto, TeamDto } from './staff-api.dto';
import { VoterImportsService } from './voter-imports.service';

import { Guarded } from '../auth/guarded.decorator';
import { CLOCK } from '../clock/clock.module';
type User = AuthedRequest['user'];
@ApiTags('campaign')
@Guarded(QueueErrorFilter, 'admin', 'organizer')
@Controller('campaign')
export class CampaignStaffController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('projects')
  @ApiOperation({ summary: 'Every project of the campaign (archived last) with its queue figures' })
  projects(@CurrentUser() user: User): Promise<StaffProjectSummary[]> {
    return listCampaignProjects(this.ds, user.campaignId, this.clock.now());
  }

  @Get('users')
  @ApiOperation({
    summary: 'The campaign’s people (volunteers and staff, invited or active) with their teams',
  })
  users(@CurrentUser() user: User): Promise<CampaignUser[]> {
    return listCampaignUsers(this.ds, user.campaignId);
  }

  @Get('voter-facets')
  @ApiOperation({
    summary: 'The most common tags, groups, states and cities of the voters (targeting pickers)',
  })
  facets(@CurrentUser() user: User): Promise<VoterFacets> {
    return voterFacets(this.ds, user.campaignId);
  }
}

@ApiTags('projects')
@Guarded(QueueErrorFilter, 'admin', 'organizer')
@Controller('projects')
export class ProjectAdminController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':id/settings')
  @ApiOperation({ summary: 'One project with every setting, caller ID and recording status, queue figures' })
  settings(@CurrentUser() user: User, @Param('id', ParseUUIDPipe) id: string): Promise<ProjectSettings> {
    return projectSettings(this.ds, user.campaignId, id, this.clock.now());
  }

  @Get(':id/access')
  @ApiOperation({ summary: 'The people and teams the project is granted to' })
  access(@CurrentUser() user: User, @Param('id', ParseUUIDPipe) id: string): Promise<ProjectGrants> {
    return listProjectGrants(this.ds, user.campaignId, id);
  }

  @Delete(':id/access/users/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Take the project back from a person' })
  async revokeUser(
    @CurrentUser() user: User,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<void> {
    await revokeProjectAccess(this.ds, user.campaignId, id, { userId });
  }

  @Delete(':id/access/teams/:teamId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Take the project back from a team' })
  async revokeTeam(
    @CurrentUser() user: User,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('teamId', ParseUUIDPipe) teamId: string,
  ): Promise<void> {
    await revokeProjectAccess(this.ds, user.campaignId, id, { teamId });
  }
}

@ApiTags('teams')
@Guarded(QueueErrorFilter, 'admin', 'organizer')
@Controller('teams')
export class TeamsController {
  constructor(private readonly ds: DataSource) {}

  @Get()
  list(@CurrentUser() user: User): Promise<TeamJson[]> {
    return listTeams(this.ds, user.campaignId);
  }

  @Post()
  create(@CurrentUser() user: User, @Body() dto: TeamDto): Promise<TeamJson> {
    return createNamedTeam(this.ds, user.campaignId, dto.name.trim());
  }

  @Patch(':id')
  rename(
    @CurrentUser() user: User,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: TeamDto,
  ): Promise<TeamJson> {
    return renameTeam(this.ds, user.campaignId, id, dto.name.trim());
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentUser() user: User, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await deleteTeam(this.ds, user.campaignId, id);
  }

  @Put(':id/members/:userId')
  @ApiOperation({ summary: 'Add a person of the campaign to the team (idempotent)' })
  addMember(
    @CurrentUser() user: User,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<TeamJson> {
    return addTeamMember(this.ds, user.campaignId, id, userId);
  }

  @Delete(':id/members/:userId')
  removeMember(
    @CurrentUser() user: User,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<TeamJson> {
    return removeTeamMember(this.ds, user.campaignId, id, userId);
  }
}

@ApiTags('voters')
@Guarded(QueueErrorFilter, 'admin', 'organizer')
@Controller('voter-imports')
export class VoterImportsController {
  constructor(private readonly imports: VoterImportsService) {}

  @Post()
  @ApiOperation({ summary: 'Announce a CSV upload; answers the job to upload into and to follow' })
  start(@CurrentUser() user: User, @Body() dto: StartVoterImportDto): Promise<VoterImportJob> {
    return this.imports.start(user, dto.fileName, dto.totalBytes ?? null);
  }

  @Put(':id/file')
  @ApiConsumes('text/csv')
  @ApiOperation({
    summary: 'The CSV body of the job: imported as it arrives, all or nothing; answers the finished job',
  })
  upload(
    @CurrentUser() user: User,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: AuthedRequest,
  ): Promise<VoterImportJob> {
    return this.imports.upload(user, id, req);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An import’s progress (phase, rows, bytes) and, once finished, its result' })
  get(@CurrentUser() user: User, @Param('id', ParseUUIDPipe) id: string): Promise<VoterImportJob> {
    return this.imports.get(user, id);
  }

  @Get()
  @ApiOperation({ summary: 'The latest imports of the campaign' })
  list(@CurrentUser() user: User): Promise<VoterImportJob[]> {
    return this.imports.list(user);
  }
}
