import {
  Body,
  Controller,
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
import { DateTime } from 'luxon';
import type { Clock } from '@phonebank/domain';
import {
  addVoterNote,
  applyOutcome,
  claimNextPhone,
  countVoters,
  createProject,
  getCampaign,
  grantProjectAccess,
  importVotersCsv,
  listProjectsForUser,
  loadStateRules,
  projectQueueStats,
  releaseClaim,
  renewLease,
  saveTargetsIntoProject,
  setStateRule,
  updateCampaignPolicy,
  updateProject,
  voterProfile,
} from '@phonebank/persistence';
import type { AuthedRequest } from './auth.guard';
import { CurrentUser, Roles } from './auth.guard';
import { QueueErrorFilter } from './queue-error.filter';
import { QueueAccessService } from './queue-api.service';
import { CampaignActivityNotifier } from '../dashboard/campaign-activity.notifier';
import {
  CampaignPolicyDto,
  ClaimDto,
  CreateProjectDto,
  GrantAccessDto,
  RecordOutcomeDto,
  RenewLeaseDto,
  SaveTargetsDto,
  StateRuleDto,
  TargetFilterDto,
  UpdateProjectDto,
  VoterNoteDto,
} from './queue-api.dto';

import { Guarded } from '../auth/guarded.decorator';
import { CLOCK } from '../clock/clock.module';
type User = AuthedRequest['user'];
@ApiTags('campaign')
@Guarded(QueueErrorFilter)
@Controller('campaign')
export class CampaignController {
  constructor(private readonly ds: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in user’s campaign' })
  get(@CurrentUser() user: User) {
    return getCampaign(this.ds, user.campaignId);
  }

  @Patch('policy')
  @Roles('admin', 'organizer')
  @ApiOperation({ summary: 'Default attempt limit, requeue delay and per-minute rate' })
  policy(@CurrentUser() user: User, @Body() dto: CampaignPolicyDto) {
    return updateCampaignPolicy(this.ds, user.campaignId, dto);
  }

  @Get('calling-rules')
  @ApiOperation({ summary: 'State calling-hour rules (stricter than 08:00–21:00)' })
  rules(@CurrentUser() user: User) {
    return loadStateRules(this.ds, user.campaignId);
  }

  @Put('calling-rules/:state')
  @Roles('admin', 'organizer')
  async setRule(@CurrentUser() user: User, @Param('state') state: string, @Body() dto: StateRuleDto) {
    const s = state.toUpperCase();
    await setStateRule(this.ds, user.campaignId, s, { state: s, window: { start: dto.start, end: dto.end } });
    return loadStateRules(this.ds, user.campaignId);
  }
}

@ApiTags('voters')
@Guarded(QueueErrorFilter)
@Controller('voters')
export class VotersController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('import')
  @Roles('admin', 'organizer')
  @ApiConsumes('text/csv')
  @ApiOperation({ summary: 'Import voters and phones from a CSV body; all or nothing, errors by line' })
  importCsv(@CurrentUser() user: User, @Req() req: AuthedRequest) {
    return importVotersCsv(this.ds, user.campaignId, req, { now: this.clock.now() });
  }

  @Post('count')
  @HttpCode(200)
  @Roles('admin', 'organizer')
  async count(@CurrentUser() user: User, @Body() filter: TargetFilterDto) {
    return {
      count: await countVoters(this.ds, user.campaignId, filter, DateTime.utc().toISODate() as string),
    };
  }

  @Get(':id')
  async profile(@CurrentUser() user: User, @Param('id') id: string) {
    if (!/^\d+$/.test(id)) return null;
    return voterProfile(this.ds, user.campaignId, id);
  }

  @Post(':id/notes')
  @HttpCode(204)
  async note(@CurrentUser() user: User, @Param('id') id: string, @Body() dto: VoterNoteDto) {
    await addVoterNote(this.ds, user.campaignId, id, user.id, dto.body);
  }
}

@ApiTags('projects')
@Guarded(QueueErrorFilter)
@Controller('projects')
export class ProjectsController {
  constructor(
    private readonly ds: DataSource,
    private readonly access: QueueAccessService,
    private readonly activity: CampaignActivityNotifier,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Projects the user may call (staff: all of the campaign)' })
  list(@CurrentUser() user: User) {
    return listProjectsForUser(this.ds, user);
  }

  @Post()
  @Roles('admin', 'organizer')
  create(@CurrentUser() user: User, @Body() dto: CreateProjectDto) {
    return createProject(this.ds, user.campaignId, dto);
  }

  @Patch(':id')
  @Roles('admin', 'organizer')
  update(@CurrentUser() user: User, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateProjectDto) {
    return updateProject(this.ds, user.campaignId, id, dto);
  }

  @Post(':id/access')
  @HttpCode(204)
  @Roles('admin', 'organizer')
  async grant(
    @CurrentUser() user: User,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: GrantAccessDto,
  ) {
    await grantProjectAccess(this.ds, user.campaignId, id, dto);
  }

  @Post(':id/targets')
  @HttpCode(200)
  @Roles('admin', 'organizer')
  @ApiOperation({ summary: 'Save the voters matching a filter into the project (with suppression)' })
  targets(@CurrentUser() user: User, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SaveTargetsDto) {
    return saveTargetsIntoProject(this.ds, {
      projectId: id,
      campaignId: user.campaignId,
      filter: dto.filter,
      suppressDays: dto.suppressDays ?? null,
      now: this.clock.now(),
    });
  }

  @Get(':id/queue')
  async stats(@CurrentUser() user: User, @Param('id', ParseUUIDPipe) id: string) {
    await this.access.assertProject(user, id);
    return projectQueueStats(this.ds, id, this.clock.now());
  }

  @Post(':id/claims')
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim the next phone (a lease); 200 with kind claimed | closed | empty' })
  async claim(@CurrentUser() user: User, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ClaimDto) {
    await this.access.assertProject(user, id);
    const result = await claimNextPhone(this.ds, {
      projectId: id,
      userId: user.id,
      leaseSeconds: dto.leaseSeconds ?? 300,
      now: this.clock.now(),
      sessionId: dto.sessionId ?? null,
    });
    if (result.kind === 'claimed') this.activity.changed(user.campaignId); // the live dashboard
    return result;
  }
}

@ApiTags('queue')
@Guarded(QueueErrorFilter)
@Controller('attempts')
export class AttemptsController {
  constructor(
    private readonly ds: DataSource,
    private readonly access: QueueAccessService,
    private readonly activity: CampaignActivityNotifier,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':id/outcome')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the outcome of a call (idempotent per attempt)' })
  async outcome(
    @CurrentUser() user: User,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordOutcomeDto,
  ) {
    await this.access.assertAttempt(user, id);
    const result = await applyOutcome(this.ds, {
      attemptId: id,
      userId: user.id,
      now: this.clock.now(),
      ...dto,
    });
    if (result.applied) this.activity.changed(user.campaignId); // the live dashboard
    return result;
  }

  @Post(':id/release')
  @HttpCode(200)
  async release(@CurrentUser() user: User, @Param('id', ParseUUIDPipe) id: string) {
    await this.access.assertAttempt(user, id);
    const released = await releaseClaim(this.ds, id, this.clock.now());
    if (released) this.activity.changed(user.campaignId); // the live dashboard
    return { released };
  }

  @Post(':id/renew')
  @HttpCode(200)
  async renew(@CurrentUser() user: User, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RenewLeaseDto) {
    await this.access.assertAttempt(user, id);
    return { renewed: await renewLease(this.ds, id, dto.leaseSeconds, this.clock.now()) };
  }
}
