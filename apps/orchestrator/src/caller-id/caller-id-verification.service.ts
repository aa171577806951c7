import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@phonebank/config';
import {
  describeCallerIdVerification,
  isVerificationFinished,
  newVerificationCode,
  startCallerIdVerification,
  transitionCallerIdVerification,
  DEFAULT_VERIFICATION_TRIES,
  type CallerIdVerificationCommand,
  type CallerIdVerificationEvent,
  type CallerIdVerificationState,
} from '@phonebank/domain';
import {
  insertCallerIdVerification,
  interruptRunningCallerIdVerifications,
  latestCallerIdVerification,
  listVerifiedCallerIds,
  markCallerIdVerified,
  one,
  projectCallerId,
  runningCallerIdVerification,
  saveCallerIdVerification,
  useVerifiedCallerId,
  type CallerIdVerificationRow,
  type UserRow,
} from '@phonebank/persistence';
import type { PbxEvent, PbxPort } from '@phonebank/pbx';
import type {
  CallerIdStatus,
  CallerIdVerificationJson,
} from '../../../../libs/contracts/src/project-audio.contract';
import { APP_CONFIG } from '../config/config.module';
import { PBX_PORT } from '../pbx/pbx.module';
import { PromptPlayer } from '../project-calls/prompt-player';
import { ProjectCallError } from '../project-calls/project-call.errors';

type StaffUser = UserRow & { campaignId: string };

/** After the last prompt of a finished call, hang up even if the PBX never says it ended. */
const GOODBYE_LIMIT_MS = 20_000;

interface LiveVerification {
  id: string;
  campaignId: string;
  projectId: string;
  userId: string;
  state: CallerIdVerificationState;
  startedAt: Date;
  queue: Promise<unknown>;
  ringTimer?: NodeJS.Timeout;
  codeTimer?: NodeJS.Timeout;
  goodbyeTimer?: NodeJS.Timeout;
}

export interface CallerIdUpdate {
  campaignId: string;
  status: CallerIdStatus;
}

/**
 * Caller-ID verification calls (SPEC §4): the pure machine in libs/domain decides; this service
 * places the call through the project's trunk, feeds it PBX events and timers, carries out its
 * commands, keeps each stage in PostgreSQL (compare-and-set) and announces every change. The
 * map of live calls is a cache of the calls this orchestrator places.
 */
@Injectable()
export class CallerIdVerificationService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CallerId');
  private readonly live = new Map<string, LiveVerification>();
  private readonly updates = new EventEmitter();
  private readonly prompts: PromptPlayer;
  private unsubscribe?: () => void;

  constructor(
    private readonly db: DataSource,
    @Inject(PBX_PORT) private readonly pbx: PbxPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.prompts = new PromptPlayer(pbx, 'cid');
    this.updates.setMaxListeners(0);
  }

  onModuleInit(): void {
    this.unsubscribe = this.pbx.onEvent((event) => this.onPbxEvent(event));
  }

  async onApplicationBootstrap(): Promise<void> {
    const n = await interruptRunningCallerIdVerifications(this.db, new Date());
    if (n > 0) this.logger.warn(`${n} caller-ID verification calls of a previous run ended as interrupted`);
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const v of this.live.values()) this.clearTimers(v);
  }

  onUpdate(listener: (update: CallerIdUpdate) => void): () => void {
    this.updates.on('update', listener);
    return () => this.updates.off('update', listener);
  }

  // --- staff requests ------------------------------------------------------------------

  async status(user: StaffUser, projectId: string): Promise<CallerIdStatus> {
    const status = await this.load(user.campaignId, projectId);
    if (!status) throw new ProjectCallError('NOT_FOUND', 'project not found');
    return status;
  }

  /**
   * Verify `callerId` for the project: reused at once when the campaign verified it before,
   * otherwise a call to it (through the project's trunk) asking for the code shown on screen.
   */
  async start(user: StaffUser, projectId: string, callerId: string): Promise<CallerIdStatus> {
    const project = await projectCallerId(this.db, user.campaignId, projectId);
    if (!project) throw new ProjectCallError('NOT_FOUND', 'project not found');
    await this.cancelRunning(projectId);
    const now = new Date();
    if (await useVerifiedCallerId(this.db, user.campaignId, projectId, callerId, now)) {
      this.logger.log(`project ${projectId}: reuses caller ID ${callerId}, verified before by its campaign`);
      return this.announce(user.campaignId, projectId);
    }
    const trunk = await one<{ trunk: string | null }>(this.db, `SELECT trunk FROM projects WHERE id = $1`, [
      projectId,
    ]);
    const id = randomUUID();
    const state = startCallerIdVerification(
      { callerId, code: newVerificationCode((n) => randomInt(n)), maxTries: DEFAULT_VERIFICATION_TRIES },
      now,
    );
    try {
      const row = await insertCallerIdVerification(this.db, {
        id,
        campaignId: user.campaignId,
        projectId,
        callerId,
        code: state.code,
        maxTries: state.maxTries,
        requestedBy: user.id,
        now,
      });
      if (!row) throw new ProjectCallError('NOT_FOUND', 'project not found');
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new ProjectCallError(
          'CONFLICT',
          'a verification call is already running for this project; wait or cancel it',
        );
      }
      throw error;
    }
    const v: LiveVerification = {
      id,
      campaignId: user.campaignId,
      projectId,
      userId: user.id,
      state,
      startedAt: now,
      queue: Promise.resolve(),
    };
    this.live.set(id, v);
    this.logger.log(`verification ${id}: calling ${callerId} for project ${projectId}`);
    const status = await this.announce(user.campaignId, projectId);
    try {
      await this.pbx.originate({
        legId: id,
        trunk: trunk?.trunk ?? this.config.dialing.defaultTrunk,
        number: callerId,
        // The number is not verified yet: the call shows the campaign's dial-in number.
        callerId: this.config.dialing.dialInNumber,
        ringTimeoutSeconds: this.config.dialing.ringTimeoutSeconds + 5,
        appArgs: ['caller-id-verification', id],
      });
      v.ringTimer = setTimeout(
        () => void this.feed(v, { type: 'ring-timeout' }),
        this.config.dialing.ringTimeoutSeconds * 1000,
      );
    } catch (error) {
      this.logger.warn(`verification ${id}: the call could not be placed: ${describe(error)}`);
      await this.feed(v, { type: 'call-ended', cause: { q850: 0, text: 'originate refused' } });
      return this.status(user, projectId);
    }
    return status;
  }

  async cancel(user: StaffUser, projectId: string): Promise<CallerIdStatus> {
    if (!(await projectCallerId(this.db, user.campaignId, projectId))) {
      throw new ProjectCallError('NOT_FOUND', 'project not found');
    }
    if (!(await this.cancelRunning(projectId))) {
      throw new ProjectCallError('NOTHING_TO_CANCEL', 'no verification call is running for this project');
    }
    return this.status(user, projectId);
  }

  // --- the machine ------------------------------------------------------------------------

  /** End the project's running verification, here or (left by another run) in the database. */
  private async cancelRunning(projectId: string): Promise<boolean> {
    const running = await runningCallerIdVerification(this.db, projectId);
    if (!running) return false;
    const v = this.live.get(running.id);
    if (v) {
      await this.feed(v, { type: 'cancel' });
      return true;
    }
    await saveCallerIdVerification(this.db, running.id, running.stage, {
      stage: 'failed',
      stageEnteredAt: new Date(),
      failure: 'cancelled',
      wrongTries: running.wrongTries,
    });
    return true;
  }

  private feed(v: LiveVerification, event: CallerIdVerificationEvent): Promise<void> {
    const run = v.queue.then(() => this.apply(v, event));
    v.queue = run.catch((error: unknown) =>
      this.logger.error(`verification ${v.id}: ${event.type} failed: ${describe(error)}`),
    );
    return v.queue as Promise<void>;
  }

  private async apply(v: LiveVerification, event: CallerIdVerificationEvent): Promise<void> {
    const before = v.state;
    const t = transitionCallerIdVerification(before, event, new Date());
    if (t.ignored) return;
    v.state = t.state;
    const stageChanged =
      before.stage !== t.state.stage ||
      before.wrongTries !== t.state.wrongTries ||
      before.failure !== t.state.failure;
    if (stageChanged) {
      const saved = await saveCallerIdVerification(this.db, v.id, before.stage, t.state);
      if (!saved) {
        // Someone else ended it (a restart of another instance): stop following the call.
        this.logger.warn(`verification ${v.id}: ended elsewhere; hanging up`);
        this.drop(v);
        await this.pbx.hangup(v.id).catch(() => undefined);
        return;
      }
      if (t.state.stage !== before.stage) this.logger.log(`verification ${v.id}: ${t.state.stage}`);
    }
    for (const command of t.commands) {
      try {
        await this.execute(v, command);
      } catch (error) {
        this.logger.error(`verification ${v.id}: ${command.type} failed: ${describe(error)}`);
      }
    }
    if (stageChanged) await this.announce(v.campaignId, v.projectId);
    if (isVerificationFinished(v.state) && v.state.callEnded) this.drop(v);
  }

  private async execute(v: LiveVerification, c: CallerIdVerificationCommand): Promise<void> {
    switch (c.type) {
      case 'play':
        if (c.thenHangUp) {
          v.goodbyeTimer ??= setTimeout(
            () => void this.pbx.hangup(v.id).catch(() => undefined),
            GOODBYE_LIMIT_MS,
          );
        }
        await this.prompts.play(v.id, c.media, () => {
          if (c.thenHangUp) void this.pbx.hangup(v.id).catch(() => undefined);
        });
        return;
      case 'stop-prompt':
        await this.prompts.stop(v.id);
        return;
      case 'start-code-timer':
        if (v.codeTimer) clearTimeout(v.codeTimer);
        v.codeTimer = setTimeout(() => void this.feed(v, { type: 'code-timeout' }), c.ms);
        return;
      case 'cancel-code-timer':
        if (v.codeTimer) clearTimeout(v.codeTimer);
        v.codeTimer = undefined;
        return;
      case 'hang-up':
        await this.pbx.hangup(v.id);
        return;
      case 'mark-verified': {
        const r = await markCallerIdVerified(this.db, {
          campaignId: v.campaignId,
          projectId: v.projectId,
          callerId: c.callerId,
          userId: v.userId,
          now: new Date(),
        });
        this.logger.log(
          `verification ${v.id}: ${c.callerId} verified for the campaign` +
            (r.projectVerified ? ' and the project' : ' (the project has another caller ID now)'),
        );
        return;
      }
    }
  }

  private onPbxEvent(event: PbxEvent): void {
    if (event.type === 'playback-finished') {
      this.prompts.onPlaybackFinished(event.playbackId, event.legId);
      return;
    }
    if (!('legId' in event) || !event.legId) return;
    const v = this.live.get(event.legId);
    if (!v) return;
    switch (event.type) {
      case 'leg-ringing':
        void this.feed(v, { type: 'ringing' });
        return;
      case 'leg-answered':
        if (v.ringTimer) clearTimeout(v.ringTimer);
        void this.feed(v, { type: 'answered' });
        return;
      case 'leg-dtmf':
        void this.feed(v, { type: 'digit', digit: event.digit });
        return;
      case 'leg-ended':
        this.prompts.forget(v.id);
        void this.feed(v, { type: 'call-ended', cause: event.cause });
        return;
      default:
        return;
    }
  }

  private drop(v: LiveVerification): void {
    this.clearTimers(v);
    this.prompts.forget(v.id);
    this.live.delete(v.id);
  }

  private clearTimers(v: LiveVerification): void {
    for (const t of [v.ringTimer, v.codeTimer, v.goodbyeTimer]) if (t) clearTimeout(t);
  }

  // --- views ------------------------------------------------------------------------------

  private async announce(campaignId: string, projectId: string): Promise<CallerIdStatus> {
    const status = await this.load(campaignId, projectId);
    if (!status) throw new ProjectCallError('NOT_FOUND', 'project not found');
    this.updates.emit('update', { campaignId, status } satisfies CallerIdUpdate);
    return status;
  }

  private async load(campaignId: string, projectId: string): Promise<CallerIdStatus | undefined> {
    const project = await projectCallerId(this.db, campaignId, projectId);
    if (!project) return undefined;
    const [verified, latest] = await Promise.all([
      listVerifiedCallerIds(this.db, campaignId),
      latestCallerIdVerification(this.db, campaignId, projectId),
    ]);
    return {
      projectId,
      callerId: project.callerId,
      verified: project.callerId !== null && project.verifiedAt !== null,
      verifiedAt: project.verifiedAt?.toISOString() ?? null,
      campaignVerified: verified.map((x) => ({ e164: x.e164, verifiedAt: x.verifiedAt.toISOString() })),
      verification: latest ? this.toJson(latest) : null,
    };
  }

  private toJson(row: CallerIdVerificationRow): CallerIdVerificationJson {
    const live = this.live.get(row.id);
    // The live state is the freshest; the row is the truth once the call is gone.
    const state: CallerIdVerificationState = live?.state ?? {
      stage: row.stage,
      stageEnteredAt: row.stageEnteredAt,
      callerId: row.callerId,
      code: row.code ?? '',
      wrongTries: row.wrongTries,
      maxTries: row.maxTries,
      digits: '',
      answered: false,
      failure: row.failure,
      callEnded: row.finishedAt !== null,
    };
    const running = !isVerificationFinished(state);
    return {
      id: row.id,
      callerId: row.callerId,
      stage: state.stage,
      failure: state.failure,
      code: running ? state.code || row.code : null,
      triesLeft: Math.max(0, state.maxTries - state.wrongTries),
      message: describeCallerIdVerification(state),
      startedAt: row.createdAt.toISOString(),
      stageEnteredAt: state.stageEnteredAt.toISOString(),
    };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
