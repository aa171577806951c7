/**
 * The contract between the web app and the orchestrator, from the browser's side.
 *
 * STATUS: proposed. Only the shapes named in issue 5's first slice are agreed; the server does
 * not implement these routes or socket events yet. When the orchestrator grows them, move these
 * types into a shared lib (STYLE.md: "DTO types shared with the API through a lib") and import
 * them from both sides instead of keeping this copy.
 *
 * Routes (all JSON, same origin, session cookie set by the server at login):
 *   POST /api/auth/login                  LoginRequest         -> LoginResponse   (401 bad credentials, 429 rate limited)
 *   GET  /api/auth/me                                          -> CurrentUser     (401 when not logged in)
 *   POST /api/auth/logout                                      -> 204
 *   GET  /api/me/projects                                      -> ProjectSummary[]
 *   POST /api/projects/:projectId/sessions StartSessionRequest -> CallSessionInfo (409 when the project is closed)
 *   POST /api/sessions/:sessionId/next                         -> ClaimedPhone | 204 when the queue is empty
 *   POST /api/sessions/:sessionId/call     (power modes)       -> 202, then `call.state` events
 *   POST /api/sessions/:sessionId/hangup   (power modes)       -> 202
 *   POST /api/sessions/:sessionId/voicemail (power modes)      -> 202
 *   POST /api/sessions/:sessionId/mute     MuteRequest         -> 204
 *   POST /api/sessions/:sessionId/outcome  RecordOutcomeRequest -> 204
 *   POST /api/sessions/:sessionId/end                          -> 204
 *   POST /api/voters/:voterId/notes        AddNoteRequest      -> 204
 * Socket.IO (path /socket.io, authenticated by the same session cookie, one room per session):
 *   server -> client: CallServerEvents. The server only pushes; the browser acts through HTTP.
 */

// ---- accounts -------------------------------------------------------------------------------

export interface LoginRequest {
  email: string;
  password: string;
}

export type UserRole = 'volunteer' | 'staff' | 'admin';

export interface CurrentUser {
  id: string;
  email: string;
  displayName?: string;
  role: UserRole;
}

export interface LoginResponse {
  user: CurrentUser;
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
  /** ISO 8601 instant of the next opening, when closed and one is scheduled. */
  nextOpeningAt?: string;
  /** The caller ID used in power-dialing modes (E.164). */
  callerId?: string;
}

// ---- sessions and calls ---------------------------------------------------------------------

/** SPEC §2: standard (volunteer dials by hand) and power dialing with a dial-in phone. */
export type DialMode = 'standard' | 'power-phone';

export interface StartSessionRequest {
  mode: DialMode;
}

export interface SurveyOption {
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

export type LineType = 'landline' | 'mobile' | 'voip' | 'unknown';

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
  /** The attempt the outcome will be recorded against (absent until the engine creates one). */
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

export interface MuteRequest {
  muted: boolean;
}

export interface SurveyAnswer {
  voterId: string;
  questionId: string;
  /** Option ids for single/multiple questions; the text for text questions. */
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

export interface AddNoteRequest {
  text: string;
}

// ---- Socket.IO events (server -> client) ----------------------------------------------------

export interface CallStateEvent {
  sessionId: string;
  attemptId?: string;
  state: CallState;
  /** ISO 8601 instant the engine saw the change. */
  at: string;
}

export interface VolunteerLegEvent {
  sessionId: string;
  connected: boolean;
}

/** Sent on every (re)connection so a reconnecting browser has the current state at once. */
export interface SessionSnapshotEvent {
  session: CallSessionInfo;
  phone: ClaimedPhone | null;
  callState: CallState;
  callStateAt: string | null;
  volunteerLegConnected: boolean;
  muted: boolean;
}

export interface CallServerEvents {
  'session.snapshot': (event: SessionSnapshotEvent) => void;
  'call.state': (event: CallStateEvent) => void;
  'phone.claimed': (event: { sessionId: string; phone: ClaimedPhone }) => void;
  'volunteer.leg': (event: VolunteerLegEvent) => void;
  'session.ended': (event: { sessionId: string; reason: string }) => void;
}

/** The gateway only pushes (STYLE.md §3): the browser sends nothing over the socket. */
export type CallClientEvents = Record<string, never>;
