import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { Clock } from '@phonebank/domain';
import { CAMPAIGN_ACTIVITY_CHANNEL, dashboardSnapshot, type DashboardSnapshot } from '@phonebank/persistence';
import { CLOCK } from '../clock/clock.module';

/** A change is shown after this quiet time (several changes of one click make one refresh)… */
const DEBOUNCE_MS = 150;
/** …and a busy campaign's dashboards refresh at most this often. */
const MIN_INTERVAL_MS = 1000;

type Publish = (campaignId: string, timeZone: string, snapshot: DashboardSnapshot) => void;

interface Watched {
  /** Time zones watched, with how many viewers each. */
  zones: Map<string, number>;
  timer: NodeJS.Timeout | null;
  lastRun: number;
  running: boolean;
  again: boolean;
}

/**
 * The live dashboard's engine: one LISTEN connection per orchestrator instance hears every
 * campaign's changes (CAMPAIGN_ACTIVITY_CHANNEL, from this instance or another); for campaigns
 * someone here is watching, it reads a fresh snapshot from the database (the truth) and hands
 * it to the gateway. Nothing is kept but who watches; the page never polls.
 */
@Injectable()
export class DashboardService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Dashboard');
  private readonly watched = new Map<string, Watched>();
  private publish: Publish = () => undefined;
  private listener: Client | null = null;
  private closing = false;
  private retryMs = 500;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    void this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const w of this.watched.values()) if (w.timer) clearTimeout(w.timer);
    this.watched.clear();
    await this.listener?.end().catch(() => undefined);
  }

  /** Where refreshed snapshots go (the gateway). */
  onSnapshot(publish: Publish): void {
    this.publish = publish;
  }

  snapshot(campaignId: string, timeZone: string): Promise<DashboardSnapshot> {
    return dashboardSnapshot(this.ds, campaignId, this.clock.now(), timeZone);
  }

  /** A viewer starts watching; call the returned function when they leave. */
  watch(campaignId: string, timeZone: string): () => void {
    let w = this.watched.get(campaignId);
    if (!w) {
      w = { zones: new Map(), timer: null, lastRun: 0, running: false, again: false };
      this.watched.set(campaignId, w);
    }
    w.zones.set(timeZone, (w.zones.get(timeZone) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (w.zones.get(timeZone) ?? 1) - 1;
      if (left > 0) w.zones.set(timeZone, left);
      else w.zones.delete(timeZone);
      if (w.zones.size === 0) {
        if (w.timer) clearTimeout(w.timer);
        this.watched.delete(campaignId);
      }
    };
  }

  /** Something changed in a campaign: refresh its dashboards here (if anyone watches). */
  changed(campaignId: string): void {
    const w = this.watched.get(campaignId);
    if (!w || w.timer) return;
    if (w.running) {
      w.again = true;
      return;
    }
    const wait = Math.max(DEBOUNCE_MS, w.lastRun + MIN_INTERVAL_MS - Date.now());
    w.timer = setTimeout(() => void this.refresh(campaignId, w), wait);
  }

  private async refresh(campaignId: string, w: Watched): Promise<void> {
    w.timer = null;
    w.running = true;
    w.lastRun = Date.now();
    try {
      for (const zone of [...w.zones.keys()]) {
        const snapshot = await this.snapshot(campaignId, zone);
        if (this.watched.get(campaignId) === w && w.zones.has(zone)) this.publish(campaignId, zone, snapshot);
      }
    } catch (error) {
      this.logger.warn(
        `dashboard of campaign ${campaignId} not refreshed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      w.running = false;
      if (w.again && this.watched.get(campaignId) === w) {
        w.again = false;
        this.changed(campaignId);
      }
    }
  }

  private async listen(): Promise<void> {
    if (this.closing) return;
    const url = (this.ds.options as { url?: string }).url;
    if (!url) {
      this.logger.warn(
        'no database URL to listen on: dashboards refresh only on this instance’s own changes',
      );
      return;
    }
    const client = new Client({ connectionString: url, application_name: 'phonebank-dashboard' });
    client.on('notification', (m) => {
      if (m.channel === CAMPAIGN_ACTIVITY_CHANNEL && m.payload) this.changed(m.payload);
    });
    client.on('error', (error) => {
      this.logger.warn(`dashboard listener: ${error.message}`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CAMPAIGN_ACTIVITY_CHANNEL}`);
      this.listener = client;
      this.retryMs = 500;
      // Changes made while we were not listening: refresh every watched campaign once.
      for (const campaignId of this.watched.keys()) this.changed(campaignId);
    } catch (error) {
      this.logger.warn(
        `dashboard listener could not connect (retrying in ${this.retryMs} ms): ${error instanceof Error ? error.message : String(error)}`,
      );
      this.reconnect(client);
    }
  }

  private reconnect(client: Client): void {
    if (this.closing || this.retryTimer) return;
    if (this.listener === client) this.listener = null;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.listen();
    }, wait);
  }
}
