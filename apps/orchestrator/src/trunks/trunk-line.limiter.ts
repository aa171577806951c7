import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@phonebank/config';
import { describeLineRefusal, retryDelayMs, type CallerIdRules, type LineDecision } from '@phonebank/domain';
import { acquireTrunkLine, releaseLinesOfHolder, releaseTrunkLine } from '@phonebank/persistence';
import type { PbxEvent, PbxPort } from '@phonebank/pbx';
import { APP_CONFIG } from '../config/config.module';
import { PBX_PORT } from '../pbx/pbx.module';

/** How long a click waits for a free line on a full trunk before giving the phone back. */
export const TRUNK_LINE_WAIT_MS = Symbol('TRUNK_LINE_WAIT_MS');
export const DEFAULT_LINE_WAIT_MS = 20_000;
/** Lines younger than this are never freed by a reconcile (their originate may be in flight). */
const RECONCILE_GRACE_MS = 15_000;

export type TrunkLineErrorCode =
  'TRUNK_BUSY' | 'TRUNK_DISABLED' | 'UNKNOWN_TRUNK' | 'CALLER_ID_REFUSED' | 'CANCELLED';

/** No line was taken: the call was never sent. The message says why and what to do. */
export class TrunkLineError extends Error {
  constructor(
    readonly code: TrunkLineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TrunkLineError';
  }
}

export interface GrantedLine {
  trunkId: string;
  rules: CallerIdRules;
}

export interface AcquireOptions {
  /** Called once, when the trunk is full and the call starts waiting for a line. */
  onWaiting?: () => void;
  /** Stop waiting (the volunteer hung up meanwhile). */
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * The per-trunk limiter every originate goes through (SPEC §7): never more calls on a trunk
 * than its maximum concurrent calls, never INVITEs faster than its calls per second, across
 * every orchestrator instance sharing PostgreSQL. The truth is in the database (the trunk row
 * and `trunk_lines`; see acquireTrunkLines); limits changed in the product apply to the next
 * request. A full trunk makes the click wait (bounded), never dial past the limit.
 */
@Injectable()
export class TrunkLineLimiter implements OnModuleInit, OnModuleDestroy, OnApplicationBootstrap {
  private readonly logger = new Logger('TrunkLines');
  private unsubscribe?: () => void;
  /** The name this instance holds lines under: its ARI application (one instance per app). */
  readonly holder: string;

  constructor(
    private readonly db: DataSource,
    @Inject(PBX_PORT) private readonly pbx: PbxPort,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(TRUNK_LINE_WAIT_MS) private readonly maxWaitMs: number = DEFAULT_LINE_WAIT_MS,
  ) {
    this.holder = config.pbx.kind === 'asterisk' ? `asterisk:${config.pbx.app}` : 'freeswitch';
  }

  onModuleInit(): void {
    this.unsubscribe = this.pbx.onEvent((event) => this.onPbxEvent(event));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** At boot nothing of this instance is on the phone any more (sessions are recovered first). */
  async onApplicationBootstrap(): Promise<void> {
    const freed = await releaseLinesOfHolder(this.db, this.holder, [], 0);
    if (freed > 0) this.logger.warn(`freed ${freed} trunk lines left by a previous run`);
  }

  /**
   * Take a line on `trunk` for `legId`, waiting (bounded) while the trunk is full, then sleep
   * until the calls-per-second send slot. Resolves when the INVITE may leave now.
   */
  async acquire(trunk: string, legId: string, options: AcquireOptions = {}): Promise<GrantedLine> {
    const started = Date.now();
    const deadline = started + this.maxWaitMs;
    let waiting = false;
    let last: LineDecision | null = null;
    for (;;) {
      if (options.signal?.aborted)
        throw new TrunkLineError('CANCELLED', 'the call was cancelled while waiting for a line');
      const remaining = deadline - Date.now();
      const result = await acquireTrunkLine(this.db, {
        trunkName: trunk,
        legId,
        holder: this.holder,
        maxSlotWaitMs: Math.max(0, remaining),
      });
      if (result.kind === 'granted') {
        if (result.delayMs > 0) await sleep(result.delayMs);
        if (waiting) this.logger.log(`${legId}: got a line on ${trunk} after ${Date.now() - started} ms`);
        return { trunkId: result.trunkId, rules: result.rules };
      }
      if (result.kind === 'unknown-trunk') {
        throw new TrunkLineError(
          'UNKNOWN_TRUNK',
          `no trunk named ${trunk}; telecom staff must create it (or the project must name another)`,
        );
      }
      last = result;
      if (result.kind === 'disabled') {
        throw new TrunkLineError('TRUNK_DISABLED', describeLineRefusal(trunk, result, 0));
      }
      if (remaining <= 0) {
        this.logger.warn(`${legId}: no line on ${trunk} within ${this.maxWaitMs} ms (${result.kind})`);
        throw new TrunkLineError('TRUNK_BUSY', describeLineRefusal(trunk, last, Date.now() - started));
      }
      if (!waiting) {
        waiting = true;
        options.onWaiting?.();
      }
      await sleep(retryDelayMs(result, remaining), options.signal);
    }
  }

  /** Free the line of a leg (it ended, or was never sent). Harmless when it holds none. */
  async release(legId: string): Promise<void> {
    await releaseTrunkLine(this.db, legId).catch((e: unknown) =>
      this.logger.error(`could not free the trunk line of ${legId}: ${String(e)}`),
    );
  }

  private onPbxEvent(event: PbxEvent): void {
    if (event.type === 'leg-ended') {
      void this.release(event.legId);
    } else if (event.type === 'connected') {
      void this.reconcile();
    }
  }

  /** After any (re)connection: lines of legs the PBX no longer has are free (it restarted, calls are gone). */
  private async reconcile(): Promise<void> {
    try {
      const owned = await this.pbx.listOwned();
      const freed = await releaseLinesOfHolder(this.db, this.holder, owned.legIds, RECONCILE_GRACE_MS);
      if (freed > 0) this.logger.warn(`freed ${freed} trunk lines of calls the PBX no longer has`);
    } catch (e) {
      this.logger.warn(`could not reconcile trunk lines: ${String(e)}`);
    }
  }
}
