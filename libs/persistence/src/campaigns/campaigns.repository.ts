import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { KeyedBatcher, perOwner } from '../batcher';
import type { Db } from '../sql';
import { one, rows } from '../sql';
import type { UserRole } from '../entities/user.entity';
import { seedDefaultStateRules } from './calling-zones.repository';
import { invalidateClaimCache } from '../queue/claim-context';

export interface CampaignRow {
  id: string;
  name: string;
  defaultAttemptLimit: number;
  defaultRequeueDelayMinutes: number;
  rateCentsPerMinute: number;
}

export async function createCampaign(
  db: Db,
  input: {
    name: string;
    defaultAttemptLimit?: number;
    defaultRequeueDelayMinutes?: number;
    rateCentsPerMinute?: number;
  },
): Promise<CampaignRow> {
  const row = await one<{ id: string }>(
    db,
    `INSERT INTO campaigns (name, default_attempt_limit, default_requeue_delay_minutes, rate_cents_per_minute)
     VALUES ($1, coalesce($2, 3), coalesce($3, 30), coalesce($4, 2.9)) RETURNING id`,
    [
      input.name,
      input.defaultAttemptLimit ?? null,
      input.defaultRequeueDelayMinutes ?? null,
      input.rateCentsPerMinute ?? null,
    ],
  );
  await seedDefaultStateRules(db, row!.id);
  return (await getCampaign(db, row!.id))!;
}

export async function getCampaign(db: Db, id: string): Promise<CampaignRow | undefined> {
  const r = await one<{ id: string; name: string; a: number; d: number; rate: string }>(
    db,
    `SELECT id, name, default_attempt_limit a, default_requeue_delay_minutes d, rate_cents_per_minute rate
     FROM campaigns WHERE id = $1`,
    [id],
  );
  return (
    r && {
      id: r.id,
      name: r.name,
      defaultAttemptLimit: r.a,
      defaultRequeueDelayMinutes: r.d,
      rateCentsPerMinute: Number(r.rate),
    }
  );
}

export async function updateCampaignPolicy(
  db: Db,
  id: string,
  patch: { defaultAttemptLimit?: number; defaultRequeueDelayMinutes?: number; rateCentsPerMinute?: number },
): Promise<CampaignRow | undefined> {
  await db.query(
    `UPDATE campaigns SET default_attempt_limit = coalesce($2, default_attempt_limit),
       default_requeue_delay_minutes = coalesce($3, default_requeue_delay_minutes),
       rate_cents_per_minute = coalesce($4, rate_cents_per_minute)
     WHERE id = $1`,
    [
      id,
      patch.defaultAttemptLimit ?? null,
      patch.defaultRequeueDelayMinutes ?? null,
      patch.rateCentsPerMinute ?? null,
    ],
  );
  invalidateClaimCache(db);
  return getCampaign(db, id);
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface UserRow {
  id: string;
  campaignId: string | null;
  role: UserRole;
  name: string;
  email: string | null;
}

/** Create a user; returns the user and a fresh API token (shown once, stored hashed). */
export async function createUser(
  db: Db,
  input: { campaignId: string | null; role: UserRole; name: string; email?: string | null },
): Promise<{ user: UserRow; apiToken: string }> {
  const apiToken = randomBytes(24).toString('base64url');
  const r = await one<{ id: string }>(
    db,
    'INSERT INTO users (campaign_id, role, name, email, api_token_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [input.campaignId, input.role, input.name, input.email ?? null, hashApiToken(apiToken)],
  );
  return {
    user: {
      id: r!.id,
      campaignId: input.campaignId,
      role: input.role,
      name: input.name,
      email: input.email ?? null,
    },
    apiToken,
  };
}

/**
 * The user an API token names (not disabled). Requests of many volunteers at once (a burst of
 * clicks) are looked up together, one statement for the lot.
 */
export async function findUserByApiToken(db: Db, token: string): Promise<UserRow | undefined> {
  const hash = hashApiToken(token);
  if (db instanceof DataSource) return tokenLookupOf(db).submit('api-token', hash);
  return (await usersByApiTokenHash(db, [hash]))[0];
}

const tokenLookupOf = perOwner(
  (ds: DataSource) =>
    new KeyedBatcher<string, UserRow | undefined>((_key, hashes) => usersByApiTokenHash(ds, hashes), {
      maxBatch: 100,
      maxInFlightPerKey: 2,
    }),
);

async function usersByApiTokenHash(db: Db, hashes: readonly string[]): Promise<(UserRow | undefined)[]> {
  const found = await rows<{
    api_token_hash: string;
    id: string;
    campaign_id: string | null;
    role: UserRole;
    name: string;
    email: string | null;
  }>(
    db,
    'SELECT api_token_hash, id, campaign_id, role, name, email FROM users WHERE api_token_hash = ANY($1::text[]) AND disabled_at IS NULL',
    [hashes],
  );
  const byHash = new Map(
    found.map((r) => [
      r.api_token_hash,
      { id: r.id, campaignId: r.campaign_id, role: r.role, name: r.name, email: r.email },
    ]),
  );
  return hashes.map((h) => byHash.get(h));
}

export async function createTeam(
  db: Db,
  campaignId: string,
  name: string,
  memberIds: string[] = [],
): Promise<{ id: string }> {
  const team = await one<{ id: string }>(
    db,
    'INSERT INTO teams (campaign_id, name) VALUES ($1, $2) RETURNING id',
    [campaignId, name],
  );
  if (memberIds.length > 0) {
    await db.query(
      `INSERT INTO team_members (team_id, user_id)
       SELECT $1, u.id FROM users u WHERE u.id = ANY($2::uuid[]) AND u.campaign_id = $3 ON CONFLICT DO NOTHING`,
      [team!.id, memberIds, campaignId],
    );
  }
  return team!;
}

/** Append a credit movement (+ top-up, − usage). The table refuses updates and deletes. */
export async function appendCredit(
  db: Db,
  entry: { campaignId: string; amountCents: number; reason: string; sessionRef?: string | null },
): Promise<void> {
  await db.query(
    'INSERT INTO credit_ledger (campaign_id, amount_cents, reason, session_ref) VALUES ($1, $2, $3, $4)',
    [entry.campaignId, entry.amountCents, entry.reason, entry.sessionRef ?? null],
  );
}

export async function creditBalanceCents(db: Db, campaignId: string): Promise<number> {
  const r = await rows<{ b: string | null }>(
    db,
    'SELECT sum(amount_cents) b FROM credit_ledger WHERE campaign_id = $1',
    [campaignId],
  );
  return Number(r[0]?.b ?? 0);
}
