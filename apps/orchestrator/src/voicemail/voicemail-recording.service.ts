import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@phonebank/config';
import {
  AudioFormatError,
  describeVoicemailRecording,
  isTelephonyWav,
  isVoicemailRecordingFinished,
  readWavInfo,
  sniffAudioContainer,
  startVoicemailRecording,
  transitionVoicemailRecording,
  voicemailAudioProblem,
  type AudioContainer,
  type VoicemailRecordingCommand,
  type VoicemailRecordingEvent,
  type VoicemailRecordingState,
} from '@phonebank/domain';
import {
  insertVoicemailRecordingCall,
  interruptRunningVoicemailRecordingCalls,
  latestVoicemailRecordingCall,
  one,
  projectVoicemail,
  projectVoicemailAudio,
  removeProjectVoicemail,
  runningVoicemailRecordingCall,
  saveVoicemailRecording,
  saveVoicemailRecordingCall,
  type UserRow,
  type VoicemailRecordingCallRow,
  type VoicemailSource,
} from '@phonebank/persistence';
import type { PbxEvent, PbxPort } from '@phonebank/pbx';
import type {
  VoicemailCallJson,
  VoicemailStatus,
} from '../../../../libs/contracts/src/project-audio.contract';
import { APP_CONFIG } from '../config/config.module';
import { PBX_PORT } from '../pbx/pbx.module';
import { PromptPlayer } from '../project-calls/prompt-player';
import { ProjectCallError } from '../project-calls/project-call.errors';
import { AudioConverter } from './audio-converter';

type StaffUser = UserRow & { campaignId: string };

const GOODBYE_LIMIT_MS = 20_000;

interface LiveCall {
  id: string;
  campaignId: string;
  projectId: string;
  userId: string;
  phone: string;
  state: VoicemailRecordingState;
  startedAt: Date;
  recordingId: string | null;
  queue: Promise<unknown>;
  ringTimer?: NodeJS.Timeout;
  choiceTimer?: NodeJS.Timeout;
  goodbyeTimer?: NodeJS.Timeout;
}

export interface VoicemailUpdate {
  campaignId: string;
  status: VoicemailStatus;
}

/**
 * The project's voicemail message (SPEC §4): "call me to record" calls, run by the pure
 * machine in libs/domain (this service places the call, feeds it PBX events and timers, and
 * carries out its commands), and uploaded WAV/MP3 files. Either way the audio is converted to
 * 8 kHz mono 16-bit PCM WAV and kept in PostgreSQL, the source of truth.
 */
@Injectable()
export class VoicemailRecordingService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Voicemail');
  private readonly live = new Map<string, LiveCall>();
  private readonly updates = new EventEmitter();
  private readonly prompts: PromptPlayer;
  private unsubscribe?: () => void;

  constructor(
    private readonly db: DataSource,
    @Inject(PBX_PORT) private readonly pbx: PbxPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly converter: AudioConverter,
  ) {
    this.prompts = new PromptPlayer(pbx, 'vmrec');
    this.updates.setMaxListeners(0);
  }

  onModuleInit(): void {
    this.unsubscribe = this.pbx.onEvent((event) => this.onPbxEvent(event));
  }

  async onApplicationBootstrap(): Promise<void> {
    const n = await interruptRunningVoicemailRecordingCalls(this.db, new Date());
    if (n > 0) this.logger.warn(`${n} "call me to record" calls of a previous run ended as interrupted`);
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const c of this.live.values()) this.clearTimers(c);
  }

  onUpdate(listener: (update: VoicemailUpdate) => void): () => void {
    this.updates.on('update', listener);
    return () => this.updates.off('update', listener);
  }

  // --- staff requests ------------------------------------------------------------------

  async status(user: StaffUser, projectId: string): Promise<VoicemailStatus> {
    const status = await this.load(user.campaignId, projectId);
    if (!status) throw new ProjectCallError('NOT_FOUND', 'project not found');
    return status;
  }

  async audio(user: StaffUser, projectId: string): Promise<Buffer> {
    const r = await projectVoicemailAudio(this.db, user.campaignId, projectId);
    if (!r) throw new ProjectCallError('NOT_FOUND', 'this project has no voicemail recording');
    return r.audio;
  }

  /** An uploaded WAV or MP3 file becomes the project's message, converted for the PBX. */
  async upload(
    user: StaffUser,
    projectId: string,
    bytes: Uint8Array,
    originalName: string | null,
  ): Promise<VoicemailStatus> {
    if (!(await projectVoicemail(this.db, user.campaignId, projectId))) {
      throw new ProjectCallError('NOT_FOUND', 'project not found');
    }
    if (bytes.length === 0)
      throw new ProjectCallError('INVALID_AUDIO', 'the file is empty; choose a WAV or MP3 file');
    const container = sniffAudioContainer(bytes);
    if (!container) {
      throw new ProjectCallError(
        'INVALID_AUDIO',
        'this is not a WAV or MP3 file; export the message as WAV or MP3',
      );
    }
    await this.keep(user.campaignId, projectId, bytes, container, 'upload', originalName, user.id);
    this.logger.log(
      `project ${projectId}: voicemail recording uploaded (${bytes.length} bytes, ${container})`,
    );
    return this.announce(user.campaignId, projectId);
  }

  async remove(user: StaffUser, projectId: string): Promise<VoicemailStatus> {
    if (!(await removeProjectVoicemail(this.db, user.campaignId, projectId))) {
      throw new ProjectCallError('NOT_FOUND', 'project not found');
    }
    return this.announce(user.campaignId, projectId);
  }

  /** "Call me to record": call the staff member's phone through the project's trunk. */
  async callToRecord(user: StaffUser, projectId: string, phone: string): Promise<VoicemailStatus> {
    if (!(await projectVoicemail(this.db, user.campaignId, projectId))) {
      throw new ProjectCallError('NOT_FOUND', 'project not found');
    }
    await this.cancelRunning(projectId);
    const project = await one<{
      trunk: string | null;
      caller_id: string | null;
      caller_id_verified_at: Date | null;
    }>(this.db, `SELECT trunk, caller_id, caller_id_verified_at FROM projects WHERE id = $1`, [projectId]);
    const id = randomUUID();
    const now = new Date();
    try {
      await insertVoicemailRecordingCall(this.db, {
        id,
        campaignId: user.campaignId,
        projectId,
        phone,
        requestedBy: user.id,
        now,
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new ProjectCallError(
          'CONFLICT',
          'a recording call is already running for this project; wait or cancel it',
        );
      }
      throw error;
    }
    const call: LiveCall = {
      id,
      campaignId: user.campaignId,
      projectId,
      userId: user.id,
      phone,
      state: startVoicemailRecording(id, now),
      startedAt: now,
      recordingId: null,
      queue: Promise.resolve(),
    };
    this.live.set(id, call);
    this.logger.log(`recording call ${id}: calling the staff phone for project ${projectId}`);
    const status = await this.announce(user.campaignId, projectId);
    try {
      await this.pbx.originate({
        legId: id,
        trunk: project?.trunk ?? this.config.dialing.defaultTrunk,
        number: phone,
        callerId:
          project?.caller_id && project.caller_id_verified_at
            ? project.caller_id
            : this.config.dialing.dialInNumber,
        ringTimeoutSeconds: this.config.dialing.ringTimeoutSeconds + 5,
        appArgs: ['voicemail-recording', id],
      });
      call.ringTimer = setTimeout(
        () => void this.feed(call, { type: 'ring-timeout' }),
        this.config.dialing.ringTimeoutSeconds * 1000,
      );
    } catch (error) {
      this.logger.warn(`recording call ${id}: the call could not be placed: ${describe(error)}`);
      await this.feed(call, { type: 'call-ended', cause: { q850: 0, text: 'originate refused' } });
      return this.status(user, projectId);
    }
    return status;
  }

  async cancelCall(user: StaffUser, projectId: string): Promise<VoicemailStatus> {
    if (!(await projectVoicemail(this.db, user.campaignId, projectId))) {
      throw new ProjectCallError('NOT_FOUND', 'project not found');
    }
    if (!(await this.cancelRunning(projectId))) {
      throw new ProjectCallError('NOTHING_TO_CANCEL', 'no recording call is running for this project');
    }
    return this.status(user, projectId);
  }

  // --- keeping audio ------------------------------------------------------------------------

  /** Convert (when needed), check and keep audio as the project's message; answers the recording id. */
  private async keep(
    campaignId: string,
    projectId: string,
    bytes: Uint8Array,
    container: AudioContainer,
    source: VoicemailSource,
    originalName: string | null,
    userId: string,
  ): Promise<string> {
    let wav = bytes;
    if (container !== 'wav' || !isTelephonyWav(safeWavInfo(bytes))) {
      wav = await this.converter.toTelephonyWav(bytes, container);
    }
    const info = safeWavInfo(wav);
    const problem = voicemailAudioProblem(info);
    if (problem) throw new ProjectCallError('INVALID_AUDIO', `${problem}; choose another file`);
    const saved = await saveVoicemailRecording(this.db, {
      campaignId,
      projectId,
      source,
      originalName,
      audio: wav,
      durationMs: info.durationMs,
      mediaToken: randomBytes(32).toString('base64url'),
      createdBy: userId,
      now: new Date(),
    });
    if (!saved) throw new ProjectCallError('NOT_FOUND', 'project not found');
    return saved.id;
  }

  // --- the machine ------------------------------------------------------------------------

  private async cancelRunning(projectId: string): Promise<boolean> {
    const running = await runningVoicemailRecordingCall(this.db, projectId);
    if (!running) return false;
    const call = this.live.get(running.id);
    if (call) {
      await this.feed(call, { type: 'cancel' });
      return true;
    }
    await saveVoicemailRecordingCall(this.db, running.id, running.stage, {
      stage: 'failed',
      stageEnteredAt: new Date(),
      failure: 'cancelled',
      take: running.take,
    });
    return true;
  }

  private feed(call: LiveCall, event: VoicemailRecordingEvent): Promise<void> {
    const run = call.queue.then(() => this.apply(call, event));
    call.queue = run.catch((error: unknown) =>
      this.logger.error(`recording call ${call.id}: ${event.type} failed: ${describe(error)}`),
    );
    return call.queue as Promise<void>;
  }

  private async apply(call: LiveCall, event: VoicemailRecordingEvent): Promise<void> {
    const before = call.state;
    const t = transitionVoicemailRecording(before, event, new Date());
    if (t.ignored) return;
    call.state = t.state;
    const changed =
      before.stage !== t.state.stage || before.take !== t.state.take || before.failure !== t.state.failure;
    if (changed) {
      const saved = await saveVoicemailRecordingCall(this.db, call.id, before.stage, {
        stage: t.state.stage,
        stageEnteredAt: t.state.stageEnteredAt,
        failure: t.state.failure,
        take: t.state.take,
        recordingId: call.recordingId,
      });
      if (!saved) {
        this.logger.warn(`recording call ${call.id}: ended elsewhere; hanging up`);
        this.drop(call);
        await this.pbx.hangup(call.id).catch(() => undefined);
        return;
      }
      if (before.stage !== t.state.stage) this.logger.log(`recording call ${call.id}: ${t.state.stage}`);
    }
    for (const command of t.commands) {
      try {
        await this.execute(call, command);
      } catch (error) {
        this.logger.error(`recording call ${call.id}: ${command.type} failed: ${describe(error)}`);
      }
    }
    if (changed) await this.announce(call.campaignId, call.projectId);
    if (isVoicemailRecordingFinished(call.state) && call.state.callEnded) this.drop(call);
  }

  private async execute(call: LiveCall, c: VoicemailRecordingCommand): Promise<void> {
    switch (c.type) {
      case 'play':
        if (c.thenHangUp) {
          call.goodbyeTimer ??= setTimeout(
            () => void this.pbx.hangup(call.id).catch(() => undefined),
            GOODBYE_LIMIT_MS,
          );
        }
        await this.prompts.play(call.id, c.media, () => {
          if (c.thenHangUp) void this.pbx.hangup(call.id).catch(() => undefined);
          else void this.feed(call, { type: 'prompt-finished' });
        });
        return;
      case 'stop-prompt':
        await this.prompts.stop(call.id);
        return;
      case 'record':
        await this.pbx.record(call.id, {
          name: c.name,
          maxDurationSeconds: c.maxSeconds,
          maxSilenceSeconds: c.maxSilenceSeconds,
          beep: true,
          terminateOnPound: true,
        });
        return;
      case 'stop-recording':
        await this.pbx.stopRecording(c.name);
        return;
      case 'discard-recording':
        await this.pbx.deleteRecording(c.name).catch((error: unknown) => {
          this.logger.warn(`recording call ${call.id}: could not delete take ${c.name}: ${describe(error)}`);
        });
        return;
      case 'keep-recording':
        // Saving runs beside the call's events (a hang-up must not wait for it).
        void this.keepTake(call, c.name);
        return;
      case 'start-choice-timer':
        if (call.choiceTimer) clearTimeout(call.choiceTimer);
        call.choiceTimer = setTimeout(() => void this.feed(call, { type: 'choice-timeout' }), c.ms);
        return;
      case 'cancel-choice-timer':
        if (call.choiceTimer) clearTimeout(call.choiceTimer);
        call.choiceTimer = undefined;
        return;
      case 'hang-up':
        await this.pbx.hangup(call.id);
        return;
    }
  }

  private async keepTake(call: LiveCall, name: string): Promise<void> {
    try {
      const bytes = await this.pbx.fetchRecording(name);
      call.recordingId = await this.keep(
        call.campaignId,
        call.projectId,
        bytes,
        'wav',
        'phone',
        null,
        call.userId,
      );
      await this.pbx.deleteRecording(name).catch(() => undefined);
      this.logger.log(`recording call ${call.id}: take ${name} kept as the project's voicemail message`);
      await this.feed(call, { type: 'saved' });
    } catch (error) {
      this.logger.error(`recording call ${call.id}: take ${name} could not be kept: ${describe(error)}`);
      await this.feed(call, { type: 'save-failed' });
    }
  }

  private onPbxEvent(event: PbxEvent): void {
    switch (event.type) {
      case 'playback-finished':
        this.prompts.onPlaybackFinished(event.playbackId, event.legId);
        return;
      case 'recording-finished':
      case 'recording-failed': {
        const call = [...this.live.values()].find((c) => c.state.recordingName === event.name);
        if (!call) return;
        void this.feed(
          call,
          event.type === 'recording-finished'
            ? { type: 'recording-finished', name: event.name, durationMs: event.durationMs }
            : { type: 'recording-failed', name: event.name },
        );
        return;
      }
      case 'leg-ringing':
      case 'leg-answered':
      case 'leg-dtmf':
      case 'leg-ended': {
        const call = this.live.get(event.legId);
        if (!call) return;
        if (event.type === 'leg-ringing') void this.feed(call, { type: 'ringing' });
        else if (event.type === 'leg-answered') {
          if (call.ringTimer) clearTimeout(call.ringTimer);
          void this.feed(call, { type: 'answered' });
        } else if (event.type === 'leg-dtmf') void this.feed(call, { type: 'digit', digit: event.digit });
        else {
          this.prompts.forget(call.id);
          void this.feed(call, { type: 'call-ended', cause: event.cause });
        }
        return;
      }
      default:
        return;
    }
  }

  private drop(call: LiveCall): void {
    this.clearTimers(call);
    this.prompts.forget(call.id);
    this.live.delete(call.id);
  }

  private clearTimers(call: LiveCall): void {
    for (const t of [call.ringTimer, call.choiceTimer, call.goodbyeTimer]) if (t) clearTimeout(t);
  }

  // --- views ------------------------------------------------------------------------------

  private async announce(campaignId: string, projectId: string): Promise<VoicemailStatus> {
    const status = await this.load(campaignId, projectId);
    if (!status) throw new ProjectCallError('NOT_FOUND', 'project not found');
    this.updates.emit('update', { campaignId, status } satisfies VoicemailUpdate);
    return status;
  }

  private async load(campaignId: string, projectId: string): Promise<VoicemailStatus | undefined> {
    const current = await projectVoicemail(this.db, campaignId, projectId);
    if (!current) return undefined;
    const latest = await latestVoicemailRecordingCall(this.db, campaignId, projectId);
    const r = current.recording;
    return {
      projectId,
      recording: r && {
        id: r.id,
        source: r.source,
        originalName: r.originalName,
        durationMs: r.durationMs,
        sizeBytes: r.sizeBytes,
        createdAt: r.createdAt.toISOString(),
        audioUrl: `/api/projects/${projectId}/voicemail/audio?v=${r.id}`,
      },
      pbxMedia: r ? null : current.mediaRef,
      call: latest ? this.toJson(latest) : null,
    };
  }

  private toJson(row: VoicemailRecordingCallRow): VoicemailCallJson {
    const state: VoicemailRecordingState = this.live.get(row.id)?.state ?? {
      stage: row.stage,
      stageEnteredAt: row.stageEnteredAt,
      callId: row.id,
      take: row.take,
      recordingName: null,
      takeDurationMs: null,
      menuPlays: 0,
      answered: false,
      failure: row.failure,
      callEnded: row.finishedAt !== null,
    };
    return {
      id: row.id,
      phone: row.phone,
      stage: state.stage,
      failure: state.failure,
      take: state.take,
      message: describeVoicemailRecording(state),
      startedAt: row.createdAt.toISOString(),
      stageEnteredAt: state.stageEnteredAt.toISOString(),
    };
  }
}

function safeWavInfo(bytes: Uint8Array) {
  try {
    return readWavInfo(bytes);
  } catch (error) {
    if (error instanceof AudioFormatError)
      throw new ProjectCallError('INVALID_AUDIO', `${error.message}; upload a WAV or MP3 file`);
    throw error;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
