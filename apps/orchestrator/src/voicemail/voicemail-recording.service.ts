import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
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
import { describeError, type PbxEvent, type PbxPort } from '@phonebank/pbx';
import type {
  VoicemailCallJson,
  VoicemailStatus,
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
import { AudioConverter } from './audio-converter';

type StaffUser = UserRow & { campaignId: string };

interface LiveCall extends StaffCall<VoicemailRecordingState> {
  phone: string;
  /** The recording kept from this call, once saved. */
  recordingId: string | null;
}

/** The events and commands of the machine that are its own (the rest are every staff call's). */
type OwnEvent = Exclude<VoicemailRecordingEvent, StaffCallEvent>;
type OwnCommand = Exclude<VoicemailRecordingCommand, StaffCallCommand>;
type RecordingCalls = StaffCalls<VoicemailRecordingState, OwnEvent, OwnCommand, LiveCall, VoicemailStatus>;

export type VoicemailUpdate = StaffCallUpdate<VoicemailStatus>;

/**
 * The project's voicemail message (SPEC §4): "call me to record" calls, run by the pure
 * machine in libs/domain (this service places the call, the shared staff call lifecycle feeds it
 * PBX events and timers, and this service carries out its own commands), and uploaded WAV/MP3
 * files. Either way the audio is converted to 8 kHz mono 16-bit PCM WAV and kept in PostgreSQL,
 * the source of truth.
 */
@Injectable()
export class VoicemailRecordingService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Voicemail');
  private readonly calls: RecordingCalls;

  constructor(
    private readonly db: DataSource,
    @Inject(PBX_PORT) private readonly pbx: PbxPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly converter: AudioConverter,
  ) {
    this.calls = new StaffCalls<VoicemailRecordingState, OwnEvent, OwnCommand, LiveCall, VoicemailStatus>(
      pbx,
      this.logger,
      {
        label: 'recording call',
        promptPrefix: 'vmrec',
        transition: transitionVoicemailRecording,
        isFinished: isVoicemailRecordingFinished,
        changed: (before, after) =>
          before.stage !== after.stage || before.take !== after.take || before.failure !== after.failure,
        save: (call, fromStage) =>
          saveVoicemailRecordingCall(this.db, call.id, fromStage, {
            stage: call.state.stage,
            stageEnteredAt: call.state.stageEnteredAt,
            failure: call.state.failure,
            take: call.state.take,
            recordingId: call.recordingId,
          }),
        execute: (call, command) => this.execute(call, command),
        promptsFinished: { type: 'prompt-finished' },
        onOtherEvent: (event) => this.onRecordingEvent(event),
        load: (campaignId, projectId) => this.load(campaignId, projectId),
      },
    );
  }

  onModuleInit(): void {
    this.calls.attach();
  }

  async onApplicationBootstrap(): Promise<void> {
    const n = await interruptRunningVoicemailRecordingCalls(this.db, new Date());
    if (n > 0) this.logger.warn(`${n} "call me to record" calls of a previous run ended as interrupted`);
  }

  onModuleDestroy(): void {
    this.calls.close();
  }

  onUpdate(listener: (update: VoicemailUpdate) => void): () => void {
    return this.calls.onUpdate(listener);
  }

  // --- staff requests ------------------------------------------------------------------

  status(user: StaffUser, projectId: string): Promise<VoicemailStatus> {
    return this.calls.status(user.campaignId, projectId);
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
    return this.calls.announce(user.campaignId, projectId);
  }

  async remove(user: StaffUser, projectId: string): Promise<VoicemailStatus> {
    if (!(await removeProjectVoicemail(this.db, user.campaignId, projectId))) {
      throw new ProjectCallError('NOT_FOUND', 'project not found');
    }
    return this.calls.announce(user.campaignId, projectId);
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
    await insertUnlessRunning(
      insertVoicemailRecordingCall(this.db, {
        id,
        campaignId: user.campaignId,
        projectId,
        phone,
        requestedBy: user.id,
        now,
      }),
      'a recording call is already running for this project; wait or cancel it',
    );
    const call = this.calls.open({
      id,
      campaignId: user.campaignId,
      projectId,
      userId: user.id,
      phone,
      state: startVoicemailRecording(id, now),
      recordingId: null,
    });
    this.logger.log(`recording call ${id}: calling the staff phone for project ${projectId}`);
    return this.calls.place(call, {
      trunk: project?.trunk ?? this.config.dialing.defaultTrunk,
      number: phone,
      callerId:
        project?.caller_id && project.caller_id_verified_at
          ? project.caller_id
          : this.config.dialing.dialInNumber,
      ringTimeoutSeconds: this.config.dialing.ringTimeoutSeconds,
      app: 'voicemail-recording',
    });
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
    if (await this.calls.cancel(running.id)) return true;
    await saveVoicemailRecordingCall(this.db, running.id, running.stage, {
      stage: 'failed',
      stageEnteredAt: new Date(),
      failure: 'cancelled',
      take: running.take,
    });
    return true;
  }

  private async execute(call: LiveCall, c: OwnCommand): Promise<void> {
    switch (c.type) {
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
          this.logger.warn(
            `recording call ${call.id}: could not delete take ${c.name}: ${describeError(error)}`,
          );
        });
        return;
      case 'keep-recording':
        // Saving runs beside the call's events (a hang-up must not wait for it).
        void this.keepTake(call, c.name);
        return;
      case 'start-choice-timer':
        this.calls.startTimer(call, 'choice', c.ms, { type: 'choice-timeout' });
        return;
      case 'cancel-choice-timer':
        this.calls.cancelTimer(call, 'choice');
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
      await this.calls.feed(call, { type: 'saved' });
    } catch (error) {
      this.logger.error(`recording call ${call.id}: take ${name} could not be kept: ${describeError(error)}`);
      await this.calls.feed(call, { type: 'save-failed' });
    }
  }

  /** A take finished or failed: fed to the call recording it. */
  private onRecordingEvent(event: PbxEvent): void {
    if (event.type !== 'recording-finished' && event.type !== 'recording-failed') return;
    const call = this.calls.find((c) => c.state.recordingName === event.name);
    if (!call) return;
    void this.calls.feed(
      call,
      event.type === 'recording-finished'
        ? { type: 'recording-finished', name: event.name, durationMs: event.durationMs }
        : { type: 'recording-failed', name: event.name },
    );
  }

  // --- views ------------------------------------------------------------------------------

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
    const state: VoicemailRecordingState = this.calls.get(row.id)?.state ?? {
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
