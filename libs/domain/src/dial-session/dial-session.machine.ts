/**
 * The dial-session state machine: one volunteer's power-dialing session (SPEC §2–§3, issue 4).
 *
 * A pure reducer. `transitionDialSession(state, event, now)` returns the next state, the commands
 * the adapter must carry out (in order), and a typed rejection when the event does not fit. It
 * never reads the clock, starts timers or does I/O: the adapter feeds it events (ARI, socket,
 * queue, ledger, its timers) and executes its commands. See README.md beside this file.
 */
import {
  DEFAULT_NO_ANSWER_TIMEOUT_MS,
  type AutomaticOutcome,
  type AutomaticOutcomeCause,
  REMEMBERED_REQUEST_IDS,
  type CallAvailability,
  type DialAttempt,
  type DialSessionCommand,
  type DialSessionConfig,
  type DialSessionEvent,
  type DialSessionFacts,
  type DialSessionNotice,
  type DialSessionRejectionReason,
  type DialSessionStageData,
  type DialSessionState,
  type DialSessionTransition,
  type DialSessionView,
  type EndReason,
  type VoicemailAvailability,
} from './dial-session.types';
import type { LineType } from '../phone/phone-number';

/** What a session needs to start; omitted settings take the SPEC defaults. */
export type DialSessionConfigInput = Omit<
  DialSessionConfig,
  'noAnswerTimeoutMs' | 'voicemailRecording' | 'allowVoicemailToCells'
> &
  Partial<Pick<DialSessionConfig, 'noAnswerTimeoutMs' | 'voicemailRecording' | 'allowVoicemailToCells'>>;

/**
 * A new session, waiting for the volunteer's leg. Throws RangeError on an unusable no-answer
 * limit (a configuration error, caught at session start, not a runtime event).
 */
export function createDialSession(input: DialSessionConfigInput, now: Date): DialSessionState {
  const noAnswerTimeoutMs = input.noAnswerTimeoutMs ?? DEFAULT_NO_ANSWER_TIMEOUT_MS;
  if (!Number.isInteger(noAnswerTimeoutMs) || noAnswerTimeoutMs < 1000) {
    throw new RangeError(`noAnswerTimeoutMs must be a whole number of ms >= 1000, got ${noAnswerTimeoutMs}`);
  }
  const config: DialSessionConfig = {
    ...input,
    noAnswerTimeoutMs,
    voicemailRecording: input.voicemailRecording ?? null,
    allowVoicemailToCells: input.allowVoicemailToCells ?? false,
  };
  return {
    config,
    browser: 'connected',
    credits: 'available',
    voicemailDrops: [],
    recentRequestIds: [],
    stage: 'awaiting-leg',
    stageEnteredAt: now,
  };
}

/** The attempt the session is busy with (or owes an outcome for), if any. */
export function currentAttempt(state: DialSessionState): DialAttempt | null {
  switch (state.stage) {
    case 'dialing':
    case 'ringing':
    case 'connected':
    case 'voicemail-dropping':
    case 'wrap-up':
      return state.attempt;
    case 'paused':
      return state.pendingWrapUp;
    case 'awaiting-leg':
    case 'idle':
    case 'claiming':
    case 'ended':
      return null;
  }
}

/**
 * Whether a prerecorded voicemail may be dropped on this phone. Drops to cells need consent, so
 * they need the project setting; a line type we do not know is treated as a cell.
 */
export function voicemailAvailability(config: DialSessionConfig, lineType: LineType): VoicemailAvailability {
  if (config.voicemailRecording === null) return { available: false, reason: 'no-voicemail-recording' };
  if ((lineType === 'cell' || lineType === 'unknown') && !config.allowVoicemailToCells) {
    return { available: false, reason: 'voicemail-not-allowed-to-cell' };
  }
  return { available: true };
}

/** Whether a "call" click would be accepted now (ignoring request-id duplicates). */
export function callAvailability(state: DialSessionState): CallAvailability {
  const reason = callBlocker(state);
  return reason === null ? { available: true } : { available: false, reason };
}

/** The JSON-safe view pushed to the call screen. */
export function toDialSessionView(state: DialSessionState): DialSessionView {
  const attempt = currentAttempt(state);
  return {
    sessionId: state.config.sessionId,
    stage: state.stage,
    stageEnteredAt: state.stageEnteredAt.toISOString(),
    call:
      attempt === null
        ? null
        : { attemptId: attempt.attemptId, phone: attempt.phone, lineType: attempt.lineType },
    pauseReason: state.stage === 'paused' ? state.reason : null,
    endReason: state.stage === 'ended' ? state.reason : null,
    browser: state.browser,
    credits: state.credits,
    callButton: callAvailability(state),
    voicemailButton:
      state.stage === 'connected' ? voicemailAvailability(state.config, state.attempt.lineType) : null,
    voicemailDropsPlaying: state.voicemailDrops.length,
  };
}

/** Feed one event. Pure: same input, same output. */
export function transitionDialSession(
  state: DialSessionState,
  event: DialSessionEvent,
  now: Date,
): DialSessionTransition {
  if (state.stage === 'ended') return onEndedSession(state, event, now);
  switch (event.type) {
    case 'leg-joined':
      return onLegJoined(state, event, now);
    case 'leg-lost':
      return onLegLost(state, event, now);
    case 'call-requested':
      return onCallRequested(state, event, now);
    case 'phone-claimed':
      return onPhoneClaimed(state, event, now);
    case 'queue-empty':
      return onQueueEmpty(state, event, now);
    case 'voter-ringing':
      return onVoterRinging(state, event, now);
    case 'voter-answered':
      return onVoterAnswered(state, event, now);
    case 'voter-ended':
      return onVoterEnded(state, event, now);
    case 'no-answer-timer-fired':
      return onNoAnswerTimerFired(state, event, now);
    case 'voicemail-requested':
      return onVoicemailRequested(state, event, now);
    case 'voicemail-finished':
      return onVoicemailFinished(state, event, now);
    case 'outcome-recorded':
      return onOutcomeRecorded(state, event, now);
    case 'hangup-requested':
      return onHangupRequested(state, event, now);
    case 'pause-requested':
      return onPauseRequested(state, event, now);
    case 'resume-requested':
      return onResumeRequested(state, event, now);
    case 'browser-disconnected':
      return state.browser === 'disconnected'
        ? reject(state, event, 'browser-already-disconnected')
        : accept({ ...state, browser: 'disconnected' }, []);
    case 'browser-reconnected':
      return state.browser === 'connected'
        ? reject(state, event, 'browser-already-connected')
        : accept({ ...state, browser: 'connected' }, []);
    case 'credits-exhausted':
      return onCreditsExhausted(state, event, now);
    case 'end-requested':
      return onEndRequested(state, now);
  }
}

// ---------------------------------------------------------------------------------------------
// Handlers. Each narrows on the stage; anything not handled falls through to a rejection.
// ---------------------------------------------------------------------------------------------

const AUTOMATIC_OUTCOME_OF: Readonly<Record<'busy' | 'no-answer' | 'failed', AutomaticOutcome>> = {
  busy: 'busy',
  'no-answer': 'no_answer',
  failed: 'failed',
};

type EventOf<T extends DialSessionEvent['type']> = Extract<DialSessionEvent, { type: T }>;

/** A session that has not ended: the only kind the event handlers below see. */
type LiveSession = Exclude<DialSessionState, { stage: 'ended' }>;

function onLegJoined(state: LiveSession, event: EventOf<'leg-joined'>, now: Date): DialSessionTransition {
  if (state.stage === 'awaiting-leg') return becomeFree(state, now, []);
  if (state.stage === 'paused' && state.reason === 'volunteer-leg-lost') {
    if (state.pendingWrapUp !== null)
      return accept(enter(state, { stage: 'wrap-up', attempt: state.pendingWrapUp }, now), []);
    return becomeFree(state, now, []);
  }
  return reject(state, event, 'leg-already-joined');
}

function onLegLost(state: LiveSession, event: EventOf<'leg-lost'>, now: Date): DialSessionTransition {
  switch (state.stage) {
    case 'awaiting-leg':
      return reject(state, event, 'volunteer-leg-absent');
    case 'paused':
      if (state.reason === 'volunteer-leg-lost') return reject(state, event, 'volunteer-leg-absent');
      return pauseForLostLeg(state, now, null, []);
    case 'idle':
    case 'claiming':
    case 'voicemail-dropping':
      return pauseForLostLeg(state, now, null, []);
    case 'dialing':
    case 'ringing': {
      const { attemptId } = state.attempt;
      return pauseForLostLeg(state, now, null, [
        { type: 'cancel-no-answer-timer', attemptId },
        { type: 'hang-up-voter', attemptId, reason: 'volunteer-leg-lost' },
        { type: 'release-claim', attemptId, reason: 'volunteer-leg-lost' },
      ]);
    }
    case 'connected':
      return pauseForLostLeg(state, now, state.attempt, [
        { type: 'hang-up-voter', attemptId: state.attempt.attemptId, reason: 'volunteer-leg-lost' },
      ]);
    case 'wrap-up':
      return pauseForLostLeg(state, now, state.attempt, []);
  }
}

function onCallRequested(
  state: LiveSession,
  event: EventOf<'call-requested'>,
  now: Date,
): DialSessionTransition {
  if (state.recentRequestIds.includes(event.requestId)) return reject(state, event, 'duplicate-request');
  const blocker = callBlocker(state);
  if (blocker !== null) return reject(state, event, blocker);
  const remembered = [...state.recentRequestIds, event.requestId].slice(-REMEMBERED_REQUEST_IDS);
  const next = enter(
    { ...state, recentRequestIds: remembered },
    { stage: 'claiming', requestId: event.requestId },
    now,
  );
  return accept(next, [
    {
      type: 'claim-phone',
      requestId: event.requestId,
      projectId: state.config.projectId,
      trunkId: state.config.trunkId,
    },
  ]);
}

function onPhoneClaimed(
  state: LiveSession,
  event: EventOf<'phone-claimed'>,
  now: Date,
): DialSessionTransition {
  if (state.stage !== 'claiming' || state.requestId !== event.requestId) {
    // A retried claim for the attempt we are already dialing must not release that attempt.
    if (currentAttempt(state)?.attemptId === event.attemptId) return reject(state, event, 'call-in-progress');
    return reject(state, event, 'stale-request', [
      { type: 'release-claim', attemptId: event.attemptId, reason: 'claim-no-longer-wanted' },
    ]);
  }
  const attempt: DialAttempt = {
    attemptId: event.attemptId,
    phone: event.phone,
    lineType: event.lineType,
    requestId: event.requestId,
    originatedAt: now,
  };
  const { config } = state;
  return accept(enter(state, { stage: 'dialing', attempt }, now), [
    {
      type: 'originate',
      attemptId: attempt.attemptId,
      channelId: attempt.attemptId,
      phone: attempt.phone,
      callerId: config.callerId,
      trunkId: config.trunkId,
      timeoutSeconds: Math.ceil(config.noAnswerTimeoutMs / 1000),
    },
    { type: 'start-no-answer-timer', attemptId: attempt.attemptId, durationMs: config.noAnswerTimeoutMs },
  ]);
}

function onQueueEmpty(state: LiveSession, event: EventOf<'queue-empty'>, now: Date): DialSessionTransition {
  if (state.stage !== 'claiming' || state.requestId !== event.requestId)
    return reject(state, event, 'stale-request');
  return becomeFree(state, now, [], { kind: 'queue-empty' });
}

function onVoterRinging(
  state: LiveSession,
  event: EventOf<'voter-ringing'>,
  now: Date,
): DialSessionTransition {
  const stale = staleAttempt(state, event);
  if (stale !== null) return stale;
  if (state.stage === 'dialing')
    return accept(enter(state, { stage: 'ringing', attempt: state.attempt }, now), []);
  if (state.stage === 'ringing') return unchanged(state); // 180 after 183, repeated state changes
  return reject(state, event, state.stage === 'connected' ? 'already-answered' : 'not-allowed-in-stage');
}

function onVoterAnswered(
  state: LiveSession,
  event: EventOf<'voter-answered'>,
  now: Date,
): DialSessionTransition {
  if (currentAttempt(state)?.attemptId !== event.attemptId) {
    // Nobody wants this voter (we gave up on the attempt): do not leave them on a silent line.
    const isDrop = state.voicemailDrops.some((d) => d.attemptId === event.attemptId);
    return reject(
      state,
      event,
      'stale-attempt',
      isDrop ? [] : [{ type: 'hang-up-voter', attemptId: event.attemptId, reason: 'stale-attempt' }],
    );
  }
  if (state.stage === 'dialing' || state.stage === 'ringing') {
    const { attemptId } = state.attempt;
    return accept(enter(state, { stage: 'connected', attempt: state.attempt }, now), [
      { type: 'cancel-no-answer-timer', attemptId },
      { type: 'bridge-voter', attemptId },
    ]);
  }
  if (state.stage === 'connected') return unchanged(state);
  return reject(state, event, 'not-allowed-in-stage');
}

function onVoterEnded(state: LiveSession, event: EventOf<'voter-ended'>, now: Date): DialSessionTransition {
  if (state.voicemailDrops.some((d) => d.attemptId === event.attemptId)) {
    return finishVoicemailDrop(state, event.attemptId, now, []);
  }
  const stale = staleAttempt(state, event);
  if (stale !== null) return stale;
  switch (state.stage) {
    case 'dialing':
    case 'ringing': {
      const { attempt } = state;
      const { attemptId } = attempt;
      const cancel: DialSessionCommand = { type: 'cancel-no-answer-timer', attemptId };
      if (event.result === 'answered') {
        // Answered and gone before we saw the answer: the volunteer decides the outcome.
        return accept(enter(state, { stage: 'wrap-up', attempt }, now), [cancel], { kind: 'voter-hung-up' });
      }
      if (event.result === 'abandoned') {
        return becomeFree(
          state,
          now,
          [cancel, { type: 'release-claim', attemptId, reason: 'abandoned-by-engine' }],
          {
            kind: 'call-abandoned',
          },
        );
      }
      const outcome = AUTOMATIC_OUTCOME_OF[event.result];
      const cause: AutomaticOutcomeCause = { source: 'hangup-cause', hangupCause: event.cause };
      return becomeFree(
        state,
        now,
        [cancel, { type: 'record-automatic-outcome', attemptId, outcome, cause }],
        {
          kind: 'call-ended',
          outcome,
          cause,
        },
      );
    }
    case 'connected':
      return accept(enter(state, { stage: 'wrap-up', attempt: state.attempt }, now), [], {
        kind: 'voter-hung-up',
      });
    case 'wrap-up':
    case 'paused':
      return unchanged(state); // the voter leg we already hung up is confirmed gone
    default:
      return reject(state, event, 'not-allowed-in-stage');
  }
}

function onNoAnswerTimerFired(
  state: LiveSession,
  event: EventOf<'no-answer-timer-fired'>,
  now: Date,
): DialSessionTransition {
  const stale = staleAttempt(state, event);
  if (stale !== null) return stale;
  if (state.stage === 'dialing' || state.stage === 'ringing') {
    const { attempt } = state;
    const cause: AutomaticOutcomeCause = {
      source: 'no-answer-timer',
      afterMs: now.getTime() - attempt.originatedAt.getTime(),
    };
    return becomeFree(
      state,
      now,
      [
        { type: 'hang-up-voter', attemptId: attempt.attemptId, reason: 'no-answer-timeout' },
        { type: 'record-automatic-outcome', attemptId: attempt.attemptId, outcome: 'no_answer', cause },
      ],
      { kind: 'call-ended', outcome: 'no_answer', cause },
    );
  }
  return reject(state, event, state.stage === 'connected' ? 'already-answered' : 'not-allowed-in-stage');
}

function onVoicemailRequested(
  state: LiveSession,
  event: EventOf<'voicemail-requested'>,
  now: Date,
): DialSessionTransition {
  const mismatch = clickMismatch(state, event);
  if (mismatch !== null) return mismatch;
  if (state.stage === 'dialing' || state.stage === 'ringing') return reject(state, event, 'not-answered');
  if (state.stage !== 'connected') return reject(state, event, 'not-allowed-in-stage');
  const { attempt, config } = state;
  const availability = voicemailAvailability(config, attempt.lineType);
  if (!availability.available || config.voicemailRecording === null) {
    return reject(state, event, availability.available ? 'no-voicemail-recording' : availability.reason);
  }
  const withDrop: DialSessionState = {
    ...state,
    voicemailDrops: [...state.voicemailDrops, { attemptId: attempt.attemptId, startedAt: now }],
  };
  const commands: DialSessionCommand[] = [
    { type: 'move-voter-to-voicemail', attemptId: attempt.attemptId, recording: config.voicemailRecording },
    {
      type: 'record-automatic-outcome',
      attemptId: attempt.attemptId,
      outcome: 'voicemail',
      cause: { source: 'voicemail-click' },
    },
  ];
  if (state.credits === 'exhausted') return endSession(withDrop, now, 'credits-exhausted', commands);
  return accept(enter(withDrop, { stage: 'voicemail-dropping', attempt }, now), commands);
}

function onVoicemailFinished(
  state: LiveSession,
  event: EventOf<'voicemail-finished'>,
  now: Date,
): DialSessionTransition {
  if (!state.voicemailDrops.some((d) => d.attemptId === event.attemptId))
    return reject(state, event, 'stale-attempt');
  return finishVoicemailDrop(state, event.attemptId, now, [
    { type: 'hang-up-voter', attemptId: event.attemptId, reason: 'voicemail-finished' },
  ]);
}

function onOutcomeRecorded(
  state: LiveSession,
  event: EventOf<'outcome-recorded'>,
  now: Date,
): DialSessionTransition {
  const mismatch = clickMismatch(state, event);
  if (mismatch !== null) return mismatch;
  switch (state.stage) {
    case 'wrap-up':
      return becomeFree(state, now, []);
    case 'connected':
      // An outcome click during the conversation ends it.
      return becomeFree(state, now, [
        { type: 'hang-up-voter', attemptId: state.attempt.attemptId, reason: 'outcome-recorded' },
      ]);
    case 'paused': {
      const settled: DialSessionState = { ...state, pendingWrapUp: null };
      if (state.credits === 'exhausted') return endSession(settled, now, 'credits-exhausted', []);
      return accept(settled, []);
    }
    case 'dialing':
    case 'ringing':
      return reject(state, event, 'not-answered');
    default:
      return reject(state, event, 'not-allowed-in-stage');
  }
}

function onHangupRequested(
  state: LiveSession,
  event: EventOf<'hangup-requested'>,
  now: Date,
): DialSessionTransition {
  const mismatch = clickMismatch(state, event);
  if (mismatch !== null) return mismatch;
  switch (state.stage) {
    case 'dialing':
    case 'ringing': {
      const { attemptId } = state.attempt;
      return becomeFree(state, now, [
        { type: 'cancel-no-answer-timer', attemptId },
        { type: 'hang-up-voter', attemptId, reason: 'volunteer-hangup' },
        { type: 'release-claim', attemptId, reason: 'cancelled-by-volunteer' },
      ]);
    }
    case 'connected':
      return accept(enter(state, { stage: 'wrap-up', attempt: state.attempt }, now), [
        { type: 'hang-up-voter', attemptId: state.attempt.attemptId, reason: 'volunteer-hangup' },
      ]);
    default:
      return reject(state, event, 'no-call');
  }
}

function onPauseRequested(
  state: LiveSession,
  event: EventOf<'pause-requested'>,
  now: Date,
): DialSessionTransition {
  switch (state.stage) {
    case 'idle':
    case 'voicemail-dropping':
      return accept(
        enter(state, { stage: 'paused', reason: 'volunteer-request', pendingWrapUp: null }, now),
        [],
      );
    case 'paused':
      return reject(state, event, 'already-paused');
    case 'awaiting-leg':
      return reject(state, event, 'volunteer-leg-absent');
    case 'wrap-up':
      return reject(state, event, 'outcome-required');
    case 'claiming':
    case 'dialing':
    case 'ringing':
    case 'connected':
      return reject(state, event, 'call-in-progress');
  }
}

function onResumeRequested(
  state: LiveSession,
  event: EventOf<'resume-requested'>,
  now: Date,
): DialSessionTransition {
  if (state.stage !== 'paused') return reject(state, event, 'not-paused');
  if (state.reason === 'volunteer-leg-lost') return reject(state, event, 'volunteer-leg-absent');
  return becomeFree(state, now, []);
}

function onCreditsExhausted(
  state: LiveSession,
  event: EventOf<'credits-exhausted'>,
  now: Date,
): DialSessionTransition {
  if (state.credits === 'exhausted') return reject(state, event, 'credits-already-exhausted');
  const exhausted: DialSessionState = { ...state, credits: 'exhausted' };
  switch (state.stage) {
    case 'dialing':
    case 'ringing':
    case 'connected':
    case 'wrap-up':
      return accept(exhausted, [], { kind: 'credits-exhausted' }); // ends after this call
    case 'paused':
      if (state.pendingWrapUp !== null) return accept(exhausted, [], { kind: 'credits-exhausted' });
      return endSession(exhausted, now, 'credits-exhausted', []);
    case 'awaiting-leg':
    case 'idle':
    case 'claiming': // a claim still in flight is released when it arrives (see onEndedSession)
    case 'voicemail-dropping':
      return endSession(exhausted, now, 'credits-exhausted', []);
  }
}

function onEndRequested(state: LiveSession, now: Date): DialSessionTransition {
  const commands: DialSessionCommand[] = [];
  switch (state.stage) {
    case 'dialing':
    case 'ringing':
      commands.push({ type: 'cancel-no-answer-timer', attemptId: state.attempt.attemptId });
      commands.push({ type: 'hang-up-voter', attemptId: state.attempt.attemptId, reason: 'session-ended' });
      commands.push({ type: 'release-claim', attemptId: state.attempt.attemptId, reason: 'session-ended' });
      break;
    case 'connected':
      commands.push({ type: 'hang-up-voter', attemptId: state.attempt.attemptId, reason: 'session-ended' });
      commands.push({ type: 'release-claim', attemptId: state.attempt.attemptId, reason: 'session-ended' });
      break;
    case 'wrap-up':
      commands.push({ type: 'release-claim', attemptId: state.attempt.attemptId, reason: 'session-ended' });
      break;
    case 'paused':
      if (state.pendingWrapUp !== null) {
        commands.push({
          type: 'release-claim',
          attemptId: state.pendingWrapUp.attemptId,
          reason: 'session-ended',
        });
      }
      break;
    default:
      break; // voicemail drops keep playing; claims in flight are released when they arrive
  }
  return endSession(state, now, 'volunteer-request', commands);
}

/** An ended session only finishes its voicemail drops and cleans up what arrives late. */
function onEndedSession(state: DialSessionState, event: DialSessionEvent, now: Date): DialSessionTransition {
  const isDrop = (attemptId: string): boolean => state.voicemailDrops.some((d) => d.attemptId === attemptId);
  switch (event.type) {
    case 'voter-ended':
      if (isDrop(event.attemptId)) return finishVoicemailDrop(state, event.attemptId, now, []);
      break;
    case 'voicemail-finished':
      if (isDrop(event.attemptId)) {
        return finishVoicemailDrop(state, event.attemptId, now, [
          { type: 'hang-up-voter', attemptId: event.attemptId, reason: 'voicemail-finished' },
        ]);
      }
      break;
    case 'phone-claimed':
      return reject(state, event, 'session-ended', [
        { type: 'release-claim', attemptId: event.attemptId, reason: 'claim-no-longer-wanted' },
      ]);
    case 'voter-answered':
      if (!isDrop(event.attemptId)) {
        return reject(state, event, 'session-ended', [
          { type: 'hang-up-voter', attemptId: event.attemptId, reason: 'stale-attempt' },
        ]);
      }
      break;
    default:
      break;
  }
  return reject(state, event, 'session-ended');
}

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

/** Why a "call" cannot start now, or null when it can. Shared by the transition and the view. */
function callBlocker(state: DialSessionState): DialSessionRejectionReason | null {
  switch (state.stage) {
    case 'ended':
      return 'session-ended';
    case 'awaiting-leg':
      return 'volunteer-leg-absent';
    case 'paused':
      return state.reason === 'volunteer-leg-lost' ? 'volunteer-leg-absent' : 'session-paused';
    case 'claiming':
    case 'dialing':
    case 'ringing':
    case 'connected':
      return 'call-in-progress';
    case 'wrap-up':
      return 'outcome-required';
    case 'idle':
    case 'voicemail-dropping':
      if (state.browser === 'disconnected') return 'browser-disconnected';
      if (state.credits === 'exhausted') return 'credits-exhausted';
      return null;
  }
}

/** Voter events for an attempt other than the current one are ignored. */
function staleAttempt(
  state: DialSessionState,
  event: DialSessionEvent & { attemptId: string },
): DialSessionTransition | null {
  return currentAttempt(state)?.attemptId === event.attemptId ? null : reject(state, event, 'stale-attempt');
}

/** Volunteer clicks about a call: "no-call" when there is none, "stale-attempt" for an old one. */
function clickMismatch(
  state: DialSessionState,
  event: DialSessionEvent & { attemptId: string },
): DialSessionTransition | null {
  const attempt = currentAttempt(state);
  if (attempt === null) return reject(state, event, 'no-call');
  return attempt.attemptId === event.attemptId ? null : reject(state, event, 'stale-attempt');
}

/** The volunteer is free: idle, unless credits ran out, in which case the session ends now. */
function becomeFree(
  state: DialSessionState,
  now: Date,
  commands: DialSessionCommand[],
  notice: DialSessionNotice | null = null,
): DialSessionTransition {
  if (state.credits === 'exhausted') return endSession(state, now, 'credits-exhausted', commands);
  return accept(enter(state, { stage: 'idle' }, now), commands, notice);
}

function pauseForLostLeg(
  state: DialSessionState,
  now: Date,
  pendingWrapUp: DialAttempt | null,
  commands: DialSessionCommand[],
): DialSessionTransition {
  if (pendingWrapUp === null && state.credits === 'exhausted') {
    return endSession(state, now, 'credits-exhausted', commands);
  }
  return accept(
    enter(state, { stage: 'paused', reason: 'volunteer-leg-lost', pendingWrapUp }, now),
    commands,
  );
}

function endSession(
  state: DialSessionState,
  now: Date,
  reason: EndReason,
  commands: DialSessionCommand[],
): DialSessionTransition {
  return accept(enter(state, { stage: 'ended', reason }, now), [
    ...commands,
    { type: 'end-session', reason },
  ]);
}

function finishVoicemailDrop(
  state: DialSessionState,
  attemptId: string,
  now: Date,
  commands: DialSessionCommand[],
): DialSessionTransition {
  const remaining: DialSessionState = {
    ...state,
    voicemailDrops: state.voicemailDrops.filter((d) => d.attemptId !== attemptId),
  };
  const notice: DialSessionNotice = { kind: 'voicemail-finished', attemptId };
  if (remaining.stage === 'voicemail-dropping' && remaining.attempt.attemptId === attemptId) {
    return becomeFree(remaining, now, commands, notice);
  }
  return accept(remaining, commands, notice);
}

function facts(state: DialSessionState): DialSessionFacts {
  const { config, browser, credits, voicemailDrops, recentRequestIds } = state;
  return { config, browser, credits, voicemailDrops, recentRequestIds };
}

/** Move to a stage; staying in the same stage keeps the time it was entered. */
function enter(state: DialSessionState, data: DialSessionStageData, now: Date): DialSessionState {
  const stageEnteredAt = data.stage === state.stage ? state.stageEnteredAt : now;
  return { ...facts(state), ...data, stageEnteredAt };
}

function accept(
  state: DialSessionState,
  commands: DialSessionCommand[],
  notice: DialSessionNotice | null = null,
): DialSessionTransition {
  return {
    state,
    commands: [...commands, { type: 'notify', view: toDialSessionView(state), notice }],
    rejection: null,
  };
}

/** Accepted, nothing to do (a repeated PBX event confirming what we know). */
function unchanged(state: DialSessionState): DialSessionTransition {
  return { state, commands: [], rejection: null };
}

function reject(
  state: DialSessionState,
  event: DialSessionEvent,
  reason: DialSessionRejectionReason,
  cleanup: DialSessionCommand[] = [],
): DialSessionTransition {
  return { state, commands: cleanup, rejection: { reason, event: event.type, stage: state.stage } };
}
