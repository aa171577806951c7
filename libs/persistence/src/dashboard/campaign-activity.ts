import type { Db } from '../sql';

/**
 * Something a live dashboard shows changed in a campaign (a claim, an outcome, a dial-session
 * stage, the DNC list). Announced with PostgreSQL NOTIFY so that every orchestrator instance
 * hears it, whichever instance made the change; the payload is the campaign id only. Dial
 * sessions announce themselves from a trigger (migration 1760000700000). Inside a transaction
 * the notice goes out at commit, and not at all on rollback.
 */
export const CAMPAIGN_ACTIVITY_CHANNEL = 'pb_campaign_activity';

export async function notifyCampaignActivity(db: Db, campaignId: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [CAMPAIGN_ACTIVITY_CHANNEL, campaignId]);
}
