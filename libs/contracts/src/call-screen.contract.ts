/**
 * The contract between the orchestrator and the web app (issue 5): the JSON the accounts and
 * call-screen routes answer with, and the Socket.IO event map. Plain types, no imports, so
 * both sides import this one file by relative path: the orchestrator (Node, tsconfig.json) and
 * the Angular app (bundler, DOM lib). The orchestrator checks at compile time that what it
 * sends fits these types (the gateway assigns the domain's DialSessionView to CallSessionView).
 */

// ---- accounts -------------------------------------------------------------------------------

/** The name of the HttpOnly, SameSite=Strict session cookie set at login. */
export const SESSION_COOKIE = 'pb_session';

export type AccountRole = 'admin' | 'organizer' | 'volunteer' | 'telecom';

export interface LoginRequest {
  email: string;
  password: string;
}

export interface CurrentUser {
  id: string;
  name: string;
  email: string | null;
  role: AccountRole;
  campaignId: string | null;
  campaignName: string | null;
}

export interface LoginResponse {
  user: CurrentUser;
  /** ISO 8601 instant the session cookie expires. */
  expiresAt: string;
}

export interface InvitationRequest {
  email: string;
  name?: string;
  /** Default volunteer. Organizers may invite volunteers and organizers. */
  role?: 'volunteer' | 'organizer';
}

export interface InvitationResponse {
  userId: string;
  email: string;
  expiresAt: string;
  /** The link to send; it is also logged when no mail server is configured. */
  inviteUrl: string;
}

export interface AcceptInvitationRequest {
  token: string;
  password: string;
}

/** The body of every 4xx/5xx answer (STYLE.md: errors with codes; never a raw 500 message). */
export interface ApiErrorBody {
  statusCode: number;
  code?: string;
  message?: string | string[];
}

// ---- projects -------------------------------------------------------------------------------

export interface ProjectSummary {
  id: string;
  name: string;
  campaignName: string;
  /** Inside the project's calling hours right now. */
  open: boolean;
  /** ISO 8601 instant of the next opening when closed (null: never opens, or open now). */
  nextOpeningAt: string | null;
  /** The caller ID of power-dialing modes (E.164), when verified. */
  callerId: string | null;
  /** Power dialing is possible (the caller ID is verified). */
  powerDialing: boolean;
}

export interface SurveyQuestion {
  id: string;
  text: string;
  /** One answer per voter; its tag is saved on the voter. */
  answers: { label: string; tag: string }[];
}

export interface ProjectDetail extends ProjectSummary {
  timeZone: string;
  /** `{firstName}`, `{lastName}` and `{volunteerName}` are filled in on screen. */
  script: string;
  survey: SurveyQuestion[];
}

// ---- the queue (standard dialing) and a call's voters --------------------------------------

export type PhoneLineType = 'landline' | 'cell' | 'voip' | 'unknown';

export interface ClaimedVoterJson {
  id: string;
  externalId: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  birthday: string | null;
  timeZone: string | null;
  tags: string[];
  notes: string | null;
  /** Targeted by this project; the others are household members sharing the number. */
  targeted: boolean;
  wrongNumber: boolean;
}

/** A phone handed out by the queue (POST /api/projects/:id/claims, GET /api/me/attempts/:id). */
export interface PhoneClaimJson {
  attemptId: string;
  projectId: string;
  phone: { id: string; e164: string; lineType: string; attempts: number };
  /** Targeted voters first, then the rest of the household. */
  voters: ClaimedVoterJson[];
}

export type ClaimResultJson =
  | { kind: 'claimed'; claim: PhoneClaimJson }
  | { kind: 'closed'; nextOpening: string | null }
  | { kind: 'empty' };

/** SPEC §3, as the API spells them. */
export type OutcomeCode =
  'successful' | 'voicemail' | 'refused' | 'busy' | 'no_answer' | 'failed' | 'wrong_number' | 'do_not_call';

export interface SurveyAnswerInput {
  voterId: string;
  questionId: string;
  /** The chosen answer's tag (saved on the voter). */
  tag: string;
}

export interface SurveyAnswersRequest {
  answers: SurveyAnswerInput[];
}

// ---- power dialing by phone -----------------------------------------------------------------

export type CallSessionStage =
  | 'awaiting-leg'
  | 'idle'
  | 'claiming'
  | 'dialing'
  | 'ringing'
  | 'connected'
  | 'voicemail-dropping'
  | 'wrap-up'
  | 'paused'
  | 'ended';

/** The dial session as the call screen sees it (mirrors the domain's DialSessionView). */
export interface CallSessionView {
  sessionId: string;
  stage: CallSessionStage;
  stageEnteredAt: string;
  call: { attemptId: string; phone: string; lineType: PhoneLineType } | null;
  pauseReason: 'volunteer-request' | 'volunteer-leg-lost' | null;
  endReason: 'volunteer-request' | 'credits-exhausted' | null;
  browser: 'connected' | 'disconnected';
  credits: 'available' | 'exhausted';
  callButton: { available: true } | { available: false; reason: string };
  voicemailButton: { available: true } | { available: false; reason: string } | null;
  voicemailDropsPlaying: number;
}

/** What just happened, beside the view (an automatic outcome, an empty queue…). */
export type CallSessionNotice =
  | { kind: 'queue-empty' }
  | { kind: 'call-ended'; outcome: 'busy' | 'no_answer' | 'failed' | 'voicemail'; cause: unknown }
  | { kind: 'call-abandoned' }
  | { kind: 'voter-hung-up' }
  | { kind: 'voicemail-finished'; attemptId: string }
  | { kind: 'credits-exhausted' }
  | { kind: 'waiting-for-line'; trunk: string }
  | { kind: 'line-unavailable'; message: string };

/** POST /api/dial-sessions answers this. */
export interface StartedCallSession {
  sessionId: string;
  pin: string;
  dialInNumber: string;
  view: CallSessionView;
}

/** Every click on a dial session answers this. */
export interface ClickResult {
  accepted: boolean;
  reason: string | null;
  view: CallSessionView;
}

// ---- Socket.IO ------------------------------------------------------------------------------

/** Socket.IO's path on the orchestrator's own origin. */
export const SOCKET_PATH = '/socket.io';

/**
 * The handshake's `auth`: the dial session to follow (its owner only). Browsers authenticate
 * with the session cookie; other clients may send `token` (an API bearer token).
 */
export interface SocketHandshakeAuth {
  sessionId?: string;
  token?: string;
}

export interface SessionSnapshotEvent {
  sessionId: string;
  view: CallSessionView;
}

export interface SessionUpdateEvent {
  sessionId: string;
  view: CallSessionView;
  notice: CallSessionNotice | null;
}

export interface SocketErrorEvent {
  code: 'NOT_FOUND' | 'FORBIDDEN';
  message: string;
}

/** Server → client. The gateway only pushes; the browser acts through HTTP. */
export interface CallServerEvents {
  /** Sent on every (re)connection: the current view at once, so nothing is lost. */
  'session.snapshot': (event: SessionSnapshotEvent) => void;
  /** Every state change of the session, the moment the engine sees it. */
  'session.update': (event: SessionUpdateEvent) => void;
  /** The session asked for in the handshake is not the user's (or is over). */
  'session.error': (event: SocketErrorEvent) => void;
}

/** Client → server: nothing (STYLE.md §3). */
export type CallClientEvents = Record<string, never>;
