import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { KeyedBatcher, perOwner } from '../batcher';
import type { Db } from '../sql';
import { one, rows } from '../sql';
import type { UserRole } from '../entities/user.entity';
import type { UserRow } from '../campaigns/campaigns.repository';

/**
 * Accounts (issue 5): invitations, passwords and login sessions. Secrets (invitation and
 * session tokens) are random, handed to the user once, and stored only as SHA-256 hashes; a
 * password is stored as the hash string the caller computed (scrypt, in the orchestrator).
 */

/** A fresh random secret (256 bits, URL-safe) and the hash to store for it. */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

interface UserRaw {
  id: string;
  campaign_id: string | null;
  role: UserRole;
  name: string;
  email: string | null;
}
const toUser = (r: UserRaw): UserRow => ({
  id: r.id,
  campaignId: r.campaign_id,
  role: r.role,
  name: r.name,
  email: r.email,
});
const USER_COLUMNS = 'u.id, u.campaign_id, u.role, u.name, u.email';

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const r = await one<UserRaw>(
    db,
    `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1 AND u.disabled_at IS NULL`,
    [id],
  );
  return r && toUser(r);
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const r = await one<UserRaw>(db, `SELECT ${USER_COLUMNS} FROM users u WHERE lower(u.email) = lower($1)`, [
    email,
  ]);
  return r && toUser(r);
}

/** The user and stored password hash for a login attempt (undefined: no such active user). */
export async function findLoginCredentials(
  db: Db,
  email: string,
): Promise<{ user: UserRow; passwordHash: string | null } | undefined> {
  const r = await one<UserRaw & { password_hash: string | null }>(
    db,
    `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE lower(u.email) = lower($1) AND u.disabled_at IS NULL`,
    [email],
  );
  return r && { user: toUser(r), passwordHash: r.password_hash };
}

export async function setPasswordHash(
  db: Db,
  userId: string,
  passwordHash: string,
  now: Date,
): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2, password_set_at = $3 WHERE id = $1', [
    userId,
    passwordHash,
    now,
  ]);
}

export async function campaignName(db: Db, campaignId: string | null): Promise<string | null> {
  if (!campaignId) return null;
  const r = await one<{ name: string }>(db, 'SELECT name FROM campaigns WHERE id = $1', [campaignId]);
  return r?.name ?? null;
}

// ---- invitations ---------------------------------------------------------------------------

export interface CreatedInvitation {
  user: UserRow;
  token: string;
  expiresAt: Date;
}

export type InvitationRefusal = 'EMAIL_TAKEN' | 'ALREADY_ACTIVE';

/**
 * Invite someone to a campaign: creates the user (no password yet) or reuses an invited user of
 * the same campaign who has not set a password, and issues a new single-use token. Earlier
 * unused invitations of that user stop working.
 */
export async function createInvitation(
  db: Db,
  input: {
    campaignId: string;
    email: string;
    name: string;
    role: UserRole;
    invitedBy: string;
    now: Date;
    ttlSeconds: number;
  },
): Promise<CreatedInvitation | InvitationRefusal> {
  const existing = await one<UserRaw & { password_hash: string | null }>(
    db,
    `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE lower(u.email) = lower($1)`,
    [input.email],
  );
  let user: UserRow;
  if (existing) {
    if (existing.campaign_id !== input.campaignId) return 'EMAIL_TAKEN';
    if (existing.password_hash) return 'ALREADY_ACTIVE';
    user = toUser(existing);
  } else {
    const r = await one<UserRaw>(
      db,
      `INSERT INTO users (campaign_id, role, name, email) VALUES ($1, $2, $3, $4) RETURNING id, campaign_id, role, name, email`,
      [input.campaignId, input.role, input.name, input.email],
    );
    user = toUser(r!);
  }
  await db.query(
    'UPDATE user_invitations SET expires_at = least(expires_at, $2) WHERE user_id = $1 AND accepted_at IS NULL',
    [user.id, input.now],
  );
  const { token, hash } = newSecretToken();
  const expiresAt = new Date(input.now.getTime() + input.ttlSeconds * 1000);
  await db.query(
    'INSERT INTO user_invitations (user_id, token_hash, invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
    [user.id, hash, input.invitedBy, input.now, expiresAt],
  );
  return { user, token, expiresAt };
}

/**
 * Use an invitation: compare-and-set on the invitation row (unused, unexpired), then set the
 * password. Undefined when the token is unknown, used or expired.
 */
export async function acceptInvitation(
  db: Db,
  input: { token: string; passwordHash: string; now: Date },
): Promise<UserRow | undefined> {
  const r = await one<{ user_id: string }>(
    db,
    // (A CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], not rows.)
    `WITH used AS (
       UPDATE user_invitations SET accepted_at = $2
       WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2 RETURNING user_id
     ) SELECT user_id FROM used`,
    [hashSecretToken(input.token), input.now],
  );
  if (!r) return undefined;
  await setPasswordHash(db, r.user_id, input.passwordHash, input.now);
  return findUserById(db, r.user_id);
}

// ---- login sessions ------------------------------------------------------------------------

export async function createLoginSession(
  db: Db,
  input: { userId: string; now: Date; ttlSeconds: number; ip?: string | null; userAgent?: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newSecretToken();
  const expiresAt = new Date(input.now.getTime() + input.ttlSeconds * 1000);
  await db.query(
    'INSERT INTO login_sessions (user_id, token_hash, created_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)',
    [input.userId, hash, input.now, expiresAt, input.ip ?? null, input.userAgent?.slice(0, 300) ?? null],
  );
  return { token, expiresAt };
}

/** The user of an unexpired login session (the cookie's token), or undefined. */
/** The user a login session token names, while the session lasts (looked up together under load). */
export async function findUserBySessionToken(db: Db, token: string, now: Date): Promise<UserRow | undefined> {
  const lookup = { hash: hashSecretToken(token), now };
  if (db instanceof DataSource) return sessionLookupOf(db).submit('session', lookup);
  return (await usersBySessionTokenHash(db, [lookup]))[0];
}

const sessionLookupOf = perOwner(
  (ds: DataSource) =>
    new KeyedBatcher<{ hash: string; now: Date }, UserRow | undefined>(
      (_key, lookups) => usersBySessionTokenHash(ds, lookups),
      { maxBatch: 100, maxInFlightPerKey: 2 },
    ),
);

async function usersBySessionTokenHash(
  db: Db,
  lookups: readonly { hash: string; now: Date }[],
): Promise<(UserRow | undefined)[]> {
  const found = await rows<UserRaw & { ord: string }>(
    db,
    `SELECT v.ord, ${USER_COLUMNS}
     FROM unnest($1::text[], $2::timestamptz[]) WITH ORDINALITY AS v(hash, now, ord)
     JOIN login_sessions s ON s.token_hash = v.hash AND s.expires_at > v.now
     JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL`,
    [lookups.map((l) => l.hash), lookups.map((l) => l.now)],
  );
  const byOrd = new Map(found.map((r) => [Number(r.ord), toUser(r)]));
  return lookups.map((_, i) => byOrd.get(i + 1));
}

export async function deleteLoginSession(db: Db, token: string): Promise<void> {
  await db.query('DELETE FROM login_sessions WHERE token_hash = $1', [hashSecretToken(token)]);
}

/** Drop expired sessions (a sweeper may call this; lookups ignore them anyway). */
export async function purgeExpiredLoginSessions(db: Db, now: Date): Promise<number> {
  const r = await rows<{ id: string }>(
    db,
    'WITH gone AS (DELETE FROM login_sessions WHERE expires_at <= $1 RETURNING id) SELECT id FROM gone',
    [now],
  );
  return r.length;
}

// ---- survey answers ------------------------------------------------------------------------

export interface SurveyAnswerRow {
  voterId: string;
  questionId: string;
  tag: string;
  /** The group the answer puts the voter in (from the project's survey), if any. */
  group?: string | null;
}

/**
 * Save survey answers for the voters on an attempt's phone: one answer per voter and question
 * (a later answer replaces it), and the answer's tag added to the voter's tags (SPEC §4).
 * Only voters on the attempt's phone are accepted; returns how many answers were saved.
 */
export async function saveSurveyAnswers(
  db: Db,
  input: { attemptId: string; userId: string; answers: SurveyAnswerRow[]; now: Date },
): Promise<number> {
  if (input.answers.length === 0) return 0;
  const saved = await rows<{ voter_id: string }>(
    db,
    `WITH a AS (SELECT id, phone_id FROM call_attempts WHERE id = $1),
     input AS (SELECT * FROM unnest($2::bigint[], $3::text[], $4::text[]) AS t(voter_id, question_id, tag)),
     ok AS (SELECT input.* FROM input JOIN a ON true JOIN voter_phones vp ON vp.phone_id = a.phone_id AND vp.voter_id = input.voter_id)
     INSERT INTO survey_answers (attempt_id, voter_id, question_id, answer_tag, user_id, answered_at)
     SELECT $1, voter_id, question_id, tag, $5, $6 FROM ok
     ON CONFLICT (attempt_id, voter_id, question_id) DO UPDATE SET answer_tag = EXCLUDED.answer_tag, answered_at = EXCLUDED.answered_at
     RETURNING voter_id`,
    [
      input.attemptId,
      input.answers.map((a) => a.voterId),
      input.answers.map((a) => a.questionId),
      input.answers.map((a) => a.tag),
      input.userId,
      input.now,
    ],
  );
  await db.query(
    `UPDATE voters v SET tags = (SELECT array_agg(DISTINCT t ORDER BY t) FROM unnest(v.tags || s.tags) t), updated_at = $2
     FROM (SELECT voter_id, array_agg(answer_tag) tags FROM survey_answers WHERE attempt_id = $1 GROUP BY voter_id) s
     WHERE v.id = s.voter_id AND NOT (v.tags @> s.tags)`,
    [input.attemptId, input.now],
  );
  const grouped = input.answers.filter((a) => a.group);
  if (grouped.length > 0) {
    await db.query(
      `UPDATE voters v SET groups = (SELECT array_agg(DISTINCT g ORDER BY g) FROM unnest(v.groups || s.groups) g), updated_at = $3
       FROM (SELECT x.voter_id, array_agg(DISTINCT x.grp) groups FROM unnest($1::bigint[], $2::text[]) AS x(voter_id, grp)
             WHERE x.voter_id IN (SELECT voter_id FROM survey_answers WHERE attempt_id = $4) GROUP BY x.voter_id) s
       WHERE v.id = s.voter_id AND NOT (v.groups @> s.groups)`,
      [grouped.map((a) => a.voterId), grouped.map((a) => a.group), input.now, input.attemptId],
    );
  }
  return saved.length;
}
