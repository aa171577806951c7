import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@phonebank/config';
import { daytimeZone, type Clock } from '@phonebank/domain';
import {
  appendCredit,
  createCampaign,
  createProject,
  createUser,
  creditSummary,
  grantProjectAccess,
  importVotersCsv,
  one,
  saveTargetsIntoProject,
} from '@phonebank/persistence';
import { CLOCK, ClockModule } from '../clock/clock.module';
import { APP_CONFIG } from '../config/config.module';

const DEMO_CAMPAIGN = 'Demo campaign';
const FIRST = ['Ana', 'Ben', 'Chloe', 'Dev', 'Elena', 'Femi', 'Grace', 'Hugo', 'Ines', 'Jun'];
const LAST = ['Alvarez', 'Brown', 'Chen', 'Diallo', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jones'];
/** Tens digit of the demo numbers = what the simulated voter does (tests/sipp/voter-trunk.xml). */
const CLASSES = [0, 1, 2, 3, 5, 6, 7, 9, 0, 2, 3, 1];

/**
 * `npm start` sets PHONEBANK_DEMO=1: a demo campaign (created once, kept in credit) gets, on
 * every start, a volunteer and a fresh project with a verified caller ID and voters whose
 * numbers the simulated voter trunk answers in every way a real one does. What scripts/demo/autopilot.ts needs is written to
 * <data dir>/demo.json (mode 600).
 */
@Module({ imports: [ClockModule] })
export class DemoModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Demo');

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (process.env.PHONEBANK_DEMO !== '1') return;
    const now = this.clock.now();
    const existing = await one<{ id: string }>(this.db, `SELECT id FROM campaigns WHERE name = $1`, [
      DEMO_CAMPAIGN,
    ]);
    const campaignId = existing?.id ?? (await createCampaign(this.db, { name: DEMO_CAMPAIGN })).id;
    if ((await creditSummary(this.db, campaignId, now)).balanceCents < 100) {
      await appendCredit(this.db, { campaignId, amountCents: 1000, reason: 'demo credit ($10)' });
    }
    // Every run calls a fresh queue (the last run's calls stay in the reports, under the
    // archived project) of voters who live where it is mid-day now, so that their calling
    // hours are open whenever a newcomer tries the demo.
    await this.db.query(
      `UPDATE projects SET archived_at = $2 WHERE campaign_id = $1 AND archived_at IS NULL`,
      [campaignId, now],
    );
    const project = await createProject(this.db, campaignId, {
      name: `Demo: get out the vote (${now.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
      timeZone: 'UTC',
      hoursStart: 0,
      hoursEnd: 1440,
      callerId: '+15550000199',
      script: 'Hi {first_name}, I am a volunteer with the demo campaign. Can we count on your vote?',
    });
    await this.db.query(
      `UPDATE projects SET caller_id_verified_at = $2, voicemail_recording = 'sound:tt-monkeys' WHERE id = $1`,
      [project.id, now],
    );
    const zone = daytimeZone(now);
    const header = 'voter_id,first_name,last_name,state,time_zone,phone1,phone1_score,phone1_type';
    const rows = CLASSES.map((cls, i) => {
      const number = `+1202555${String(200 + cls * 10 + i).padStart(4, '0')}`;
      return `DEMO${i + 1},${FIRST[i % FIRST.length]},${LAST[(i * 3) % LAST.length]},DC,${zone},${number},${90 - i},landline`;
    });
    const imported = await importVotersCsv(
      this.db,
      campaignId,
      Readable.from([`${header}\n${rows.join('\n')}\n`]),
      { now },
    );
    if (!imported.ok)
      throw new Error(`demo voters did not import: ${JSON.stringify(imported.errors.slice(0, 2))}`);
    await saveTargetsIntoProject(this.db, {
      campaignId,
      projectId: project.id,
      filter: {},
      now,
      suppressDays: null,
    });
    // Tokens are only stored hashed: a fresh volunteer (and token) for this run.
    const user = await createUser(this.db, { campaignId, role: 'volunteer', name: 'Demo volunteer' });
    await grantProjectAccess(this.db, campaignId, project.id, { userIds: [user.user.id] });
    this.logger.log(
      `demo ready: ${CLASSES.length} voters (time zone ${zone}, where it is day now) queued in "${project.name}"`,
    );
    this.write(campaignId, project.id, user.apiToken);
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
