import { classifyCallEnd, type HangupCause } from '../call-result/hangup-cause';

/**
 * Caller-ID verification (SPEC §4): before a project may show a number to voters, the engine
 * calls that number and the person who answers types the code shown to campaign staff on
 * screen. This is the pure state machine of one verification call: the orchestrator feeds it
 * what the PBX reports (ringing, answer, DTMF digits, hang-up) and its own timers, and carries
 * out the commands it returns (play prompts, hang up, start timers). No I/O here.
 */
export type CallerIdVerificationStage = 'calling' | 'ringing' | 'awaiting-code' | 'verified' | 'failed';

export type CallerIdVerificationFailure =
  /** The code was typed wrong too many times. */
  | 'wrong-code'
  /** Answered, but no code was typed in time. */
  | 'no-code'
  | 'no-answer'
  | 'busy'
  /** The call could not be placed or the number does not exist. */
  | 'unreachable'
  /** Answered, then hung up before typing the right code. */
  | 'hung-up'
  /** Campaign staff cancelled it, or started another verification. */
  | 'cancelled'
  /** The engine restarted during the call and could not follow it any more. */
  | 'interrupted';

export const VERIFICATION_CODE_LENGTH = 6;
export const DEFAULT_VERIFICATION_TRIES = 3;
/** Time to type the code after the prompt starts, and again after each wrong code. */
export const VERIFICATION_CODE_TIMEOUT_MS = 30_000;

/** What the person hears. `sound:` names are Asterisk core prompts (the FreeSWITCH adapter maps them). */
export const VERIFICATION_PROMPTS = {
  /** "Please enter your password followed by the pound key." */
  enterCode: ['sound:agent-pass'],
  /** "Password incorrect. Please enter your password followed by the pound key." */
  wrongCode: ['sound:auth-incorrect'],
  verified: ['sound:auth-thankyou', 'sound:vm-goodbye'],
  failed: ['sound:vm-goodbye'],
} as const;

export interface CallerIdVerificationState {
  stage: CallerIdVerificationStage;
  stageEnteredAt: Date;
  callerId: string;
  code: string;
  /** Wrong codes typed so far. */
  wrongTries: number;
  maxTries: number;
  /** Digits typed in the current try. */
  digits: string;
  answered: boolean;
  failure: CallerIdVerificationFailure | null;
  /** The call is over (hung up by either side). */
  callEnded: boolean;
}

export type CallerIdVerificationEvent =
  | { type: 'ringing' }
  | { type: 'answered' }
  | { type: 'digit'; digit: string }
  | { type: 'call-ended'; cause: HangupCause }
  | { type: 'ring-timeout' }
  | { type: 'code-timeout' }
  | { type: 'cancel' };

export type CallerIdVerificationCommand =
  /** Play these prompts in order (stopping any prompt still playing); hang up after the last when asked. */
  | { type: 'play'; media: readonly string[]; thenHangUp: boolean }
  | { type: 'stop-prompt' }
  | { type: 'start-code-timer'; ms: number }
  | { type: 'cancel-code-timer' }
  | { type: 'hang-up' }
  /** The number is proven: record it for the project and the campaign. */
  | { type: 'mark-verified'; callerId: string };

export interface CallerIdVerificationTransition {
  state: CallerIdVerificationState;
  commands: CallerIdVerificationCommand[];
  /** True when the event changed nothing (it did not apply in this stage). */
  ignored: boolean;
}

/**
 * A numeric code of `length` digits from a uniform random source (`randomInt(n)` gives an
 * integer in [0, n)), e.g. node:crypto's randomInt. Never starts the same way twice on purpose:
 * all 10^length codes are possible.
 */
export function newVerificationCode(
  randomInt: (maxExclusive: number) => number,
  length = VERIFICATION_CODE_LENGTH,
): string {
  if (!Number.isInteger(length) || length < 4 || length > 10) {
    throw new Error('a verification code has 4 to 10 digits');
  }
  let code = '';
  for (let i = 0; i < length; i++) {
    const d = randomInt(10);
    if (!Number.isInteger(d) || d < 0 || d > 9) throw new Error('randomInt(10) must give 0..9');
    code += String(d);
  }
  return code;
}

/** Compares every digit whatever the first difference, so timing tells nothing. */
export function codesMatch(typed: string, code: string): boolean {
  if (typed.length !== code.length) return false;
  let diff = 0;
  for (let i = 0; i < code.length; i++) diff |= typed.charCodeAt(i) ^ code.charCodeAt(i);
  return diff === 0;
}

export function startCallerIdVerification(
  input: { callerId: string; code: string; maxTries?: number },
  now: Date,
): CallerIdVerificationState {
  if (!/^[0-9]{4,10}$/.test(input.code)) throw new Error('the verification code must be 4 to 10 digits');
  return {
    stage: 'calling',
    stageEnteredAt: now,
    callerId: input.callerId,
    code: input.code,
    wrongTries: 0,
    maxTries: input.maxTries ?? DEFAULT_VERIFICATION_TRIES,
    digits: '',
    answered: false,
    failure: null,
    callEnded: false,
  };
}

export function isVerificationFinished(state: CallerIdVerificationState): boolean {
  return state.stage === 'verified' || state.stage === 'failed';
}

export function transitionCallerIdVerification(
  state: CallerIdVerificationState,
  event: CallerIdVerificationEvent,
  now: Date,
): CallerIdVerificationTransition {
  const same = (): CallerIdVerificationTransition => ({ state, commands: [], ignored: true });
  const to = (
    patch: Partial<CallerIdVerificationState>,
    commands: CallerIdVerificationCommand[],
  ): CallerIdVerificationTransition => {
    const next = { ...state, ...patch };
    if (next.stage !== state.stage) next.stageEnteredAt = now;
    return { state: next, commands, ignored: false };
  };
  const finished = isVerificationFinished(state);

  switch (event.type) {
    case 'ringing':
      return state.stage === 'calling' ? to({ stage: 'ringing' }, []) : same();

    case 'answered':
      if (state.stage !== 'calling' && state.stage !== 'ringing') return same();
      return to({ stage: 'awaiting-code', answered: true, digits: '' }, [
        { type: 'play', media: VERIFICATION_PROMPTS.enterCode, thenHangUp: false },
        { type: 'start-code-timer', ms: VERIFICATION_CODE_TIMEOUT_MS },
      ]);

    case 'digit': {
      if (state.stage !== 'awaiting-code') return same();
      const digit = event.digit;
      const commands: CallerIdVerificationCommand[] = [];
      // Typing over a prompt stops it.
      if (state.digits === '') commands.push({ type: 'stop-prompt' });
      if (digit === '*') return to({ digits: '' }, commands);
      if (digit === '#') {
        if (state.digits === '') return to({}, commands);
        return submit(state.digits, commands);
      }
      if (!/^[0-9]$/.test(digit)) return to({}, commands);
      const typed = state.digits + digit;
      if (typed.length >= state.code.length) return submit(typed, commands);
      return to({ digits: typed }, commands);
    }

    case 'code-timeout':
      if (state.stage !== 'awaiting-code') return same();
      return to({ stage: 'failed', failure: 'no-code', digits: '', code: '' }, [
        { type: 'play', media: VERIFICATION_PROMPTS.failed, thenHangUp: true },
      ]);

    case 'ring-timeout':
      if (state.stage !== 'calling' && state.stage !== 'ringing') return same();
      return to({ stage: 'failed', failure: 'no-answer', code: '' }, [{ type: 'hang-up' }]);

    case 'cancel':
      if (finished) return same();
      return to({ stage: 'failed', failure: 'cancelled', digits: '', code: '' }, [
        { type: 'cancel-code-timer' },
        { type: 'hang-up' },
      ]);

    case 'call-ended': {
      if (state.callEnded) return same();
      if (finished) return to({ callEnded: true }, []);
      const commands: CallerIdVerificationCommand[] = [{ type: 'cancel-code-timer' }];
      if (state.answered) {
        return to({ stage: 'failed', failure: 'hung-up', callEnded: true, digits: '', code: '' }, commands);
      }
      const { result } = classifyCallEnd({ answered: false, cause: event.cause });
      const failure: CallerIdVerificationFailure =
        result === 'busy' ? 'busy' : result === 'no-answer' ? 'no-answer' : 'unreachable';
      return to({ stage: 'failed', failure, callEnded: true, code: '' }, commands);
    }
  }

  function submit(typed: string, commands: CallerIdVerificationCommand[]): CallerIdVerificationTransition {
    if (codesMatch(typed, state.code)) {
      return to({ stage: 'verified', digits: '', code: '' }, [
        ...commands,
        { type: 'cancel-code-timer' },
        { type: 'mark-verified', callerId: state.callerId },
        { type: 'play', media: VERIFICATION_PROMPTS.verified, thenHangUp: true },
      ]);
    }
    const wrongTries = state.wrongTries + 1;
    if (wrongTries >= state.maxTries) {
      return to({ stage: 'failed', failure: 'wrong-code', wrongTries, digits: '', code: '' }, [
        ...commands,
        { type: 'cancel-code-timer' },
        { type: 'play', media: VERIFICATION_PROMPTS.failed, thenHangUp: true },
      ]);
    }
    return to({ wrongTries, digits: '' }, [
      ...commands,
      { type: 'play', media: VERIFICATION_PROMPTS.wrongCode, thenHangUp: false },
      { type: 'start-code-timer', ms: VERIFICATION_CODE_TIMEOUT_MS },
    ]);
  }
}

/** One sentence for campaign staff about where the verification is. */
export function describeCallerIdVerification(state: CallerIdVerificationState): string {
  const left = state.maxTries - state.wrongTries;
  switch (state.stage) {
    case 'calling':
      return `Calling ${state.callerId}…`;
    case 'ringing':
      return `${state.callerId} is ringing: answer it and type the code.`;
    case 'awaiting-code':
      return state.wrongTries === 0
        ? 'Answered: type the code on the phone’s keypad, then #.'
        : `Wrong code: ${left} ${left === 1 ? 'try' : 'tries'} left.`;
    case 'verified':
      return `${state.callerId} is verified: power dialing may show it to voters.`;
    case 'failed':
      return FAILURE_TEXT[state.failure ?? 'unreachable'];
  }
}

const FAILURE_TEXT: Record<CallerIdVerificationFailure, string> = {
  'wrong-code': 'The code was typed wrong too many times. Start again to get a new code.',
  'no-code': 'No code was typed in time. Start again to get a new code.',
  'no-answer': 'Nobody answered. Check the number and start again.',
  busy: 'The line was busy. Try again in a moment.',
  unreachable: 'The call could not be placed to that number. Check it and the trunk, then try again.',
  'hung-up': 'The call was hung up before the right code was typed. Start again.',
  cancelled: 'Cancelled.',
  interrupted: 'The engine restarted during the call. Start again.',
};
