import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { AppConfig } from '@phonebank/config';
import {
  classifyCallEnd,
  resolveCallerId,
  type CallClassification,
  type HangupCause,
} from '@phonebank/domain';
import type { PbxEvent, PbxPort } from '@phonebank/pbx';
import { APP_CONFIG } from '../config/config.module';
import { PBX_PORT } from '../pbx/pbx.module';
import { TrunkLineError, TrunkLineLimiter } from '../trunks/trunk-line.limiter';

export interface VoterCallRequest {
  /** The attempt id: also the leg id, so a retry cannot place a second call. */
  attemptId: string;
  number: string;
  callerId: string;
  trunk?: string;
  /** Overrides the configured no-answer limit (tests). */
  ringTimeoutSeconds?: number;
}

export type VoterCallState =
  | { attemptId: string; stage: 'dialing'; at: Date }
  | { attemptId: string; stage: 'ringing'; at: Date }
  | { attemptId: string; stage: 'answered'; at: Date }
  | { attemptId: string; stage: 'ended'; at: Date; classification: CallClassification; cause: HangupCause };

interface LiveCall {
  request: VoterCallRequest;
  answered: boolean;
  noAnswerTimer?: NodeJS.Timeout;
  endedByNoAnswerTimer: boolean;
  abandoned: boolean;
}

/**
 * Places one call to a voter and follows it to its end: ringing, answered, or busy /
 * no answer / failed, decided by the domain's classifier from the hangup cause and from the
 * engine's own no-answer timer (Dial events alone are not reliable). The in-memory map is a
 * cache of calls in flight; the attempt record in PostgreSQL is the truth.
 */
@Injectable()
export class VoterCallService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(VoterCallService.name);
  private readonly calls = new Map<string, LiveCall>();
  private readonly events = new EventEmitter();
  private unsubscribe?: () => void;

  constructor(
    @Inject(PBX_PORT) private readonly pbx: PbxPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    /** The per-trunk limiter (TrunksModule); absent only where no database runs (PBX-only tests). */
    @Optional() private readonly lines?: TrunkLineLimiter,
  ) {
    this.events.setMaxListeners(0);
  }

  onModuleInit(): void {
    this.unsubscribe = this.pbx.onEvent((event) => this.onPbxEvent(event));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const call of this.calls.values()) if (call.noAnswerTimer) clearTimeout(call.noAnswerTimer);
  }

  /** Listen to state changes of every call (the dial session and the gateway use this). */
  onState(listener: (state: VoterCallState) => void): () => void {
    this.events.on('state', listener);
    return () => this.events.off('state', listener);
  }

  async place(request: VoterCallRequest): Promise<void> {
    if (this.calls.has(request.attemptId)) {
      throw new Error(`attempt ${request.attemptId} is already being dialed`);
    }
    const ringTimeoutSeconds = request.ringTimeoutSeconds ?? this.config.dialing.ringTimeoutSeconds;
    const call: LiveCall = { request, answered: false, endedByNoAnswerTimer: false, abandoned: false };
    this.calls.set(request.attemptId, call);
    this.emit({ attemptId: request.attemptId, stage: 'dialing', at: new Date() });
    const trunk = request.trunk ?? this.config.dialing.defaultTrunk;
    try {
      let callerId = request.callerId;
      let dialedNumber: string | undefined;
      if (this.lines) {
        const line = await this.lines.acquire(trunk, request.attemptId);
        const dial = resolveCallerId(line.rules, request.callerId, request.number);
        if (!dial.ok) throw new TrunkLineError('CALLER_ID_REFUSED', `trunk ${trunk}: ${dial.reason}`);
        callerId = dial.callerId;
        if (dial.dialedNumber !== request.number) dialedNumber = dial.dialedNumber;
      }
      await this.pbx.originate({
        legId: request.attemptId,
        trunk,
        number: request.number,
        dialedNumber,
        callerId,
        // Backstop only: our own timer below ends the call at the limit.
        ringTimeoutSeconds: ringTimeoutSeconds + 10,
      });
    } catch (error) {
      this.calls.delete(request.attemptId);
      await this.lines?.release(request.attemptId);
      throw error;
    }
    call.noAnswerTimer = setTimeout(() => {
      if (call.answered || !this.calls.has(request.attemptId)) return;
      call.endedByNoAnswerTimer = true;
      this.logger.log(`attempt ${request.attemptId}: no answer after ${ringTimeoutSeconds} s, hanging up`);
      void this.pbx.hangup(request.attemptId, 'no-answer').catch((e: unknown) => {
        this.logger.warn(`attempt ${request.attemptId}: hang-up after no answer failed: ${String(e)}`);
      });
    }, ringTimeoutSeconds * 1000);
  }

  /** Hang up a voter call (answered or not). Before answer, the attempt ends as abandoned. */
  async hangUp(attemptId: string): Promise<void> {
    const call = this.calls.get(attemptId);
    if (call && !call.answered) call.abandoned = true;
    await this.pbx.hangup(attemptId);
  }

  isLive(attemptId: string): boolean {
    return this.calls.has(attemptId);
  }

  private onPbxEvent(event: PbxEvent): void {
    if (!('legId' in event) || event.legId === undefined) return;
    const call = this.calls.get(event.legId);
    if (!call) return;
    const attemptId = event.legId;
    switch (event.type) {
      case 'leg-ringing':
        this.emit({ attemptId, stage: 'ringing', at: event.at });
        return;
      case 'leg-answered':
        call.answered = true;
        if (call.noAnswerTimer) clearTimeout(call.noAnswerTimer);
        this.emit({ attemptId, stage: 'answered', at: event.at });
        return;
      case 'leg-ended': {
        if (call.noAnswerTimer) clearTimeout(call.noAnswerTimer);
        this.calls.delete(attemptId);
        const classification = classifyCallEnd({
          answered: call.answered,
          cause: event.cause,
          endedByNoAnswerTimer: call.endedByNoAnswerTimer,
          abandonedByEngine: call.abandoned,
        });
        this.logger.log(
          `attempt ${attemptId}: ended ${classification.result} (Q.850 ${event.cause.q850} ${event.cause.text})`,
        );
        this.emit({ attemptId, stage: 'ended', at: event.at, classification, cause: event.cause });
        return;
      }
      default:
        return;
    }
  }

  private emit(state: VoterCallState): void {
    this.events.emit('state', state);
  }
}
