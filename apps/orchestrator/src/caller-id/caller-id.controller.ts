import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CallerIdStatus } from '../../../../libs/contracts/src/project-audio.contract';
import { CurrentUser, type AuthedRequest } from '../queue-api/auth.guard';
import { ProjectCallErrorFilter } from '../project-calls/project-call.errors';
import { StartCallerIdVerificationDto } from './caller-id.dto';
import { CallerIdVerificationService } from './caller-id-verification.service';
import { Guarded } from '../auth/guarded.decorator';

/** A project's caller ID for power dialing, accepted only once verified by a call (SPEC §4). */
@ApiTags('projects')
@Guarded(ProjectCallErrorFilter, 'admin', 'organizer')
@Controller('projects/:projectId/caller-id')
export class CallerIdController {
  constructor(private readonly verifications: CallerIdVerificationService) {}

  @Get()
  @ApiOperation({
    summary: 'The project’s caller ID, its latest verification call and the campaign’s verified numbers',
  })
  status(
    @CurrentUser() user: AuthedRequest['user'],
    @Param('projectId', ParseUUIDPipe) projectId: string,
  ): Promise<CallerIdStatus> {
    return this.verifications.status(user, projectId);
  }

  @Post('verifications')
  @ApiOperation({
    summary:
      'Verify a caller ID: call it and ask for the code shown (a number the campaign verified is reused at once)',
  })
  start(
    @CurrentUser() user: AuthedRequest['user'],
    @Param('projectId', ParseUUIDPipe) projectId: string,
    @Body() body: StartCallerIdVerificationDto,
  ): Promise<CallerIdStatus> {
    return this.verifications.start(user, projectId, body.callerId);
  }

  @Post('verifications/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hang up the running verification call' })
  cancel(
    @CurrentUser() user: AuthedRequest['user'],
    @Param('projectId', ParseUUIDPipe) projectId: string,
  ): Promise<CallerIdStatus> {
    return this.verifications.cancel(user, projectId);
  }
}
