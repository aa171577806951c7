/**
 * The call screen's own view of the orchestrator. The wire shapes (what the routes answer and
 * the Socket.IO event map) live in libs/contracts/src/call-screen.contract.ts, shared with the
 * orchestrator; the services in this folder map them to the view model below.
 *
 * Routes used (same origin; the HttpOnly session cookie set at login authenticates them):
 *   POST /api/auth/login | /api/auth/logout | /api/auth/accept, GET /api/auth/me
 *   GET  /api/me/projects, GET /api/me/projects/:id (script, survey; 404 when not granted)
 *   Standard dialing: POST /api/projects/:id/claims, POST /api/attempts/:id/outcome | /release
 *   Power dialing by phone: POST /api/dial-sessions, POST /api/dial-sessions/:id/call | hangup |
 *     voicemail | outcome | end, GET /api/me/attempts/:id (the voters of the engine's call)
 *   Both: POST /api/me/attempts/:id/survey, POST /api/voters/:id/notes
 * Socket.IO (path /socket.io, cookie-authenticated, handshake auth { sessionId }): the server
 *   pushes `session.snapshot` on every (re)connection and `session.update` on every change.
 */
export type {
  AcceptInvitationRequest,
  AccountRole,
  ApiErrorBody,
  CallClientEvents,
  CallServerEvents,
  CallSessionNotice,
  CallSessionView,
  ClaimResultJson,
  ClickResult,
  CurrentUser,
  LoginRequest,
  LoginResponse,
  OutcomeCode,
  PhoneClaimJson,
  ProjectDetail,
  ProjectSummary,
  StartedCallSession,
  SurveyAnswersRequest,
} from '../../../../../libs/contracts/src/call-screen.contract';
import type { CallSessionView } from '../../../../../libs/contracts/src/call-screen.contract';

// ---- the call screen's view model ----------------------------------------------------------

/** SPEC §2: standard (volunteer dials by hand) and power dialing with a dial-in phone. */
export type DialMode = 'standard' | 'power-phone';

export interface SurveyOption {
  /** The answer's tag (saved on the voter). */
  id: string;
  label: string;
}

export interface SurveyQuestion {
  id: string;
  label: string;
  kind: 'single' | 'multiple' | 'text';
  options: SurveyOption[];
}

export interface CallSessionInfo {
  /** Power dialing: the dial session's id; standard dialing: an id made up by the browser. */
  id: string;
  projectId: string;
  projectName: string;
  mode: DialMode;
  /** E.164; absent in standard mode, where the volunteer's own phone shows. */
  callerId?: string;
  /** ISO 8601 instant the session started (the session timer counts from it). */
  startedAt: string;
  /** The call script; `{firstName}`, `{lastName}` and `{volunteerName}` are filled in on screen. */
  script: string;
  survey: SurveyQuestion[];
  /** Power dialing by phone: the number to dial in to and the session PIN. */
  dialIn?: { number: string; pin: string };
}

export type LineType = 'landline' | 'cell' | 'voip' | 'unknown';

export interface ClaimedVoter {
  id: string;
  firstName: string;
  lastName: string;
  /** Targeted by this project; the others are household members sharing the number. */
  targeted: boolean;
  age?: number;
  address?: string;
  tags: string[];
  notes: string[];
  wrongNumber: boolean;
}

export interface ClaimedPhone {
  /** The attempt the outcome will be recorded against. */
  attemptId?: string;
  phone: { id: string; e164: string; lineType: LineType };
  voters: ClaimedVoter[];
}

/** The live state of the current call, as pushed by the engine. */
export type CallState =
  | 'idle'
  | 'dialing'
  | 'ringing'
  | 'answered'
  | 'busy'
  | 'no-answer'
  | 'failed'
  | 'voicemail-playing'
  | 'wrap-up';

/** SPEC §3. */
export type Outcome =
  'successful' | 'voicemail' | 'refused' | 'busy' | 'no-answer' | 'failed' | 'wrong-number' | 'do-not-call';

export interface SurveyAnswer {
  voterId: string;
  questionId: string;
  /** Option ids (answer tags) for single/multiple questions; the text for text questions. */
  value: string | string[];
}

export interface RecordOutcomeRequest {
  attemptId?: string;
  phoneId: string;
  outcome: Outcome;
  /** Required (non-empty) when outcome is 'wrong-number'; may accompany any connected outcome. */
  wrongNumberVoterIds: string[];
  surveyAnswers: SurveyAnswer[];
}

/** A power-dial session's pushed view, kept beside the call state. */
export type PowerView = CallSessionView;
