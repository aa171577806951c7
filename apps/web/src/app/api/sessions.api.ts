import { Injectable, inject } from '@angular/core';
import { ApiClient } from './api.client';
import { ApiError } from './api-error';
import type {
  CallSessionInfo,
  CallSessionView,
  ClaimResultJson,
  ClaimedPhone,
  ClickResult,
  DialMode,
  LineType,
  OutcomeCode,
  PhoneClaimJson,
  ProjectDetail,
  RecordOutcomeRequest,
  StartedCallSession,
  SurveyAnswersRequest,
  SurveyQuestion,
} from './api.types';

export interface StartedSession {
  session: CallSessionInfo;
  /** Power dialing: the dial session's first view. */
  view: CallSessionView | null;
}

/**
 * The calling-session routes (see api.types.ts), mapped to the call screen's view model.
 * Standard dialing needs no server session: the queue's claims and outcomes are used directly.
 * Every method rejects with an ApiError.
 */
@Injectable({ providedIn: 'root' })
export class SessionsApi {
  private readonly http = inject(ApiClient);

  /** The project (404 when it is not the volunteer's), then, for power dialing, a dial session. */
  async start(projectId: string, mode: DialMode): Promise<StartedSession> {
    const project = await this.project(projectId);
    if (!project.open) throw new ApiError(409, 'This project is outside its calling hours.', 'CLOSED');
    const base = {
      projectId,
      projectName: project.name,
      mode,
      startedAt: new Date().toISOString(),
      script: project.script,
      survey: project.survey.map(toQuestion),
      ...(mode === 'power-phone' && project.callerId ? { callerId: project.callerId } : {}),
    };
    if (mode === 'standard') return { session: { id: crypto.randomUUID(), ...base }, view: null };
    const started = await this.http.post<StartedCallSession>(
      '/api/dial-sessions',
      { projectId, mode: 'phone' },
      'start a power-dialing session',
    );
    return {
      session: { id: started.sessionId, ...base, dialIn: { number: started.dialInNumber, pin: started.pin } },
      view: started.view,
    };
  }

  project(projectId: string): Promise<ProjectDetail> {
    return this.http.get<ProjectDetail>(`/api/me/projects/${enc(projectId)}`, 'open this project');
  }

  /** Standard dialing: the next phone from the queue, or null when it has none now. */
  async next(session: CallSessionInfo): Promise<ClaimedPhone | null> {
    const result = await this.http.post<ClaimResultJson>(
      `/api/projects/${enc(session.projectId)}/claims`,
      { sessionId: session.id },
      'get the next number',
    );
    if (result.kind === 'claimed') return toClaimedPhone(result.claim);
    if (result.kind === 'closed') {
      throw new ApiError(409, 'This project has closed for now (outside its calling hours).', 'CLOSED');
    }
    return null;
  }

  /** Power dialing: the phone and voters of the call the engine just claimed. */
  async attempt(attemptId: string): Promise<ClaimedPhone> {
    return toClaimedPhone(
      await this.http.get<PhoneClaimJson>(`/api/me/attempts/${enc(attemptId)}`, 'load the voters'),
    );
  }

  async call(sessionId: string): Promise<ClickResult> {
    return this.click(sessionId, 'call', { requestId: crypto.randomUUID() }, 'place the call');
  }

  async hangUp(sessionId: string): Promise<ClickResult> {
    return this.click(sessionId, 'hangup', {}, 'hang up');
  }

  async startVoicemail(sessionId: string): Promise<ClickResult> {
    return this.click(sessionId, 'voicemail', {}, 'start the voicemail');
  }

  /** Survey answers first (they need the attempt), then the outcome. */
  async recordOutcome(session: CallSessionInfo, request: RecordOutcomeRequest): Promise<void> {
    const attemptId = request.attemptId;
    if (!attemptId) throw new ApiError(409, 'There is no call to record an outcome for.');
    const answers: SurveyAnswersRequest['answers'] = request.surveyAnswers.flatMap((a) =>
      (Array.isArray(a.value) ? a.value : [a.value]).map((tag) => ({
        voterId: a.voterId,
        questionId: a.questionId,
        tag,
      })),
    );
    if (answers.length > 0) {
      await this.http.post(`/api/me/attempts/${enc(attemptId)}/survey`, { answers }, 'save the survey');
    }
    const outcome = OUTCOME_CODES[request.outcome];
    const wrong =
      request.wrongNumberVoterIds.length > 0 ? { wrongVoterIds: request.wrongNumberVoterIds } : {};
    if (session.mode === 'standard') {
      await this.http.post(
        `/api/attempts/${enc(attemptId)}/outcome`,
        { outcome, ...wrong },
        'record the outcome',
      );
      return;
    }
    const result = await this.click(
      session.id,
      'outcome',
      { attemptId, outcome, ...wrong },
      'record the outcome',
    );
    if (!result.accepted) throw new ApiError(409, `The outcome was not accepted (${result.reason}).`);
  }

  /** Power dialing: end the dial session. Standard: give back the phone if no outcome was recorded. */
  async end(session: CallSessionInfo, attemptId: string | undefined): Promise<void> {
    if (session.mode !== 'standard') {
      await this.click(session.id, 'end', {}, 'end the session');
    } else if (attemptId) {
      await this.http.post(`/api/attempts/${enc(attemptId)}/release`, {}, 'give the number back');
    }
  }

  async addNote(voterId: string, text: string): Promise<void> {
    await this.http.post<null>(`/api/voters/${enc(voterId)}/notes`, { body: text }, 'save the note');
  }

  private click(sessionId: string, action: string, body: unknown, what: string): Promise<ClickResult> {
    return this.http.post<ClickResult>(`/api/dial-sessions/${enc(sessionId)}/${action}`, body, what);
  }
}

const OUTCOME_CODES: Record<RecordOutcomeRequest['outcome'], OutcomeCode> = {
  successful: 'successful',
  voicemail: 'voicemail',
  refused: 'refused',
  busy: 'busy',
  'no-answer': 'no_answer',
  failed: 'failed',
  'wrong-number': 'wrong_number',
  'do-not-call': 'do_not_call',
};

function toQuestion(q: ProjectDetail['survey'][number]): SurveyQuestion {
  return {
    id: q.id,
    label: q.text,
    kind: 'single',
    options: q.answers.map((a) => ({ id: a.tag, label: a.label })),
  };
}

const LINE_TYPES: readonly LineType[] = ['landline', 'cell', 'voip', 'unknown'];

export function toClaimedPhone(claim: PhoneClaimJson): ClaimedPhone {
  const lineType = (LINE_TYPES as readonly string[]).includes(claim.phone.lineType)
    ? (claim.phone.lineType as LineType)
    : 'unknown';
  return {
    attemptId: claim.attemptId,
    phone: { id: claim.phone.id, e164: claim.phone.e164, lineType },
    voters: claim.voters.map((v) => ({
      id: v.id,
      firstName: v.firstName,
      lastName: v.lastName,
      targeted: v.targeted,
      ...(age(v.birthday) !== undefined ? { age: age(v.birthday)! } : {}),
      ...(address(v) ? { address: address(v)! } : {}),
      tags: v.tags,
      notes: v.notes ? [v.notes] : [],
      wrongNumber: v.wrongNumber,
    })),
  };
}

function age(birthday: string | null): number | undefined {
  if (!birthday) return undefined;
  const born = new Date(`${birthday}T00:00:00Z`);
  const now = new Date();
  let years = now.getUTCFullYear() - born.getUTCFullYear();
  const beforeBirthday =
    now.getUTCMonth() < born.getUTCMonth() ||
    (now.getUTCMonth() === born.getUTCMonth() && now.getUTCDate() < born.getUTCDate());
  if (beforeBirthday) years -= 1;
  return Number.isFinite(years) && years >= 0 ? years : undefined;
}

function address(v: PhoneClaimJson['voters'][number]): string | undefined {
  const line = [v.addressLine1, v.addressLine2, v.city, [v.state, v.zip].filter(Boolean).join(' ')]
    .filter((x) => !!x && x.trim() !== '')
    .join(', ');
  return line || undefined;
}

const enc = encodeURIComponent;
