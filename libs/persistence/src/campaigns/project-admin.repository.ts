import type { Db } from '../sql';
import { QueueError, one, rows } from '../sql';
import type { SurveyQuestion } from '../entities/project.entity';
import { getCampaign } from './campaigns.repository';
import { queueStatsByProject } from './projects.repository';
import type {
  CampaignUser,
  FacetValue,
  GrantedUser,
  ProjectGrants,
  ProjectSettings,
  QueueFigures,
  StaffProjectSummary,
  TeamJson,
  VoterFacets,
} from '../../../contracts/src/staff.contract';

/**
 * What the staff pages read and change about projects, people and teams (issue 6). Every
 * function takes the campaign and touches nothing outside it: an id of another campaign is
 * "not found". UPDATE and DELETE run inside a CTE so the driver answers their rows (a bare
 * UPDATE or DELETE answers [rows, count]).
 */

// The shapes these functions answer are the staff contract's, defined once there.
export type { QueueFigures };
export type StaffProjectRow = StaffProjectSummary;
export type ProjectSettingsRow = ProjectSettings;
export type PersonRow = GrantedUser;
export type ProjectGrantsRow = ProjectGrants;
export type CampaignUserRow = CampaignUser;
export type TeamRow = TeamJson;
export type FacetValueRow = FacetValue;
export type VoterFacetsRow = VoterFacets;

interface ProjectRaw {
  id: string;
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
  has_recording: boolean;
  script: string;
  survey_questions: SurveyQuestion[];
  archived_at: Date | null;
  created_at: Date;
  targets: string;
  grants: string;
}

const PROJECT_COLUMNS = `p.id, p.name, p.time_zone, p.hours_start, p.hours_end, p.weekdays, p.caller_id,
  p.caller_id_verified_at, p.attempt_limit, p.requeue_delay_minutes, p.birthday_mode, p.allow_voicemail_to_cells,
  p.voicemail_recording IS NOT NULL AS has_recording, p.script, p.survey_questions, p.archived_at, p.created_at,
  (SELECT count(*) FROM project_targets t WHERE t.project_id = p.id) AS targets,
  (SELECT count(*) FROM project_access a WHERE a.project_id = p.id) AS grants`;

/** Every project of the campaign (open ones first, then archived), with its queue figures. */
export async function listCampaignProjects(
  db: Db,
  campaignId: string,
  now: Date,
): Promise<StaffProjectRow[]> {
  const projects = await rows<ProjectRaw>(
    db,
    `SELECT ${PROJECT_COLUMNS} FROM projects p WHERE p.campaign_id = $1 ORDER BY p.archived_at IS NOT NULL, lower(p.name)`,
    [campaignId],
  );
  const figures = await queueStatsByProject(
    db,
    projects.map((p) => p.id),
    now,
  );
  return projects.map((p) => ({
    id: p.id,
    name: p.name,
    archived: p.archived_at !== null,
    birthdayMode: p.birthday_mode,
    timeZone: p.time_zone,
    hoursStart: p.hours_start,
    hoursEnd: p.hours_end,
    weekdays: p.weekdays,
    callerId: p.caller_id,
    callerIdVerified: p.caller_id_verified_at !== null,
    grants: Number(p.grants),
    queue: { targets: Number(p.targets), ...figures.get(p.id)! },
  }));
}

/** One project with every setting the staff may edit, and what the other project pages set. */
export async function projectSettings(
  db: Db,
  campaignId: string,
  projectId: string,
  now: Date,
): Promise<ProjectSettingsRow> {
  const p = await one<ProjectRaw>(
    db,
    `SELECT ${PROJECT_COLUMNS} FROM projects p WHERE p.id = $1 AND p.campaign_id = $2`,
    [projectId, campaignId],
  );
  const campaign = p && (await getCampaign(db, campaignId));
  if (!p || !campaign) throw new QueueError('NOT_FOUND', 'project not found');
  const figures = await queueStatsByProject(db, [p.id], now);
  return {
    id: p.id,
    name: p.name,
    timeZone: p.time_zone,
    hoursStart: p.hours_start,
    hoursEnd: p.hours_end,
    weekdays: p.weekdays,
    attemptLimit: p.attempt_limit,
    requeueDelayMinutes: p.requeue_delay_minutes,
    campaignDefaults: {
      attemptLimit: campaign.defaultAttemptLimit,
      requeueDelayMinutes: campaign.defaultRequeueDelayMinutes,
    },
    birthdayMode: p.birthday_mode,
    allowVoicemailToCells: p.allow_voicemail_to_cells,
    script: p.script,
    surveyQuestions: p.survey_questions,
    archived: p.archived_at !== null,
    callerId: p.caller_id,
    callerIdVerified: p.caller_id_verified_at !== null,
    voicemailRecording: p.has_recording,
    createdAt: p.created_at.toISOString(),
    queue: { targets: Number(p.targets), ...figures.get(p.id)! },
  };
}

// ---- access ---------------------------------------------------------------------------------

async function assertProject(db: Db, campaignId: string, projectId: string): Promise<void> {
  const p = await one(db, 'SELECT 1 FROM projects WHERE id = $1 AND campaign_id = $2', [
    projectId,
    campaignId,
  ]);
  if (!p) throw new QueueError('NOT_FOUND', 'project not found');
}

/** Who the project is granted to: named people and teams. */
export async function listProjectGrants(
  db: Db,
  campaignId: string,
  projectId: string,
): Promise<ProjectGrantsRow> {
  await assertProject(db, campaignId, projectId);
  const users = await rows<PersonRow>(
    db,
    `SELECT u.id, u.name, u.email, u.role FROM project_access a JOIN users u ON u.id = a.user_id
     WHERE a.project_id = $1 AND u.campaign_id = $2 ORDER BY lower(u.name), u.email`,
    [projectId, campaignId],
  );
  const teams = await rows<{ id: string; name: string; members: string }>(
    db,
    `SELECT t.id, t.name, (SELECT count(*) FROM team_members m WHERE m.team_id = t.id) AS members
     FROM project_access a JOIN teams t ON t.id = a.team_id
     WHERE a.project_id = $1 AND t.campaign_id = $2 ORDER BY lower(t.name)`,
    [projectId, campaignId],
  );
  return { users, teams: teams.map((t) => ({ ...t, members: Number(t.members) })) };
}

/** Take a project back from a person or a team (their claims already handed out expire as usual). */
export async function revokeProjectAccess(
  db: Db,
  campaignId: string,
  projectId: string,
  who: { userId: string } | { teamId: string },
): Promise<void> {
  await assertProject(db, campaignId, projectId);
  const r =
    'userId' in who
      ? await rows(
          db,
          'WITH d AS (DELETE FROM project_access WHERE project_id = $1 AND user_id = $2 RETURNING id) SELECT id FROM d',
          [projectId, who.userId],
        )
      : await rows(
          db,
          'WITH d AS (DELETE FROM project_access WHERE project_id = $1 AND team_id = $2 RETURNING id) SELECT id FROM d',
          [projectId, who.teamId],
        );
  if (r.length === 0)
    throw new QueueError(
      'NOT_FOUND',
      `this ${'userId' in who ? 'person' : 'team'} has no access to the project`,
    );
}

// ---- people and teams -----------------------------------------------------------------------

/** The campaign's people (active accounts and pending invitations), with their teams. */
export async function listCampaignUsers(db: Db, campaignId: string): Promise<CampaignUserRow[]> {
  return rows<CampaignUserRow>(
    db,
    `SELECT u.id, u.name, u.email, u.role, u.password_hash IS NULL AND EXISTS (SELECT 1 FROM user_invitations i WHERE i.user_id = u.id AND i.accepted_at IS NULL) AS invited,
       coalesce((SELECT json_agg(json_build_object('id', t.id, 'name', t.name) ORDER BY lower(t.name))
                 FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = u.id), '[]') AS teams
     FROM users u WHERE u.campaign_id = $1 AND u.disabled_at IS NULL
     ORDER BY lower(u.name), u.email`,
    [campaignId],
  );
}

const TEAM_SELECT = `SELECT t.id, t.name,
   coalesce((SELECT json_agg(json_build_object('id', u.id, 'name', u.name, 'email', u.email, 'role', u.role)
                             ORDER BY lower(u.name), u.email)
             FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = t.id), '[]') AS members,
   coalesce((SELECT json_agg(json_build_object('id', p.id, 'name', p.name) ORDER BY lower(p.name))
             FROM project_access a JOIN projects p ON p.id = a.project_id
             WHERE a.team_id = t.id AND p.archived_at IS NULL), '[]') AS projects
 FROM teams t`;

export async function listTeams(db: Db, campaignId: string): Promise<TeamRow[]> {
  return rows<TeamRow>(db, `${TEAM_SELECT} WHERE t.campaign_id = $1 ORDER BY lower(t.name)`, [campaignId]);
}

export async function getTeam(db: Db, campaignId: string, teamId: string): Promise<TeamRow> {
  const t = await one<TeamRow>(db, `${TEAM_SELECT} WHERE t.id = $1 AND t.campaign_id = $2`, [
    teamId,
    campaignId,
  ]);
  if (!t) throw new QueueError('NOT_FOUND', 'team not found');
  return t;
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}

/** A new team (names are unique within the campaign). */
export async function createNamedTeam(db: Db, campaignId: string, name: string): Promise<TeamRow> {
  try {
    const t = await one<{ id: string }>(
      db,
      'INSERT INTO teams (campaign_id, name) VALUES ($1, $2) RETURNING id',
      [campaignId, name],
    );
    return await getTeam(db, campaignId, t!.id);
  } catch (e) {
    if (isUniqueViolation(e))
      throw new QueueError('INVALID_INPUT', `a team named "${name}" already exists; choose another name`);
    throw e;
  }
}

export async function renameTeam(db: Db, campaignId: string, teamId: string, name: string): Promise<TeamRow> {
  try {
    const r = await rows(
      db,
      'WITH u AS (UPDATE teams SET name = $3 WHERE id = $1 AND campaign_id = $2 RETURNING id) SELECT id FROM u',
      [teamId, campaignId, name],
    );
    if (r.length === 0) throw new QueueError('NOT_FOUND', 'team not found');
  } catch (e) {
    if (isUniqueViolation(e))
      throw new QueueError('INVALID_INPUT', `a team named "${name}" already exists; choose another name`);
    throw e;
  }
  return getTeam(db, campaignId, teamId);
}

/** Delete a team: its members stay; the projects granted to the team are no longer theirs through it. */
export async function deleteTeam(db: Db, campaignId: string, teamId: string): Promise<void> {
  const r = await rows(
    db,
    'WITH d AS (DELETE FROM teams WHERE id = $1 AND campaign_id = $2 RETURNING id) SELECT id FROM d',
    [teamId, campaignId],
  );
  if (r.length === 0) throw new QueueError('NOT_FOUND', 'team not found');
}

/** Add a person of the same campaign to a team (idempotent). */
export async function addTeamMember(
  db: Db,
  campaignId: string,
  teamId: string,
  userId: string,
): Promise<TeamRow> {
  await getTeam(db, campaignId, teamId);
  const u = await one(db, 'SELECT 1 FROM users WHERE id = $1 AND campaign_id = $2', [userId, campaignId]);
  if (!u) throw new QueueError('NOT_FOUND', 'person not found in this campaign');
  await db.query('INSERT INTO team_members (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    teamId,
    userId,
  ]);
  return getTeam(db, campaignId, teamId);
}

export async function removeTeamMember(
  db: Db,
  campaignId: string,
  teamId: string,
  userId: string,
): Promise<TeamRow> {
  await getTeam(db, campaignId, teamId);
  const r = await rows(
    db,
    'WITH d AS (DELETE FROM team_members WHERE team_id = $1 AND user_id = $2 RETURNING user_id) SELECT user_id FROM d',
    [teamId, userId],
  );
  if (r.length === 0) throw new QueueError('NOT_FOUND', 'this person is not in the team');
  return getTeam(db, campaignId, teamId);
}

// ---- targeting pickers ----------------------------------------------------------------------

/** The most common tags, groups, states and cities of the campaign's voters (up to `limit` each). */
export async function voterFacets(db: Db, campaignId: string, limit = 200): Promise<VoterFacetsRow> {
  const facet = async (expr: string): Promise<FacetValueRow[]> =>
    (
      await rows<{ value: string; n: string }>(
        db,
        `SELECT value, count(*) n FROM (SELECT ${expr} AS value FROM voters v WHERE v.campaign_id = $1) x
         WHERE value IS NOT NULL AND value <> '' GROUP BY value ORDER BY count(*) DESC, value LIMIT $2`,
        [campaignId, limit],
      )
    ).map((r) => ({ value: r.value, voters: Number(r.n) }));
  const total = await one<{ n: string }>(db, 'SELECT count(*) n FROM voters WHERE campaign_id = $1', [
    campaignId,
  ]);
  return {
    voters: Number(total?.n ?? 0),
    tags: await facet('unnest(v.tags)'),
    groups: await facet('unnest(v.groups)'),
    states: await facet('trim(v.state)'),
    cities: await facet('v.city'),
  };
}
