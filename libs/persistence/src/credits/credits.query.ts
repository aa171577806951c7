import { DataSource } from 'typeorm';
import { minutesOfCreditLeft } from '@phonebank/domain';
import type { Db } from '../sql';
import { QueueError, one, rows } from '../sql';
import type { ListPage } from '../dnc/campaign-dnc.command';

/**
 * A campaign's prepaid credits (SPEC §6): the append-only `credit_ledger` holds top-ups
 * (positive, entered by an admin) and power-dialing usage (negative, written by the dial
 * sessions' metering); the balance is their sum. Amounts are cents with four decimals.
 */

export interface CreditSummary {
  balanceCents: number;
  rateCentsPerMinute: number;
  /** Whole minutes of volunteer-leg time the balance still buys (null when dialing is free). */
  minutesLeft: number | null;
  toppedUpCents: number;
  usedCents: number;
  /** Usage in the last 30 days. */
  usedLast30DaysCents: number;
}

export async function creditSummary(db: Db, campaignId: string, now: Date): Promise<CreditSummary> {
  const r = await one<{ rate: string; balance: string; topped: string; used: string; used30: string }>(
    db,
    `SELECT c.rate_cents_per_minute AS rate,
            coalesce(sum(l.amount_cents), 0) AS balance,
            coalesce(sum(l.amount_cents) FILTER (WHERE l.amount_cents > 0), 0) AS topped,
            coalesce(-sum(l.amount_cents) FILTER (WHERE l.amount_cents < 0), 0) AS used,
            coalesce(-sum(l.amount_cents) FILTER (WHERE l.amount_cents < 0 AND l.created_at > $2::timestamptz - interval '30 days'), 0) AS used30
     FROM campaigns c LEFT JOIN credit_ledger l ON l.campaign_id = c.id
     WHERE c.id = $1 GROUP BY c.id`,
    [campaignId, now],
  );
  if (!r) throw new QueueError('NOT_FOUND', 'campaign not found');
  const balanceCents = Number(r.balance);
  const rate = Number(r.rate);
  return {
    balanceCents,
    rateCentsPerMinute: rate,
    minutesLeft: minutesOfCreditLeft(
      { balanceMillicents: Math.round(balanceCents * 1000) },
      Math.round(rate * 1000),
    ),
    toppedUpCents: Number(r.topped),
    usedCents: Number(r.used),
    usedLast30DaysCents: Number(r.used30),
  };
}

export type LedgerKind = 'top-up' | 'usage';

export interface LedgerEntry {
  id: string;
  kind: LedgerKind;
  amountCents: number;
  reason: string;
  /** The dial session a usage entry charges. */
  sessionId: string | null;
  /** Usage: the volunteer and project of the dial session. */
  volunteer: { id: string; name: string } | null;
  project: { id: string; name: string } | null;
  /** Top-up: the admin who entered it. */
  enteredBy: { id: string; name: string | null } | null;
  createdAt: Date;
}

export async function creditLedger(
  db: Db,
  campaignId: string,
  query: { kind?: LedgerKind | null; page: number; pageSize: number },
): Promise<ListPage<LedgerEntry>> {
  const sign = query.kind === 'top-up' ? 1 : query.kind === 'usage' ? -1 : 0;
  const total = await one<{ n: number }>(
    db,
    `SELECT count(*)::int AS n FROM credit_ledger WHERE campaign_id = $1 AND ($2 = 0 OR sign(amount_cents) = $2)`,
    [campaignId, sign],
  );
  const r = await rows<{
    id: string;
    amount_cents: string;
    reason: string;
    session_ref: string | null;
    created_by: string | null;
    created_by_name: string | null;
    volunteer_id: string | null;
    volunteer_name: string | null;
    project_id: string | null;
    project_name: string | null;
    created_at: Date;
  }>(
    db,
    `SELECT l.id::text, l.amount_cents, l.reason, l.session_ref, l.created_by, cb.name AS created_by_name,
            s.user_id AS volunteer_id, vu.name AS volunteer_name, s.project_id, pr.name AS project_name, l.created_at
     FROM credit_ledger l
     LEFT JOIN users cb ON cb.id = l.created_by
     LEFT JOIN dial_sessions s ON l.session_ref ~ '^[0-9a-f-]{36}$' AND s.id = l.session_ref::uuid AND s.campaign_id = l.campaign_id
     LEFT JOIN users vu ON vu.id = s.user_id
     LEFT JOIN projects pr ON pr.id = s.project_id
     WHERE l.campaign_id = $1 AND ($2 = 0 OR sign(l.amount_cents) = $2)
     ORDER BY l.created_at DESC, l.id DESC LIMIT $3 OFFSET $4`,
    [campaignId, sign, query.pageSize, (query.page - 1) * query.pageSize],
  );
  return {
    total: total?.n ?? 0,
    page: query.page,
    pageSize: query.pageSize,
    items: r.map((x) => {
      const amountCents = Number(x.amount_cents);
      return {
        id: x.id,
        kind: amountCents >= 0 ? 'top-up' : 'usage',
        amountCents,
        reason: x.reason,
        sessionId: x.session_ref,
        volunteer: x.volunteer_id ? { id: x.volunteer_id, name: x.volunteer_name ?? '' } : null,
        project: x.project_id ? { id: x.project_id, name: x.project_name ?? '' } : null,
        enteredBy: x.created_by ? { id: x.created_by, name: x.created_by_name } : null,
        createdAt: x.created_at,
      };
    }),
  };
}

/** Largest single top-up: $1,000,000 (a typo guard, not a business limit). */
export const MAX_TOP_UP_CENTS = 100_000_000;

/**
 * Add prepaid credit (an admin's top-up): one ledger row, never changed afterwards. Whole cents
 * only, positive, at most MAX_TOP_UP_CENTS; a note says where the money came from.
 */
export async function topUpCredits(
  db: Db,
  input: { campaignId: string; amountCents: number; reason: string; userId: string; now: Date },
): Promise<{ entryId: string; balanceCents: number }> {
  if (
    !Number.isSafeInteger(input.amountCents) ||
    input.amountCents <= 0 ||
    input.amountCents > MAX_TOP_UP_CENTS
  )
    throw new QueueError(
      'INVALID_INPUT',
      `a top-up is a whole number of cents between 1 and ${MAX_TOP_UP_CENTS} (got ${input.amountCents})`,
    );
  const reason = input.reason.replace(/\s+/g, ' ').trim();
  if (reason === '' || reason.length > 500)
    throw new QueueError(
      'INVALID_INPUT',
      'say where the money came from (1 to 500 characters), e.g. an invoice',
    );
  const work = async (tx: Db) => {
    const r = await one<{ id: string }>(
      tx,
      `INSERT INTO credit_ledger (campaign_id, amount_cents, reason, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING id::text`,
      [input.campaignId, input.amountCents, reason, input.userId, input.now],
    );
    const b = await one<{ b: string }>(
      tx,
      'SELECT coalesce(sum(amount_cents), 0) AS b FROM credit_ledger WHERE campaign_id = $1',
      [input.campaignId],
    );
    return { entryId: r!.id, balanceCents: Number(b!.b) };
  };
  return db instanceof DataSource ? db.transaction((em) => work(em)) : work(db);
}
