import type { CallOutcome } from '@phonebank/domain';
import { CALL_OUTCOMES, STANDARD_ONLINE_MINUTES, dayBounds, liveCallStage } from '@phonebank/domain';
import type { Db } from '../sql';
import { rows } from '../sql';

/**
 * What campaign staff see on the live dashboard (issue 6), read from the database (the truth,
 * whichever orchestrator instance runs the calls): volunteers online and their state, calls in
 * progress, what is left in each project's queue, and today's outcomes. Definitions are in
 * libs/domain/src/dashboard/dashboard.rules.ts.
 */
export interface DashboardSnapshot {
  campaignId: string;
  generatedAt: string;
  day: string;
  timeZone: string;
  standardOnlineMinutes: number;
  volunteers: {
    userId: string;
    name: string;
    mode: 'standard' | 'phone' | 'voip';
    project: { id: string; name: string };
    sessionId: string | null;
    state: string;
    since: string;
  }[];
  calls: {
    attemptId: string;
    volunteer: { id: string; name: string } | null;
    project: { id: string; name: string };
    phone: string;
    stage: ReturnType<typeof liveCallStage>;
    since: string;
  }[];
  queues: {
    projectId: string;
    name: string;
    remaining: number;
    readyNow: number;
    waiting: number;
    inProgress: number;
    outcomesToday: number;
  }[];
  outcomesToday: Record<CallOutcome, number>;
}

export async function dashboardSnapshot(
  db: Db,
  campaignId: string,
  now: Date,
  timeZone = 'UTC',
): Promise<DashboardSnapshot> {
  const today = dayBounds(now, timeZone);
  const since = new Date(now.getTime() - STANDARD_ONLINE_MINUTES * 60_000);

  const sessions = await rows<{
    id: string;
    user_id: string;
    name: string;
    mode: 'standard' | 'phone' | 'voip';
    project_id: string;
    project_name: string;
    stage: string;
    stage_entered_at: Date;
  }>(
    db,
    `SELECT s.id, s.user_id, u.name, s.mode, s.project_id, p.name AS project_name, s.stage, s.stage_entered_at
     FROM dial_sessions s JOIN users u ON u.id = s.user_id JOIN projects p ON p.id = s.project_id
     WHERE s.campaign_id = $1 AND s.ended_at IS NULL
     ORDER BY u.name, s.created_at`,
    [campaignId],
  );

  // Attempts of the campaign's projects, through the (project_id, claimed_at) index.
  const recent = await rows<{
    id: string;
    user_id: string | null;
    user_name: string | null;
    project_id: string;
    project_name: string;
    e164: string;
    session_id: string | null;
    claimed_at: Date;
    dial_started_at: Date | null;
    ringing_at: Date | null;
    answered_at: Date | null;
    voicemail_started_at: Date | null;
    outcome: CallOutcome | null;
    outcome_at: Date | null;
    released_at: Date | null;
    ended_at: Date | null;
    lease_expires_at: Date;
  }>(
    db,
    `SELECT a.id, a.user_id, u.name AS user_name, a.project_id, p.name AS project_name, a.e164, a.session_id,
            a.claimed_at, a.dial_started_at, a.ringing_at, a.answered_at, a.voicemail_started_at, a.outcome,
            a.outcome_at, a.released_at, a.ended_at, a.lease_expires_at
     FROM call_attempts a JOIN projects p ON p.id = a.project_id LEFT JOIN users u ON u.id = a.user_id
     WHERE a.project_id IN (SELECT id FROM projects WHERE campaign_id = $1)
       AND a.claimed_at >= $2::timestamptz - interval '12 hours'
       AND (a.outcome IS NULL AND a.released_at IS NULL AND a.lease_expires_at > $2
            OR greatest(a.claimed_at, a.outcome_at, a.released_at) >= $3)
     ORDER BY a.claimed_at`,
    [campaignId, now, since],
  );
  const open = recent.filter((a) => a.outcome === null && a.released_at === null && a.lease_expires_at > now);

  const powered = new Set(sessions.map((s) => s.user_id));
  const standard = new Map<string, DashboardSnapshot['volunteers'][number]>();
  for (const a of recent) {
    if (!a.user_id || powered.has(a.user_id)) continue;
    const last = [a.claimed_at, a.outcome_at, a.released_at].filter((d): d is Date => d !== null);
    const at = new Date(Math.max(...last.map((d) => d.getTime())));
    const onCall = open.includes(a);
    const prev = standard.get(a.user_id);
    const prevOnCall = prev?.state === 'on-call';
    if (prev && (prevOnCall || (!onCall && new Date(prev.since) >= at))) continue;
    standard.set(a.user_id, {
      userId: a.user_id,
      name: a.user_name ?? '',
      mode: 'standard',
      project: { id: a.project_id, name: a.project_name },
      sessionId: null,
      state: onCall ? 'on-call' : 'between-calls',
      since: (onCall ? a.claimed_at : at).toISOString(),
    });
  }

  const queues = await rows<{
    id: string;
    name: string;
    remaining: number;
    ready: number;
    waiting: number;
    held: number;
  }>(
    db,
    `SELECT p.id, p.name,
            count(q.id) FILTER (WHERE callable)::int AS remaining,
            count(q.id) FILTER (WHERE callable AND NOT held AND q.next_eligible_at <= $2)::int AS ready,
            count(q.id) FILTER (WHERE callable AND NOT held AND q.next_eligible_at > $2)::int AS waiting,
            count(q.id) FILTER (WHERE callable AND held)::int AS held
     FROM projects p
     LEFT JOIN LATERAL (
       SELECT q.id, q.next_eligible_at,
              (q.current_attempt_id IS NOT NULL AND q.lease_expires_at >= $2) AS held,
              (ph.status = 'active'
               AND NOT EXISTS (SELECT 1 FROM campaign_dnc d WHERE d.campaign_id = ph.campaign_id AND d.e164 = ph.e164)
               AND NOT EXISTS (SELECT 1 FROM install_flags f WHERE f.e164 = ph.e164)) AS callable
       FROM queue_entries q JOIN phones ph ON ph.id = q.phone_id
       WHERE q.project_id = p.id AND q.state = 'queued'
     ) q ON true
     WHERE p.campaign_id = $1 AND p.archived_at IS NULL
     GROUP BY p.id, p.name ORDER BY p.name, p.id`,
    [campaignId, now],
  );

  const outcomes = await rows<{ project_id: string; outcome: CallOutcome; n: number }>(
    db,
    `SELECT a.project_id, a.outcome, count(*)::int AS n FROM call_attempts a
     WHERE a.project_id IN (SELECT id FROM projects WHERE campaign_id = $1)
       AND a.claimed_at >= $2::timestamptz - interval '1 day'
       AND a.outcome_at >= $2 AND a.outcome_at < $3 AND a.outcome IS NOT NULL
     GROUP BY 1, 2`,
    [campaignId, today.start, today.end],
  );
  const outcomesToday = Object.fromEntries(CALL_OUTCOMES.map((o) => [o, 0])) as Record<CallOutcome, number>;
  const perProject = new Map<string, number>();
  for (const o of outcomes) {
    outcomesToday[o.outcome] += o.n;
    perProject.set(o.project_id, (perProject.get(o.project_id) ?? 0) + o.n);
  }

  return {
    campaignId,
    generatedAt: now.toISOString(),
    day: today.day,
    timeZone: today.timeZone,
    standardOnlineMinutes: STANDARD_ONLINE_MINUTES,
    volunteers: [
      ...sessions.map((s) => ({
        userId: s.user_id,
        name: s.name,
        mode: s.mode,
        project: { id: s.project_id, name: s.project_name },
        sessionId: s.id,
        state: s.stage,
        since: s.stage_entered_at.toISOString(),
      })),
      ...[...standard.values()].sort((a, b) => a.name.localeCompare(b.name)),
    ],
    // A power-dial session's next phone, claimed while its volunteer is idle, is not a call
    // until it is dialed (the session's own row says what the volunteer is doing).
    calls: open
      .filter((a) => a.session_id === null || a.dial_started_at !== null)
      .map((a) => ({
        attemptId: a.id,
        volunteer: a.user_id ? { id: a.user_id, name: a.user_name ?? '' } : null,
        project: { id: a.project_id, name: a.project_name },
        phone: a.e164,
        stage: liveCallStage({
          dialStartedAt: a.dial_started_at,
          ringingAt: a.ringing_at,
          answeredAt: a.answered_at,
          voicemailStartedAt: a.voicemail_started_at,
        }),
        since: (
          a.voicemail_started_at ??
          a.answered_at ??
          a.ringing_at ??
          a.dial_started_at ??
          a.claimed_at
        ).toISOString(),
      })),
    queues: queues.map((q) => ({
      projectId: q.id,
      name: q.name,
      remaining: q.remaining,
      readyNow: q.ready,
      waiting: q.waiting,
      inProgress: q.held,
      outcomesToday: perProject.get(q.id) ?? 0,
    })),
    outcomesToday,
  };
}
