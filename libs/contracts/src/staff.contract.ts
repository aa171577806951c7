/**
 * The contract of the staff pages for projects and voters (issue 6): the JSON the staff routes
 * answer with and accept. Plain types, no imports, shared by relative path with the orchestrator
 * and the Angular app (like call-screen.contract.ts).
 *
 * Routes (admin and organizer only; everything scoped to the signed-in user's campaign):
 *   GET  /api/campaign/projects                 every project with its queue figures
 *   GET  /api/projects/:id/settings             one project with every setting
 *   POST /api/projects, PATCH /api/projects/:id create, edit (archive with { archived })
 *   GET  /api/projects/:id/access               who was granted the project
 *   POST /api/projects/:id/access               grant (userIds, teamIds)
 *   DELETE /api/projects/:id/access/users/:userId | /teams/:teamId   revoke
 *   GET  /api/campaign/users                    the campaign's people (with their teams)
 *   GET/POST /api/teams, PATCH/DELETE /api/teams/:id, PUT/DELETE /api/teams/:id/members/:userId
 *   POST /api/voter-imports                     announce an upload → a job
 *   PUT  /api/voter-imports/:id/file            the CSV body; answers the finished job
 *   GET  /api/voter-imports/:id, GET /api/voter-imports   progress and result, recent imports
 *   GET  /api/voters/facets                     tags, groups, states and cities for the filters
 *   POST /api/voters/count                      how many voters a filter matches
 *   POST /api/projects/:id/targets              save a filter's voters into a project
 */

export type StaffRole = 'admin' | 'organizer' | 'volunteer' | 'telecom';

// ---- projects -------------------------------------------------------------------------------

/** One answer of a survey question: its tag is saved on the voter, and the voter joins `group` if set. */
export interface StaffSurveyAnswer {
  label: string;
  tag: string;
  group?: string;
}

export interface StaffSurveyQuestion {
  id: string;
  text: string;
  answers: StaffSurveyAnswer[];
}

/** The queue of a project, counted now. */
export interface QueueFigures {
  /** Voters saved into the project. */
  targets: number;
  /** Phones waiting to be handed out now. */
  queued: number;
  /** Phones a volunteer holds right now. */
  leased: number;
  /** Phones back in the queue, waiting for their requeue delay. */
  waiting: number;
  /** Phones that left the queue, by reason (complete, voicemail_left, refused, dnc, attempts…). */
  done: Record<string, number>;
}

export interface StaffProjectSummary {
  id: string;
  name: string;
  archived: boolean;
  birthdayMode: boolean;
  timeZone: string;
  hoursStart: number;
  hoursEnd: number;
  weekdays: number[];
  callerId: string | null;
  callerIdVerified: boolean;
  /** Volunteers and teams the project is granted to. */
  grants: number;
  queue: QueueFigures;
}

export interface ProjectSettings {
  id: string;
  name: string;
  timeZone: string;
  /** Minutes after local midnight, [start, end). */
  hoursStart: number;
  hoursEnd: number;
  /** ISO weekdays: 1 Monday … 7 Sunday. */
  weekdays: number[];
  /** Null: the campaign's default (below). */
  attemptLimit: number | null;
  requeueDelayMinutes: number | null;
  campaignDefaults: { attemptLimit: number; requeueDelayMinutes: number };
  birthdayMode: boolean;
  allowVoicemailToCells: boolean;
  script: string;
  surveyQuestions: StaffSurveyQuestion[];
  archived: boolean;
  /** The power-dialing caller ID and whether it was verified (set on the caller-ID page). */
  callerId: string | null;
  callerIdVerified: boolean;
  /** A voicemail recording exists (recorded or uploaded on the voicemail page). */
  voicemailRecording: boolean;
  createdAt: string;
  queue: QueueFigures;
}

/** PATCH /api/projects/:id (every field optional; POST /api/projects needs a name). */
export interface ProjectUpdateRequest {
  name?: string;
  timeZone?: string;
  hoursStart?: number;
  hoursEnd?: number;
  weekdays?: number[];
  attemptLimit?: number | null;
  requeueDelayMinutes?: number | null;
  birthdayMode?: boolean;
  allowVoicemailToCells?: boolean;
  script?: string;
  surveyQuestions?: StaffSurveyQuestion[];
  archived?: boolean;
}

export interface GrantedUser {
  id: string;
  name: string;
  email: string | null;
  role: StaffRole;
}

export interface GrantedTeam {
  id: string;
  name: string;
  members: number;
}

export interface ProjectGrants {
  users: GrantedUser[];
  teams: GrantedTeam[];
}

// ---- people and teams -----------------------------------------------------------------------

export interface CampaignUser {
  id: string;
  name: string;
  email: string | null;
  role: StaffRole;
  /** Invited, but has not chosen a password yet. */
  invited: boolean;
  teams: { id: string; name: string }[];
}

export interface TeamJson {
  id: string;
  name: string;
  members: GrantedUser[];
  /** Projects granted to the whole team. */
  projects: { id: string; name: string }[];
}

// ---- voter import ---------------------------------------------------------------------------

export type VoterImportPhase = 'waiting' | 'parsing' | 'merging' | 'done' | 'failed';

export interface ImportRowError {
  line: number;
  column?: string;
  message: string;
}

export interface VoterImportResult {
  /** True when the file was imported; false: nothing was imported (see errors). */
  ok: boolean;
  rows: number;
  votersInserted: number;
  votersUpdated: number;
  phonesInserted: number;
  phonesUpdated: number;
  links: number;
  /** The first errors (up to 1000), by line. */
  errors: ImportRowError[];
  errorCount: number;
}

export interface VoterImportJob {
  id: string;
  fileName: string;
  /** The size the browser announced (null when unknown). */
  totalBytes: number | null;
  phase: VoterImportPhase;
  /** Data rows read so far. */
  rows: number;
  /** Bytes of the file read so far. */
  bytes: number;
  result: VoterImportResult | null;
  /** Why the import stopped without a result (the server failed or restarted). */
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface StartVoterImportRequest {
  fileName: string;
  totalBytes?: number;
}

// ---- targeting ------------------------------------------------------------------------------

export interface TargetFilterJson {
  tagsAny?: string[];
  tagsAll?: string[];
  tagsNone?: string[];
  groupsAny?: string[];
  minAge?: number;
  maxAge?: number;
  /** MM-DD, inclusive; wraps over New Year when from > to. */
  birthdayFrom?: string;
  birthdayTo?: string;
  states?: string[];
  cities?: string[];
  zips?: string[];
  zipPrefix?: string;
  hasPhone?: boolean;
}

export interface SaveTargetsRequest {
  filter: TargetFilterJson;
  /** Skip phones called in another project within this many days. */
  suppressDays?: number;
}

export interface SaveTargetsResultJson {
  votersMatched: number;
  votersWithPhone: number;
  suppressed: number;
  targetsAdded: number;
  phonesQueued: number;
}

export interface FacetValue {
  value: string;
  voters: number;
}

/** The values the campaign's voters have, most common first (for the targeting pickers). */
export interface VoterFacets {
  voters: number;
  tags: FacetValue[];
  groups: FacetValue[];
  states: FacetValue[];
  cities: FacetValue[];
}
