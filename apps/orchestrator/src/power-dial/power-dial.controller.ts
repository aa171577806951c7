import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { DialSessionTransition, DialSessionView } from '@phonebank/domain';
import type { UserRow } from '@phonebank/persistence';
import { BearerAuthGuard, CurrentUser, Roles, type AuthedRequest } from '../queue-api/auth.guard';
import { DialSessionService, type StartedSession } from './dial-session.service';
import { CallRequestDto, OutcomeDto, StartSessionDto } from './power-dial.dto';
import { PowerDialError, PowerDialErrorFilter } from './power-dial.errors';

/** The answer to a click: the session's view, or why the click was refused. */
export interface ClickResult {
  accepted: boolean;
  reason: string | null;
  view: DialSessionView;
}

function toClick(t: DialSessionTransition, view: DialSessionView): ClickResult {
  return { accepted: t.rejection === null, reason: t.rejection?.reason ?? null, view };
}

/** Power dialing over HTTP: thin; the DialSessionService and the dial-session machine decide. */
@ApiTags('power dialing')
@ApiBearerAuth()
@Controller('dial-sessions')
@UseGuards(BearerAuthGuard)
@Roles('volunteer', 'organizer', 'admin')
@UseFilters(PowerDialErrorFilter)
export class PowerDialController {
  constructor(private readonly sessions: DialSessionService) {}

  @Post()
  start(@CurrentUser() user: AuthedRequest['user'], @Body() body: StartSessionDto): Promise<StartedSession> {
    return this.sessions.start(user, body.projectId, body.mode);
  }

  @Get(':id')
  view(@CurrentUser() user: UserRow, @Param('id', ParseUUIDPipe) id: string): DialSessionView {
    return this.sessions.view(user, id);
  }

  @Post(':id/call')
  @HttpCode(200)
  async call(
    @CurrentUser() user: UserRow,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CallRequestDto,
  ): Promise<ClickResult> {
    const t = await this.sessions.call(user, id, body.requestId);
    return toClick(t, this.sessions.view(user, id));
  }

  @Post(':id/hangup')
  @HttpCode(200)
  async hangup(@CurrentUser() user: UserRow, @Param('id', ParseUUIDPipe) id: string): Promise<ClickResult> {
    return toClick(await this.sessions.hangUp(user, id), this.safeView(user, id));
  }

  @Post(':id/voicemail')
  @HttpCode(200)
  async voicemail(
    @CurrentUser() user: UserRow,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ClickResult> {
    return toClick(await this.sessions.startVoicemail(user, id), this.safeView(user, id));
  }

  @Post(':id/outcome')
  @HttpCode(200)
  async outcome(
    @CurrentUser() user: UserRow,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: OutcomeDto,
  ): Promise<ClickResult> {
    const t = await this.sessions.recordOutcome(user, id, body.attemptId, body.outcome, body.wrongVoterIds);
    return toClick(t, this.safeView(user, id, t));
  }

  @Post(':id/pause')
  @HttpCode(200)
  async pause(@CurrentUser() user: UserRow, @Param('id', ParseUUIDPipe) id: string): Promise<ClickResult> {
    return toClick(await this.sessions.pause(user, id), this.safeView(user, id));
  }

  @Post(':id/resume')
  @HttpCode(200)
  async resume(@CurrentUser() user: UserRow, @Param('id', ParseUUIDPipe) id: string): Promise<ClickResult> {
    return toClick(await this.sessions.resume(user, id), this.safeView(user, id));
  }

  @Post(':id/end')
  @HttpCode(200)
  async end(@CurrentUser() user: UserRow, @Param('id', ParseUUIDPipe) id: string): Promise<ClickResult> {
    const t = await this.sessions.end(user, id);
    return toClick(t, this.safeView(user, id, t));
  }

  /** An ended session is no longer cached; its last view is the transition's. */
  private safeView(user: UserRow, id: string, t?: DialSessionTransition): DialSessionView {
    try {
      return this.sessions.view(user, id);
    } catch (error) {
      if (error instanceof PowerDialError && t) return this.sessions.viewOf(t);
      throw error;
    }
  }
}
