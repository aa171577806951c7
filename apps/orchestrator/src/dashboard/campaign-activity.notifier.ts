import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { notifyCampaignActivity } from '@phonebank/persistence';

/**
 * Tells the live dashboards that something changed in a campaign (a claim, an outcome, a
 * release), through PostgreSQL NOTIFY so every orchestrator instance hears it. Never fails the
 * request that made the change: a lost notice only delays the dashboard until the next one.
 */
@Injectable()
export class CampaignActivityNotifier {
  private readonly logger = new Logger('CampaignActivity');

  constructor(private readonly ds: DataSource) {}

  changed(campaignId: string): void {
    notifyCampaignActivity(this.ds, campaignId).catch((error: unknown) =>
      this.logger.warn(
        `could not announce a change of campaign ${campaignId} to the dashboards: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }
}
