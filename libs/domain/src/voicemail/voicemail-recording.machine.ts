import { classifyCallEnd, type HangupCause } from '../call-result/hangup-cause';

/**
 * "Call me to record" (SPEC §4): the engine calls a staff member's phone, asks them to record
 * the project's voicemail message after the tone, records until # (or silence, or the length
 * limit), plays it back, and then 1 keeps it, 2 records it again. This is the pure state machine
 * of one such call; the orchestrator feeds it PBX events and carries out its commands.
 */
export type VoicemailRecordingStage =
  'calling' | 'ringing' | 'prompting' | 'recording' | 'reviewing' | 'saving' | 'kept' | 'failed';

export type VoicemailRecordingFailure =
  | 'no-answer'
  | 'busy'
  | 'unreachable'
  /** Hung up before pressing 1. */
  | 'hung-up'
  /** Neither 1 nor 2 was pressed after the recording played back, twice. */
  | 'no-choice'
  | 'too-many-takes'
  | 'recording-failed'
  | 'save-failed'
  | 'cancelled'
  /** The engine restarted during the call and could not follow it any more. */
  | 'interrupted';

export const MAX_VOICEMAIL_SECONDS = 120;
/** Recording stops after this much silence. */
export const VOICEMAIL_SILENCE_SECONDS = 5;
/** Shorter takes are refused ("too short") and recorded again. */
export const MIN_VOICEMAIL_MS = 1000;
export const MAX_VOICEMAIL_TAKES = 5;
/** Time to press 1 or 2 after the menu. */
export const VOICEMAIL_CHOICE_TIMEOUT_MS = 10_000;

export const VOICEMAIL_PROMPTS = {
  /** "Please leave your message after the tone. When done, hang up, or press the pound key." */
  recordAfterTone: ['sound:vm-intro'],
  /** "If this is correct, press 1. To re-record it, press 2." */
  keepOrRedo: [
    'sound:if-correct-press',
    'sound:digits/1',
    'sound:to-rerecord-it',
    'sound:vm-press',
    'sound:digits/2',
  ],
  tooShort: ['sound:vm-tooshort'],
  saved: ['sound:vm-msgsaved', 'sound:vm-goodbye'],
  failed: ['sound:im-sorry', 'sound:vm-goodbye'],
  goodbye: ['sound:vm-goodbye'],
} as const;

export interface VoicemailRecordingState {
  stage: VoicemailRecordingStage;
  stageEnteredAt: Date;
  /** The id of this recording call; takes are named after it. */
  callId: string;
  /** 1 for the first take. */
  take: number;
  /** The PBX recording of the current take, once recording started. */
  recordingName: string | null;
  /** Duration of the current take as the PBX reported it. */
  takeDurationMs: number | null;
  /** How many times the keep-or-redo menu was played for the current take. */
  menuPlays: number;
  answered: boolean;
  failure: VoicemailRecordingFailure | null;
  callEnded: boolean;
}

export type VoicemailRecordingEvent =
  | { type: 'ringing' }
  | { type: 'answered' }
  /** The prompts of the last `play` command finished (or were stopped). */
  | { type: 'prompt-finished' }
  | { type: 'recording-finished'; name: string; durationMs: number | null }
  | { type: 'recording-failed'; name: string }
  | { type: 'digit'; digit: string }
  | { type: 'choice-timeout' }
  | { type: 'ring-timeout' }
  | { type: 'call-ended'; cause: HangupCause }
  | { type: 'saved' }
  | { type: 'save-failed' }
  | { type: 'cancel' };

export type VoicemailRecordingCommand =
  | { type: 'play'; media: readonly string[]; thenHangUp: boolean }
  | { type: 'stop-prompt' }
  | { type: 'record'; name: string; maxSeconds: number; maxSilenceSeconds: number }
  | { type: 'stop-recording'; name: string }
  /** Fetch the take from the PBX, convert it, and make it the project's recording; answer saved / save-failed. */
  | { type: 'keep-recording'; name: string }
  /** Delete the take from the PBX (not kept). */
  | { type: 'discard-recording'; name: string }
  | { type: 'start-choice-timer'; ms: number }
  | { type: 'cancel-choice-timer' }
  | { type: 'hang-up' };

export interface VoicemailRecordingTransition {
  state: VoicemailRecordingState;
  commands: VoicemailRecordingCommand[];
  ignored: boolean;
}

/** The PBX name of a take: only letters, digits and dashes (safe in every PBX's file names). */
export function voicemailTakeName(callId: string, take: number): string {
  return `vmrec-${callId.replace(/[^A-Za-z0-9-]/g, '')}-${take}`;
}

export function startVoicemailRecording(callId: string, now: Date): VoicemailRecordingState {
  return {
    stage: 'calling',
    stageEnteredAt: now,
    callId,
    take: 1,
    recordingName: null,
    takeDurationMs: null,
    menuPlays: 0,
    answered: false,
    failure: null,
    callEnded: false,
  };
}

export function isVoicemailRecordingFinished(state: VoicemailRecordingState): boolean {
  return state.stage === 'kept' || state.stage === 'failed';
}

export function transitionVoicemailRecording(
  state: VoicemailRecordingState,
  event: VoicemailRecordingEvent,
  now: Date,
): VoicemailRecordingTransition {
  const same = (): VoicemailRecordingTransition => ({ state, commands: [], ignored: true });
  const to = (
    patch: Partial<VoicemailRecordingState>,
    commands: VoicemailRecordingCommand[],
  ): VoicemailRecordingTransition => {
    const next = { ...state, ...patch };
    if (next.stage !== state.stage) next.stageEnteredAt = now;
    return { state: next, commands, ignored: false };
  };
  const fail = (
    failure: VoicemailRecordingFailure,
    extra: VoicemailRecordingCommand[] = [],
    patch: Partial<VoicemailRecordingState> = {},
  ): VoicemailRecordingTransition => {
    const commands: VoicemailRecordingCommand[] = [{ type: 'cancel-choice-timer' }];
    if (state.recordingName && state.stage !== 'saving') {
      if (state.stage === 'recording') commands.push({ type: 'stop-recording', name: state.recordingName });
      commands.push({ type: 'discard-recording', name: state.recordingName });
    }
    return to({ stage: 'failed', failure, ...patch }, [...commands, ...extra]);
  };
  const finished = isVoicemailRecordingFinished(state);
  const connected = state.answered && !state.callEnded;

  switch (event.type) {
    case 'ringing':
      return state.stage === 'calling' ? to({ stage: 'ringing' }, []) : same();

    case 'answered':
      if (state.stage !== 'calling' && state.stage !== 'ringing') return same();
      return to({ stage: 'prompting', answered: true }, [
        { type: 'play', media: VOICEMAIL_PROMPTS.recordAfterTone, thenHangUp: false },
      ]);

    case 'prompt-finished':
      if (state.stage === 'prompting' && connected) {
        const name = voicemailTakeName(state.callId, state.take);
        return to({ stage: 'recording', recordingName: name, takeDurationMs: null }, [
          {
            type: 'record',
            name,
            maxSeconds: MAX_VOICEMAIL_SECONDS,
            maxSilenceSeconds: VOICEMAIL_SILENCE_SECONDS,
          },
        ]);
      }
      if (state.stage === 'reviewing' && connected) {
        return to({ menuPlays: state.menuPlays + 1 }, [
          { type: 'start-choice-timer', ms: VOICEMAIL_CHOICE_TIMEOUT_MS },
        ]);
      }
      return same();

    case 'recording-finished': {
      if (event.name !== state.recordingName) return same();
      if (state.stage !== 'recording') {
        // A take that ended after the call was given up: never kept.
        return finished
          ? { state, commands: [{ type: 'discard-recording', name: event.name }], ignored: false }
          : same();
      }
      if (!connected) return fail('hung-up');
      if (event.durationMs !== null && event.durationMs < MIN_VOICEMAIL_MS) {
        return retake({
          type: 'play',
          media: [...VOICEMAIL_PROMPTS.tooShort, ...VOICEMAIL_PROMPTS.recordAfterTone],
          thenHangUp: false,
        });
      }
      return to({ stage: 'reviewing', takeDurationMs: event.durationMs, menuPlays: 0 }, [
        {
          type: 'play',
          media: [`recording:${event.name}`, ...VOICEMAIL_PROMPTS.keepOrRedo],
          thenHangUp: false,
        },
      ]);
    }

    case 'recording-failed':
      if (event.name !== state.recordingName || state.stage !== 'recording') return same();
      return fail(
        'recording-failed',
        connected ? [{ type: 'play', media: VOICEMAIL_PROMPTS.failed, thenHangUp: true }] : [],
      );

    case 'digit':
      if (state.stage === 'recording' && event.digit === '#' && state.recordingName) {
        return to({}, [{ type: 'stop-recording', name: state.recordingName }]);
      }
      if (state.stage !== 'reviewing' || !state.recordingName) return same();
      if (event.digit === '1') {
        return to({ stage: 'saving' }, [
          { type: 'stop-prompt' },
          { type: 'cancel-choice-timer' },
          { type: 'keep-recording', name: state.recordingName },
        ]);
      }
      if (event.digit === '2') {
        return retake({ type: 'play', media: VOICEMAIL_PROMPTS.recordAfterTone, thenHangUp: false });
      }
      return same();

    case 'choice-timeout':
      if (state.stage !== 'reviewing') return same();
      if (state.menuPlays < 2) {
        return to({}, [{ type: 'play', media: VOICEMAIL_PROMPTS.keepOrRedo, thenHangUp: false }]);
      }
      return fail('no-choice', [{ type: 'play', media: VOICEMAIL_PROMPTS.goodbye, thenHangUp: true }]);

    case 'saved':
      if (state.stage !== 'saving') return same();
      return to(
        { stage: 'kept' },
        connected ? [{ type: 'play', media: VOICEMAIL_PROMPTS.saved, thenHangUp: true }] : [],
      );

    case 'save-failed':
      if (state.stage !== 'saving') return same();
      return to(
        { stage: 'failed', failure: 'save-failed' },
        connected ? [{ type: 'play', media: VOICEMAIL_PROMPTS.failed, thenHangUp: true }] : [],
      );

    case 'ring-timeout':
      if (state.stage !== 'calling' && state.stage !== 'ringing') return same();
      return fail('no-answer', [{ type: 'hang-up' }]);

    case 'cancel':
      if (finished) return same();
      if (state.stage === 'saving') return same(); // too late: the take is being saved
      return fail('cancelled', [{ type: 'hang-up' }]);

    case 'call-ended': {
      if (state.callEnded) return same();
      // Saving goes on without the call; a finished call just notes the hang-up.
      if (finished || state.stage === 'saving') return to({ callEnded: true }, []);
      if (state.answered) return fail('hung-up', [], { callEnded: true });
      const { result } = classifyCallEnd({ answered: false, cause: event.cause });
      return fail(result === 'busy' ? 'busy' : result === 'no-answer' ? 'no-answer' : 'unreachable', [], {
        callEnded: true,
      });
    }
  }

  /** Discard the current take and record the next one (after the given prompt), within the limit. */
  function retake(prompt: VoicemailRecordingCommand): VoicemailRecordingTransition {
    const discard: VoicemailRecordingCommand[] = state.recordingName
      ? [{ type: 'discard-recording', name: state.recordingName }]
      : [];
    if (state.take >= MAX_VOICEMAIL_TAKES) {
      return to({ stage: 'failed', failure: 'too-many-takes' }, [
        { type: 'stop-prompt' },
        { type: 'cancel-choice-timer' },
        ...discard,
        { type: 'play', media: VOICEMAIL_PROMPTS.goodbye, thenHangUp: true },
      ]);
    }
    return to(
      { stage: 'prompting', take: state.take + 1, recordingName: null, takeDurationMs: null, menuPlays: 0 },
      [{ type: 'stop-prompt' }, { type: 'cancel-choice-timer' }, ...discard, prompt],
    );
  }
}

/** One sentence for campaign staff about where the recording call is. */
export function describeVoicemailRecording(state: VoicemailRecordingState): string {
  switch (state.stage) {
    case 'calling':
      return 'Calling your phone…';
    case 'ringing':
      return 'Your phone is ringing: answer it.';
    case 'prompting':
      return state.take === 1
        ? 'Answered: listen, and speak after the tone.'
        : `Take ${state.take}: speak after the tone.`;
    case 'recording':
      return 'Recording: speak now, then press # (or stay silent to stop).';
    case 'reviewing':
      return 'Listen to it on the phone, then press 1 to keep it or 2 to record it again.';
    case 'saving':
      return 'Saving the recording…';
    case 'kept':
      return 'Saved: this is now the project’s voicemail message.';
    case 'failed':
      return FAILURE_TEXT[state.failure ?? 'unreachable'];
  }
}

const FAILURE_TEXT: Record<VoicemailRecordingFailure, string> = {
  'no-answer': 'Nobody answered. Check the number and try again.',
  busy: 'The line was busy. Try again in a moment.',
  unreachable: 'The call could not be placed to that number. Check it, then try again.',
  'hung-up': 'The call ended before a recording was kept (press 1 to keep one). Nothing was saved.',
  'no-choice': 'Neither 1 nor 2 was pressed, so nothing was saved. Try again.',
  'too-many-takes': `Too many takes in one call (${MAX_VOICEMAIL_TAKES}). Nothing was saved; call again.`,
  'recording-failed': 'The phone system could not record. Try again, or upload a file instead.',
  'save-failed': 'The recording could not be saved. Try again, or upload a file instead.',
  cancelled: 'Cancelled.',
  interrupted: 'The engine restarted during the call; nothing was saved. Call again.',
};
