/**
 * The contract of the staff pages "Do not call", "Credits" and "Live" (issue 6): the JSON the
 * routes answer with and the Socket.IO events of the live dashboard. Plain types, no imports
 * (see call-screen.contract.ts for why); the orchestrator checks at compile time that what it
 * sends fits them.
 */

export interface PageJson<T> {
  total: number;
  page: number;
  pageSize: number;
  items: T[];
}

// ---- do not call ----------------------------------------------------------------------------

export type DncSourceCode = 'manual' | 'import' | 'outcome';

export interface DncEntryJson {
  e164: string;
  source: DncSourceCode;
  reason: string | null;
  addedAt: string;
  addedBy: { id: string; name: string } | null;
  /** Status of the campaign's phone with this number (null: no voter has it). */
  phoneStatus: string | null;
  /** Flagged on the whole install (3 or more campaigns marked it DNC or wrong). */
  installFlagged: boolean;
}

export interface DncAuditJson {
  id: string;
  e164: string;
  action: 'add' | 'remove';
  source: DncSourceCode;
  reason: string;
  user: { id: string | null; name: string | null } | null;
  at: string;
}

/** POST /api/dnc and POST /api/dnc/remove answer this. */
export interface DncChangeJson {
  e164: string;
  changed: boolean;
  phoneStatus: string | null;
  queueEntriesClosed: number;
  queueEntriesReopened: number;
  installFlagged: boolean;
}

export interface DncChangeRequest {
  /** As typed: (212) 555-2000, 212.555.2000, +12125552000… */
  number: string;
  reason: string;
}

/** POST /api/dnc/import?reason=… (body: the CSV file) answers this. */
export interface DncImportJson {
  ok: boolean;
  rows: number;
  added: number;
  alreadyListed: number;
  queueEntriesClosed: number;
  errors: { line: number; column?: string; message: string }[];
  errorCount: number;
}

// ---- credits --------------------------------------------------------------------------------

export interface CreditSummaryJson {
  balanceCents: number;
  rateCentsPerMinute: number;
  minutesLeft: number | null;
  toppedUpCents: number;
  usedCents: number;
  usedLast30DaysCents: number;
}

export interface LedgerEntryJson {
  id: string;
  kind: 'top-up' | 'usage';
  amountCents: number;
  reason: string;
  sessionId: string | null;
  volunteer: { id: string; name: string } | null;
  project: { id: string; name: string } | null;
  enteredBy: { id: string; name: string | null } | null;
  createdAt: string;
}

export interface TopUpRequest {
  /** Whole cents, > 0. */
  amountCents: number;
  /** Where the money came from (an invoice, a transfer…). */
  reason: string;
}

export interface TopUpJson {
  entryId: string;
  balanceCents: number;
}

// ---- live dashboard -------------------------------------------------------------------------

export interface DashboardVolunteerJson {
  userId: string;
  name: string;
  mode: 'standard' | 'phone' | 'voip';
  project: { id: string; name: string };
  /** Power dialing: the dial session. */
  sessionId: string | null;
  /** Power dialing: the dial session's stage; standard: 'on-call' or 'between-calls'. */
  state: string;
  since: string;
}

export interface DashboardCallJson {
  attemptId: string;
  volunteer: { id: string; name: string } | null;
  project: { id: string; name: string };
  phone: string;
  stage: 'on-screen' | 'dialing' | 'ringing' | 'answered' | 'voicemail';
  since: string;
}

export interface DashboardQueueJson {
  projectId: string;
  name: string;
  /** Phones still to call (queued, callable): ready now, waiting for their requeue delay, or out on a call. */
  remaining: number;
  readyNow: number;
  waiting: number;
  inProgress: number;
  outcomesToday: number;
}

export interface DashboardSnapshotJson {
  campaignId: string;
  generatedAt: string;
  /** "Today" is this calendar day in this zone (the viewer's). */
  day: string;
  timeZone: string;
  /** Minutes after their last claim or outcome that a hand-dialing volunteer still counts as online. */
  standardOnlineMinutes: number;
  volunteers: DashboardVolunteerJson[];
  calls: DashboardCallJson[];
  queues: DashboardQueueJson[];
  /** Outcomes recorded today by outcome code (every code present, 0 when none). */
  outcomesToday: Record<
    'successful' | 'voicemail' | 'refused' | 'busy' | 'no_answer' | 'failed' | 'wrong_number' | 'do_not_call',
    number
  >;
}

/** The dashboard's Socket.IO namespace (on SOCKET_PATH); staff (admin, organizer) only. */
export const DASHBOARD_NAMESPACE = '/dashboard';

/** Handshake `auth` of the dashboard namespace (browsers authenticate with the session cookie). */
export interface DashboardHandshakeAuth {
  /** IANA zone the viewer's "today" is counted in (default UTC). */
  timeZone?: string;
  token?: string;
}

export interface DashboardServerEvents {
  /** Sent once on every (re)connection. */
  'dashboard.snapshot': (snapshot: DashboardSnapshotJson) => void;
  /** The whole picture again after every change (a claim, an outcome, a session stage, DNC). */
  'dashboard.update': (snapshot: DashboardSnapshotJson) => void;
  'dashboard.error': (event: { code: 'FORBIDDEN' | 'UNAVAILABLE'; message: string }) => void;
}

export type DashboardClientEvents = Record<string, never>;
