import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
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
import type { PbxPort } from '@phonebank/pbx';
import type {
  CallerIdStatus,
  CallerIdVerificationJson,
} from '../../../../libs/contracts/src/project-audio.contract';
import { APP_CONFIG } from '../config/config.module';
import { PBX_PORT } from '../pbx/pbx.module';
import { ProjectCallError } from '../project-calls/project-call.errors';
import {
  insertUnlessRunning,
  StaffCalls,
  type StaffCall,
  type StaffCallCommand,
  type StaffCallEvent,
  type StaffCallUpdate,
} from '../project-calls/staff-calls';

type StaffUser = UserRow & { campaignId: string };

type LiveVerification = StaffCall<CallerIdVerificationState>;
/** The events and commands of the machine that are its own (the rest are every staff call's). */
type OwnEvent = Exclude<CallerIdVerificationEvent, StaffCallEvent>;
type OwnCommand = Exclude<CallerIdVerificationCommand, StaffCallCommand>;
type VerificationCalls = StaffCalls<
  CallerIdVerificationState,
  OwnEvent,
  OwnCommand,
  LiveVerification,
  CallerIdStatus
>;

export type CallerIdUpdate = StaffCallUpdate<CallerIdStatus>;

/**
 * Caller-ID verification calls (SPEC §4): the pure machine in libs/domain decides; this service
 * places the call through the project's trunk (the shared staff call lifecycle feeds it PBX
 * events and timers), carries out its own commands, keeps each stage in PostgreSQL
 * (compare-and-set) and announces every change. The live calls are a cache of the calls this
 * orchestrator places.
 */
@Injectable()
export class CallerIdVerificationService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CallerId');
  private readonly calls: VerificationCalls;

  constructor(
    private readonly db: DataSource,
    @Inject(PBX_PORT) pbx: PbxPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.calls = new StaffCalls<
      CallerIdVerificationState,
      OwnEvent,
      OwnCommand,
      LiveVerification,
      CallerIdStatus
    >(pbx, this.logger, {
      label: 'verification',
      promptPrefix: 'cid',
      transition: transitionCallerIdVerification,
      isFinished: isVerificationFinished,
      changed: (before, after) =>
        before.stage !== after.stage ||
        before.wrongTries !== after.wrongTries ||
        before.failure !== after.failure,
      save: (v, fromStage) => saveCallerIdVerification(this.db, v.id, fromStage, v.state),
      execute: (v, command) => this.execute(v, command),
      load: (campaignId, projectId) => this.load(campaignId, projectId),
    });
  }

  onModuleInit(): void {
    this.calls.attach();
  }

  async onApplicationBootstrap(): Promise<void> {
    const n = await interruptRunningCallerIdVerifications(this.db, new Date());
    if (n > 0) this.logger.warn(`${n} caller-ID verification calls of a previous run ended as interrupted`);
  }

  onModuleDestroy(): void {
    this.calls.close();
  }

  onUpdate(listener: (update: CallerIdUpdate) => void): () => void {
    return this.calls.onUpdate(listener);
  }

  // --- staff requests ------------------------------------------------------------------

  status(user: StaffUser, projectId: string): Promise<CallerIdStatus> {
    return this.calls.status(user.campaignId, projectId);
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
      return this.calls.announce(user.campaignId, projectId);
    }
    const trunk = await one<{ trunk: string | null }>(this.db, `SELECT trunk FROM projects WHERE id = $1`, [
      projectId,
    ]);
    const id = randomUUID();
    const state = startCallerIdVerification(
      { callerId, code: newVerificationCode((n) => randomInt(n)), maxTries: DEFAULT_VERIFICATION_TRIES },
      now,
    );
    const row = await insertUnlessRunning(
      insertCallerIdVerification(this.db, {
        id,
        campaignId: user.campaignId,
        projectId,
        callerId,
        code: state.code,
        maxTries: state.maxTries,
        requestedBy: user.id,
        now,
      }),
      'a verification call is already running for this project; wait or cancel it',
    );
    if (!row) throw new ProjectCallError('NOT_FOUND', 'project not found');
    const v = this.calls.open({ id, campaignId: user.campaignId, projectId, userId: user.id, state });
    this.logger.log(`verification ${id}: calling ${callerId} for project ${projectId}`);
    return this.calls.place(v, {
      trunk: trunk?.trunk ?? this.config.dialing.defaultTrunk,
      number: callerId,
      // The number is not verified yet: the call shows the campaign's dial-in number.
      callerId: this.config.dialing.dialInNumber,
      ringTimeoutSeconds: this.config.dialing.ringTimeoutSeconds,
      app: 'caller-id-verification',
    });
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
    if (await this.calls.cancel(running.id)) return true;
    await saveCallerIdVerification(this.db, running.id, running.stage, {
      stage: 'failed',
      stageEnteredAt: new Date(),
      failure: 'cancelled',
      wrongTries: running.wrongTries,
    });
    return true;
  }

  private async execute(v: LiveVerification, c: OwnCommand): Promise<void> {
    switch (c.type) {
      case 'start-code-timer':
        this.calls.startTimer(v, 'code', c.ms, { type: 'code-timeout' });
        return;
      case 'cancel-code-timer':
        this.calls.cancelTimer(v, 'code');
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

  // --- views ------------------------------------------------------------------------------

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
    const live = this.calls.get(row.id);
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
