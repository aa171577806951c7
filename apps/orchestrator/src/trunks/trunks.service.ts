import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  createTrunk,
  getTrunk,
  getTrunkForPbx,
  listTrunks,
  listTrunksForPbx,
  trunkHealth,
  updateTrunk,
  type TrunkHealthRow,
  type TrunkInput,
  type TrunkPatch,
  type TrunkPbxRow,
  type TrunkRow,
} from '@phonebank/persistence';
import { PbxError, type PbxPort, type PbxTrunk } from '@phonebank/pbx';
import { PBX_PORT } from '../pbx/pbx.module';

/** Where a trunk stands in this instance's PBX. */
export type PbxSync =
  | { state: 'applied'; at: string }
  | { state: 'removed'; at: string }
  | { state: 'static'; note: string }
  | { state: 'pending'; note: string }
  | { state: 'failed'; error: string; at: string };

export interface TrunkView extends TrunkRow {
  pbx: PbxSync;
}

/** How often trunks changed by another instance are applied to this instance's PBX. */
const RESYNC_MS = 30_000;

function toPbxTrunk(row: TrunkPbxRow): PbxTrunk {
  return {
    name: row.name,
    host: row.sipHost ?? '',
    port: row.sipPort,
    transport: row.transport,
    username: row.username,
    password: row.username ? row.password : null,
    fromDomain: row.fromDomain,
    fromUser: row.fromUser,
    codecs: row.codecs,
  };
}

/**
 * Trunks managed in the product (SPEC §7): stored in PostgreSQL, applied to the PBX at once
 * (ARI push configuration on Asterisk, sofia gateways on FreeSWITCH), again on every PBX
 * (re)connection (pushed objects vanish when Asterisk restarts), and every 30 s for trunks
 * another instance changed. Static trunks live in the PBX's files; only their limits and
 * caller-ID rules are the product's.
 */
@Injectable()
export class TrunksService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Trunks');
  private readonly sync = new Map<string, PbxSync>();
  private unsubscribe?: () => void;
  private resyncTimer?: NodeJS.Timeout;
  private syncedUpTo: Date | null = null;
  private applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    @Inject(PBX_PORT) private readonly pbx: PbxPort,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.pbx.onEvent((event) => {
      if (event.type === 'connected') void this.applyAll('PBX connected');
    });
    this.resyncTimer = setInterval(() => void this.applyChanged(), RESYNC_MS);
    this.resyncTimer.unref();
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
  }

  async list(): Promise<TrunkView[]> {
    return (await listTrunks(this.db)).map((t) => this.view(t));
  }

  async get(id: string): Promise<TrunkView | undefined> {
    const t = await getTrunk(this.db, id);
    return t && this.view(t);
  }

  async create(input: TrunkInput): Promise<TrunkView> {
    const t = await createTrunk(this.db, input);
    this.logger.log(`trunk ${t.name} created (${t.sipHost}:${t.sipPort}/${t.transport})`);
    await this.applyOne(t.name);
    return this.view(t);
  }

  async update(id: string, patch: TrunkPatch): Promise<TrunkView> {
    const t = await updateTrunk(this.db, id, patch);
    const changed = Object.keys(patch).filter((k) => patch[k as keyof TrunkPatch] !== undefined);
    this.logger.log(`trunk ${t.name} changed: ${changed.join(', ') || 'nothing'}`); // names only: never values
    await this.applyOne(t.name);
    return this.view((await getTrunk(this.db, id))!);
  }

  health(from: Date, to: Date): Promise<TrunkHealthRow[]> {
    return trunkHealth(this.db, from, to);
  }

  private view(t: TrunkRow): TrunkView {
    if (t.provisioning === 'static') {
      return { ...t, pbx: { state: 'static', note: 'defined in the PBX configuration files (pjsip.conf)' } };
    }
    return {
      ...t,
      pbx: this.sync.get(t.name) ?? { state: 'pending', note: 'applied when the PBX connects' },
    };
  }

  /** Apply one trunk now (create / change in the API). Errors are kept for the API to show. */
  private async applyOne(name: string): Promise<void> {
    const row = await getTrunkForPbx(this.db, name);
    if (!row) return;
    await this.serial(() => this.push(row));
  }

  private async applyAll(why: string): Promise<void> {
    await this.serial(async () => {
      const started = new Date();
      const all = await listTrunksForPbx(this.db);
      for (const row of all) await this.push(row);
      this.syncedUpTo = started;
      const managed = all.filter((r) => r.provisioning === 'managed');
      if (managed.length > 0) this.logger.log(`${why}: applied ${managed.length} managed trunks`);
    }).catch((e: unknown) => this.logger.error(`${why}: could not apply trunks: ${String(e)}`));
  }

  private async applyChanged(): Promise<void> {
    if (!this.pbx.isConnected() || !this.syncedUpTo) return;
    await this.serial(async () => {
      const started = new Date();
      for (const row of await listTrunksForPbx(this.db, this.syncedUpTo!)) await this.push(row);
      this.syncedUpTo = started;
    }).catch((e: unknown) => this.logger.warn(`trunk resync failed: ${String(e)}`));
  }

  /** One PBX configuration change at a time, in order. */
  private serial(fn: () => Promise<void>): Promise<void> {
    const run = this.applying.then(fn);
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async push(row: TrunkPbxRow): Promise<void> {
    if (row.provisioning !== 'managed') return;
    const at = new Date().toISOString();
    if (!this.pbx.isConnected()) {
      this.sync.set(row.name, {
        state: 'pending',
        note: 'the PBX is not connected; applied when it connects',
      });
      return;
    }
    try {
      if (row.enabled) {
        await this.pbx.applyTrunk(toPbxTrunk(row));
        this.sync.set(row.name, { state: 'applied', at });
      } else {
        await this.pbx.removeTrunk(row.name);
        this.sync.set(row.name, { state: 'removed', at });
      }
    } catch (e) {
      const error = e instanceof PbxError ? e.message : 'the PBX failed to apply the trunk';
      this.sync.set(row.name, { state: 'failed', error, at });
      this.logger.error(`trunk ${row.name}: ${error}`);
    }
  }
}
