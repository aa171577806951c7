import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type {
  PhoneClaimJson,
  ProjectDetail,
  ProjectSummary,
} from '../../../../libs/contracts/src/call-screen.contract';
import { SurveyAnswersDto } from './auth.dto';
import { CallScreenService } from './call-screen.service';
import { CurrentUser, SessionAuthGuard, type AuthedRequest } from './session-auth.guard';

type User = AuthedRequest['user'];

/** The signed-in volunteer's own view: their projects, a project to call, a call's voters and survey. */
@ApiTags('me')
@Controller('me')
@UseGuards(SessionAuthGuard)
export class MeController {
  constructor(private readonly screen: CallScreenService) {}

  @Get('projects')
  @ApiOperation({ summary: 'Projects granted to me, with open / nextOpeningAt' })
  projects(@CurrentUser() user: User): Promise<ProjectSummary[]> {
    return this.screen.myProjects(user);
  }

  @Get('projects/:id')
  @ApiOperation({ summary: 'A project I may call: script, survey, hours (404 otherwise)' })
  project(@CurrentUser() user: User, @Param('id', ParseUUIDPipe) id: string): Promise<ProjectDetail> {
    return this.screen.project(user, id);
  }

  @Get('attempts/:id')
  @ApiOperation({ summary: 'The phone and voters of one of my calls (targeted first)' })
  attempt(@CurrentUser() user: User, @Param('id', ParseUUIDPipe) id: string): Promise<PhoneClaimJson> {
    return this.screen.attempt(user, id);
  }

  @Post('attempts/:id/survey')
  @HttpCode(200)
  @ApiOperation({ summary: 'Survey answers for voters on the call; each answer’s tag is saved on the voter' })
  survey(
    @CurrentUser() user: User,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SurveyAnswersDto,
  ): Promise<{ saved: number }> {
    return this.screen.saveSurvey(user, id, dto.answers);
  }
}
