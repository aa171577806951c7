import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@phonebank/config';
import {
  appendCredit,
  createCampaign,
  createProject,
  createUser,
  grantProjectAccess,
  importVotersCsv,
  one,
  saveTargetsIntoProject,
} from '@phonebank/persistence';
import { APP_CONFIG } from '../config/config.module';

const DEMO_CAMPAIGN = 'Demo campaign';
const FIRST = ['Ana', 'Ben', 'Chloe', 'Dev', 'Elena', 'Femi', 'Grace', 'Hugo', 'Ines', 'Jun'];
const LAST = ['Alvarez', 'Brown', 'Chen', 'Diallo', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jones'];
/** Tens digit of the demo numbers = what the simulated voter does (tests/sipp/voter-trunk.xml). */
const CLASSES = [0, 1, 2, 3, 5, 6, 7, 9, 0, 2, 3, 1];

/**
 * `npm start` sets PHONEBANK_DEMO=1: a demo campaign is created once (idempotent) with credit,
 * a volunteer, a project with a verified caller ID and voters whose numbers the simulated voter
 * trunk answers in every way a real one does. What scripts/demo/autopilot.ts needs is written to
 * <data dir>/demo.json (mode 600).
 */
@Module({})
export class DemoModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Demo');

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (process.env.PHONEBANK_DEMO !== '1') return;
    const existing = await one<{ id: string }>(this.db, `SELECT id FROM campaigns WHERE name = $1`, [
      DEMO_CAMPAIGN,
    ]);
    if (existing) {
      // Tokens are only stored hashed: issue a fresh volunteer token for this run.
      const user = await createUser(this.db, {
        campaignId: existing.id,
        role: 'volunteer',
        name: 'Demo volunteer',
      });
      const project = await one<{ id: string }>(
        this.db,
        `SELECT id FROM projects WHERE campaign_id = $1 LIMIT 1`,
        [existing.id],
      );
      await grantProjectAccess(this.db, existing.id, project!.id, { userIds: [user.user.id] });
      this.write(existing.id, project!.id, user.apiToken);
      return;
    }
    const campaign = await createCampaign(this.db, { name: DEMO_CAMPAIGN });
    await appendCredit(this.db, { campaignId: campaign.id, amountCents: 1000, reason: 'demo credit ($10)' });
    const project = await createProject(this.db, campaign.id, {
      name: 'Demo: get out the vote',
      timeZone: 'America/New_York',
      hoursStart: 0,
      hoursEnd: 1440,
      callerId: '+15550000199',
      script: 'Hi {first_name}, I am a volunteer with the demo campaign. Can we count on your vote?',
    });
    await this.db.query(
      `UPDATE projects SET caller_id_verified_at = now(), voicemail_recording = 'sound:tt-monkeys' WHERE id = $1`,
      [project.id],
    );
    const header = 'voter_id,first_name,last_name,state,phone1,phone1_score,phone1_type';
    const rows = CLASSES.map((cls, i) => {
      const number = `+1202555${String(200 + cls * 10 + i).padStart(4, '0')}`;
      return `DEMO${i + 1},${FIRST[i % FIRST.length]},${LAST[(i * 3) % LAST.length]},DC,${number},${90 - i},landline`;
    });
    const imported = await importVotersCsv(
      this.db,
      campaign.id,
      Readable.from([`${header}\n${rows.join('\n')}\n`]),
    );
    if (!imported.ok)
      throw new Error(`demo voters did not import: ${JSON.stringify(imported.errors.slice(0, 2))}`);
    await saveTargetsIntoProject(this.db, {
      campaignId: campaign.id,
      projectId: project.id,
      filter: {},
      now: new Date(),
      suppressDays: null,
    });
    const user = await createUser(this.db, {
      campaignId: campaign.id,
      role: 'volunteer',
      name: 'Demo volunteer',
    });
    await grantProjectAccess(this.db, campaign.id, project.id, { userIds: [user.user.id] });
    this.logger.log(`demo campaign created: ${CLASSES.length} voters queued in "Demo: get out the vote"`);
    this.write(campaign.id, project.id, user.apiToken);
  }

  private write(campaignId: string, projectId: string, volunteerToken: string): void {
    mkdirSync(this.config.dataDir, { recursive: true });
    const file = join(this.config.dataDir, 'demo.json');
    const baseUrl = `http://${this.config.http.host}:${this.config.http.port}`;
    writeFileSync(file, JSON.stringify({ baseUrl, campaignId, projectId, volunteerToken }, null, 2), {
      mode: 0o600,
    });
    this.logger.log(`demo ready (volunteer API token in ${file})`);
  }
}
