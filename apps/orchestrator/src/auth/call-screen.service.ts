import { Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isProjectOpen, nextOpening, type Clock } from '@phonebank/domain';
import {
  campaignName,
  getProject,
  householdProfiles,
  listProjectsForUser,
  one,
  saveSurveyAnswers,
  userCanAccessProject,
  type ProjectRow,
  type UserRow,
} from '@phonebank/persistence';
import type {
  PhoneClaimJson,
  ProjectDetail,
  ProjectSummary,
  SurveyAnswerInput,
} from '../../../../libs/contracts/src/call-screen.contract';
import { CLOCK } from '../clock/clock.module';

type CampaignUser = UserRow & { campaignId: string };

/** What the volunteer's pages read: their projects, a project's script and survey, a call's voters. */
@Injectable()
export class CallScreenService {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async myProjects(user: CampaignUser): Promise<ProjectSummary[]> {
    const [projects, campaign] = await Promise.all([
      listProjectsForUser(this.ds, user),
      campaignName(this.ds, user.campaignId),
    ]);
    const now = this.clock.now();
    return projects.map((p) => summary(p, campaign ?? '', now));
  }

  /** A project the user may call; 404 (not 403) otherwise, so other campaigns' ids reveal nothing. */
  async project(user: CampaignUser, projectId: string): Promise<ProjectDetail> {
    const p = await this.accessibleProject(user, projectId);
    const campaign = (await campaignName(this.ds, user.campaignId)) ?? '';
    return {
      ...summary(p, campaign, this.clock.now()),
      timeZone: p.timeZone,
      script: p.script,
      survey: p.surveyQuestions,
    };
  }

  /** The phone and voters of an attempt (power dialing: the engine claimed it). */
  async attempt(user: CampaignUser, attemptId: string): Promise<PhoneClaimJson> {
    const a = await this.ownAttempt(user, attemptId);
    const voters = await householdProfiles(this.ds, a.project_id, a.phone_id);
    return {
      attemptId,
      projectId: a.project_id,
      phone: { id: a.phone_id, e164: a.e164, lineType: a.line_type, attempts: a.attempts },
      voters,
    };
  }

  /** Survey answers for the voters on an attempt's phone; each answer must be one of the question's. */
  async saveSurvey(
    user: CampaignUser,
    attemptId: string,
    answers: SurveyAnswerInput[],
  ): Promise<{ saved: number }> {
    const a = await this.ownAttempt(user, attemptId);
    const project = await getProject(this.ds, user.campaignId, a.project_id);
    // questionId -> answer tag -> the group the answer puts the voter in (if any).
    const questions = new Map(
      (project?.surveyQuestions ?? []).map((q) => [q.id, new Map(q.answers.map((x) => [x.tag, x.group]))]),
    );
    const bad = answers.find((x) => !questions.get(x.questionId)?.has(x.tag));
    if (bad)
      throw new UnprocessableEntityException({
        code: 'INVALID_ANSWER',
        message: `"${bad.tag}" is not an answer to question "${bad.questionId}"`,
      });
    const saved = await saveSurveyAnswers(this.ds, {
      attemptId,
      userId: user.id,
      answers: answers.map((x) => ({ ...x, group: questions.get(x.questionId)?.get(x.tag) ?? null })),
      now: this.clock.now(),
    });
    if (saved !== answers.length)
      throw new UnprocessableEntityException({
        code: 'INVALID_VOTER',
        message: 'a voter is not on this call’s phone',
      });
    return { saved };
  }

  private async accessibleProject(user: CampaignUser, projectId: string): Promise<ProjectRow> {
    const p = (await userCanAccessProject(this.ds, user, projectId))
      ? await getProject(this.ds, user.campaignId, projectId)
      : undefined;
    if (!p) throw new NotFoundException({ code: 'NOT_FOUND', message: 'project not found' });
    return p;
  }

  /** An attempt of the user's campaign on a project they may call; a volunteer's own only. */
  private async ownAttempt(user: CampaignUser, attemptId: string) {
    const a = await one<{
      project_id: string;
      phone_id: string;
      e164: string;
      user_id: string | null;
      line_type: string;
      attempts: number;
    }>(
      this.ds,
      `SELECT a.project_id, a.phone_id, a.e164, a.user_id, p.line_type, p.attempts
       FROM call_attempts a JOIN phones p ON p.id = a.phone_id WHERE a.id = $1 AND a.campaign_id = $2`,
      [attemptId, user.campaignId],
    );
    const mine = a && (user.role !== 'volunteer' || a.user_id === user.id);
    if (!a || !mine || !(await userCanAccessProject(this.ds, user, a.project_id))) {
      throw new NotFoundException({ code: 'NOT_FOUND', message: 'call not found' });
    }
    return a;
  }
}

function summary(p: ProjectRow, campaign: string, now: Date): ProjectSummary {
  const hours = { timeZone: p.timeZone, start: p.hoursStart, end: p.hoursEnd, weekdays: p.weekdays };
  const open = isProjectOpen(now, hours);
  return {
    id: p.id,
    name: p.name,
    campaignName: campaign,
    open,
    nextOpeningAt: open ? null : (nextOpening(now, hours)?.toISOString() ?? null),
    callerId: p.callerIdVerified ? p.callerId : null,
    powerDialing: p.callerIdVerified,
  };
}
