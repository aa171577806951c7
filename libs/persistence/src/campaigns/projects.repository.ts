import type { Db } from '../sql';
import { QueueError, one, rows } from '../sql';
import type { SurveyQuestion } from '../entities/project.entity';
import type { UserRow } from './campaigns.repository';
import { invalidateClaimCache } from '../queue/claim-context';

export interface ProjectInput {
  name: string;
  timeZone?: string;
  /** Minutes after local midnight. */
  hoursStart?: number;
  hoursEnd?: number;
  weekdays?: number[];
  callerId?: string | null;
  attemptLimit?: number | null;
  requeueDelayMinutes?: number | null;
  birthdayMode?: boolean;
  allowVoicemailToCells?: boolean;
  script?: string;
  surveyQuestions?: SurveyQuestion[];
}

export interface ProjectRow {
  id: string;
  campaignId: string;
  name: string;
  timeZone: string;
  hoursStart: number;
  hoursEnd: number;
  weekdays: number[];
  callerId: string | null;
  callerIdVerified: boolean;
  attemptLimit: number | null;
  requeueDelayMinutes: number | null;
  birthdayMode: boolean;
  allowVoicemailToCells: boolean;
  script: string;
  surveyQuestions: SurveyQuestion[];
}

interface Raw {
  id: string;
  campaign_id: string;
  name: string;
  time_zone: string;
  hours_start: number;
  hours_end: number;
  weekdays: number[];
  caller_id: string | null;
  caller_id_verified_at: Date | null;
  attempt_limit: number | null;
  requeue_delay_minutes: number | null;
  birthday_mode: boolean;
  allow_voicemail_to_cells: boolean;
  script: string;
  survey_questions: SurveyQuestion[];
}

const toRow = (r: Raw): ProjectRow => ({
  id: r.id,
  campaignId: r.campaign_id,
  name: r.name,
  timeZone: r.time_zone,
  hoursStart: r.hours_start,
  hoursEnd: r.hours_end,
  weekdays: r.weekdays,
  callerId: r.caller_id,
  callerIdVerified: r.caller_id_verified_at !== null,
  attemptLimit: r.attempt_limit,
  requeueDelayMinutes: r.requeue_delay_minutes,
  birthdayMode: r.birthday_mode,
  allowVoicemailToCells: r.allow_voicemail_to_cells,
  script: r.script,
  surveyQuestions: r.survey_questions,
});

export async function createProject(db: Db, campaignId: string, input: ProjectInput): Promise<ProjectRow> {
  const r = await one<Raw>(
    db,
    `INSERT INTO projects (campaign_id, name, time_zone, hours_start, hours_end, weekdays, caller_id, attempt_limit,
       requeue_delay_minutes, birthday_mode, allow_voicemail_to_cells, script, survey_questions)
     VALUES ($1, $2, coalesce($3, 'America/New_York'), coalesce($4::smallint, 540), coalesce($5::smallint, 1260), coalesce($6::smallint[], '{1,2,3,4,5,6,7}'),
       $7, $8::int, $9::int, coalesce($10::boolean, false), coalesce($11::boolean, false), coalesce($12, ''), coalesce($13::jsonb, '[]'))
     RETURNING *`,
    [
      campaignId,
      input.name,
      input.timeZone ?? null,
      input.hoursStart ?? null,
      input.hoursEnd ?? null,
      input.weekdays ?? null,
      input.callerId ?? null,
      input.attemptLimit ?? null,
      input.requeueDelayMinutes ?? null,
      input.birthdayMode ?? null,
      input.allowVoicemailToCells ?? null,
      input.script ?? null,
      input.surveyQuestions ? JSON.stringify(input.surveyQuestions) : null,
    ],
  );
  return toRow(r!);
}

export async function updateProject(
  db: Db,
  campaignId: string,
  projectId: string,
  patch: Partial<ProjectInput> & { archived?: boolean },
): Promise<ProjectRow> {
  const r = await one<Raw>(
    db,
    // A CTE, so the driver answers the updated row (a bare UPDATE answers [rows, count]).
    `WITH u AS (UPDATE projects SET name = coalesce($3, name), time_zone = coalesce($4, time_zone),
       hours_start = coalesce($5, hours_start), hours_end = coalesce($6, hours_end), weekdays = coalesce($7::smallint[], weekdays),
       caller_id = CASE WHEN $8::boolean THEN $9 ELSE caller_id END,
       caller_id_verified_at = CASE WHEN $8::boolean AND $9 IS DISTINCT FROM caller_id THEN NULL ELSE caller_id_verified_at END,
       attempt_limit = CASE WHEN $10::boolean THEN $11::int ELSE attempt_limit END,
       requeue_delay_minutes = CASE WHEN $12::boolean THEN $13::int ELSE requeue_delay_minutes END,
       birthday_mode = coalesce($14, birthday_mode), allow_voicemail_to_cells = coalesce($15, allow_voicemail_to_cells),
       script = coalesce($16, script), survey_questions = coalesce($17::jsonb, survey_questions),
       archived_at = CASE WHEN $18::boolean IS NULL THEN archived_at WHEN $18 THEN coalesce(archived_at, now()) END
     WHERE id = $2 AND campaign_id = $1 RETURNING *) SELECT * FROM u`,
    [
      campaignId,
      projectId,
      patch.name ?? null,
      patch.timeZone ?? null,
      patch.hoursStart ?? null,
      patch.hoursEnd ?? null,
      patch.weekdays ?? null,
      patch.callerId !== undefined,
      patch.callerId ?? null,
      patch.attemptLimit !== undefined,
      patch.attemptLimit ?? null,
      patch.requeueDelayMinutes !== undefined,
      patch.requeueDelayMinutes ?? null,
      patch.birthdayMode ?? null,
      patch.allowVoicemailToCells ?? null,
      patch.script ?? null,
      patch.surveyQuestions ? JSON.stringify(patch.surveyQuestions) : null,
      patch.archived ?? null,
    ],
  );
  if (!r) throw new QueueError('NOT_FOUND', 'project not found');
  invalidateClaimCache(db);
  return toRow(r);
}

export async function getProject(
  db: Db,
  campaignId: string,
  projectId: string,
): Promise<ProjectRow | undefined> {
  const r = await one<Raw>(db, 'SELECT * FROM projects WHERE id = $1 AND campaign_id = $2', [
    projectId,
    campaignId,
  ]);
  return r && toRow(r);
}

/** Grant a project to named volunteers and/or teams of the same campaign. */
export async function grantProjectAccess(
  db: Db,
  campaignId: string,
  projectId: string,
  grant: { userIds?: string[]; teamIds?: string[] },
): Promise<void> {
  if (!(await getProject(db, campaignId, projectId))) throw new QueueError('NOT_FOUND', 'project not found');
  await db.query(
    `INSERT INTO project_access (project_id, user_id)
     SELECT $1, u.id FROM users u WHERE u.id = ANY($2::uuid[]) AND u.campaign_id = $3 ON CONFLICT DO NOTHING`,
    [projectId, grant.userIds ?? [], campaignId],
  );
  await db.query(
    `INSERT INTO project_access (project_id, team_id)
     SELECT $1, t.id FROM teams t WHERE t.id = ANY($2::uuid[]) AND t.campaign_id = $3 ON CONFLICT DO NOTHING`,
    [projectId, grant.teamIds ?? [], campaignId],
  );
}

const VISIBLE = `p.campaign_id = $1 AND p.archived_at IS NULL AND (
  $2::text IN ('admin', 'organizer')
  OR EXISTS (SELECT 1 FROM project_access a WHERE a.project_id = p.id AND (a.user_id = $3
     OR a.team_id IN (SELECT m.team_id FROM team_members m WHERE m.user_id = $3))))`;

/** Staff see every project of their campaign; a volunteer only the projects granted to them or their teams. */
export async function listProjectsForUser(db: Db, user: UserRow): Promise<ProjectRow[]> {
  if (!user.campaignId) return [];
  const r = await rows<Raw>(db, `SELECT p.* FROM projects p WHERE ${VISIBLE} ORDER BY p.name`, [
    user.campaignId,
    user.role,
    user.id,
  ]);
  return r.map(toRow);
}

export async function userCanAccessProject(db: Db, user: UserRow, projectId: string): Promise<boolean> {
  if (!user.campaignId) return false;
  const r = await one<{ ok: boolean }>(
    db,
    `SELECT true AS ok FROM projects p WHERE p.id = $4 AND ${VISIBLE}`,
    [user.campaignId, user.role, user.id, projectId],
  );
  return r !== undefined;
}

export interface QueueStats {
  queued: number;
  leased: number;
  waiting: number;
  done: Record<string, number>;
}

export async function projectQueueStats(db: Db, projectId: string, now: Date): Promise<QueueStats> {
  return (await queueStatsByProject(db, [projectId], now)).get(projectId)!;
}

/** The queue figures of the given projects (leased / waiting counted at `now`). */
export async function queueStatsByProject(
  db: Db,
  projectIds: string[],
  now: Date,
): Promise<Map<string, QueueStats>> {
  const r = await rows<{
    project_id: string;
    state: string;
    reason: string | null;
    leased: boolean;
    waiting: boolean;
    n: string;
  }>(
    db,
    `SELECT project_id, state, exit_reason AS reason, lease_expires_at >= $2 AS leased, next_eligible_at > $2 AS waiting,
            count(*) n
     FROM queue_entries WHERE project_id = ANY($1::uuid[]) GROUP BY 1, 2, 3, 4, 5`,
    [projectIds, now],
  );
  const byProject = new Map<string, QueueStats>();
  for (const id of projectIds) byProject.set(id, { queued: 0, leased: 0, waiting: 0, done: {} });
  for (const x of r) {
    const f = byProject.get(x.project_id)!;
    const n = Number(x.n);
    if (x.state === 'done') f.done[x.reason ?? 'unknown'] = (f.done[x.reason ?? 'unknown'] ?? 0) + n;
    else if (x.leased) f.leased += n;
    else if (x.waiting) f.waiting += n;
    else f.queued += n;
  }
  return byProject;
}

/** A voter's full profile: fields, every number with its status (DNC shown, never hidden), notes. */
export async function voterProfile(
  db: Db,
  campaignId: string,
  voterId: string,
): Promise<Record<string, unknown> | undefined> {
  const v = await one<Record<string, unknown>>(
    db,
    `SELECT v.id, v.external_id, v.first_name, v.middle_name, v.last_name, v.address_line1, v.address_line2, v.city,
            trim(v.state) AS state, v.zip, to_char(v.birthday, 'YYYY-MM-DD') AS birthday, v.time_zone, v.tags, v.groups, v.notes,
       coalesce((SELECT json_agg(json_build_object('id', p.id, 'e164', p.e164, 'status', p.status, 'lineType', p.line_type,
                   'accuracyScore', p.accuracy_score, 'attempts', p.attempts, 'wrongNumber', vp.wrong_number,
                   'dnc', p.status = 'dnc' OR EXISTS (SELECT 1 FROM campaign_dnc d WHERE d.campaign_id = p.campaign_id AND d.e164 = p.e164)
                          OR EXISTS (SELECT 1 FROM install_flags f WHERE f.e164 = p.e164))
                 ORDER BY p.accuracy_score DESC)
                 FROM voter_phones vp JOIN phones p ON p.id = vp.phone_id WHERE vp.voter_id = v.id), '[]') AS phones,
       coalesce((SELECT json_agg(json_build_object('body', n.body, 'userId', n.user_id, 'createdAt', n.created_at) ORDER BY n.created_at)
                 FROM voter_notes n WHERE n.voter_id = v.id), '[]') AS note_log
     FROM voters v WHERE v.id = $1 AND v.campaign_id = $2`,
    [voterId, campaignId],
  );
  return v;
}

export async function addVoterNote(
  db: Db,
  campaignId: string,
  voterId: string,
  userId: string,
  body: string,
): Promise<void> {
  const r = await rows(
    db,
    `INSERT INTO voter_notes (voter_id, user_id, body) SELECT v.id, $3, $4 FROM voters v WHERE v.id = $1 AND v.campaign_id = $2 RETURNING id`,
    [voterId, campaignId, userId, body],
  );
  if (r.length === 0) throw new QueueError('NOT_FOUND', 'voter not found');
}
