/**
 * Types of the dial-session state machine (power dialing, SPEC §2–§3, issue 4).
 *
 * Everything here is plain data: a state can be stored (e.g. as JSON beside the session row),
 * logged, and compared in tests. The machine itself lives in `dial-session.machine.ts`.
 */

import type { CallResult, HangupCause } from '../call-result/hangup-cause';
import type { CallOutcome } from '../outcome/call-outcome';
import type { LineType } from '../phone/phone-number';

/** Default no-answer limit (SPEC §3): a voter ringing longer than this ends as "no answer". */
export const DEFAULT_NO_ANSWER_TIMEOUT_MS = 60_000;

/** How many handled "call" request ids a session remembers to make retried requests harmless. */
export const REMEMBERED_REQUEST_IDS = 32;

/** Every stage a dial session can be in, in the order a session usually walks them. */
export const DIAL_SESSION_STAGES = [
  'awaiting-leg',
  'idle',
  'claiming',
  'dialing',
  'ringing',
  'connected',
  'voicemail-dropping',
  'wrap-up',
  'paused',
  'ended',
] as const;

export type DialSessionStage = (typeof DIAL_SESSION_STAGES)[number];

/** Settings a session takes from its project and campaign when it starts. */
export interface DialSessionConfig {
  sessionId: string;
  campaignId: string;
  projectId: string;
  /** The project's verified caller ID, E.164. */
  callerId: string;
  /** The project's configured trunk. */
  trunkId: string;
  /** No-answer limit; SPEC default 60 s. */
  noAnswerTimeoutMs: number;
  /** The project's voicemail recording (a PBX media reference), or null when it has none. */
  voicemailRecording: string | null;
  /** Project setting, off by default: prerecorded drops to cell phones need consent. */
  allowVoicemailToCells: boolean;
}

/** The phone being called in the current attempt. `attemptId` is also the voter channel's id. */
export interface DialAttempt {
  attemptId: string;
  /** E.164, already validated by the queue. */
  phone: string;
  /** `unknown` is treated like `cell` for voicemail drops. */
  lineType: LineType;
  /** The "call" request that produced this attempt. */
  requestId: string;
  /** When the machine asked for the originate (start of the no-answer limit). */
  originatedAt: Date;
}

/** A voicemail recording playing to a voter who has left the volunteer's bridge. */
export interface VoicemailDrop {
  attemptId: string;
  startedAt: Date;
}

export type PauseReason = 'volunteer-request' | 'volunteer-leg-lost';

export type EndReason = 'volunteer-request' | 'credits-exhausted';

export type BrowserPresence = 'connected' | 'disconnected';

export type CreditStanding = 'available' | 'exhausted';

/** Facts about a session that hold whatever stage it is in. */
export interface DialSessionFacts {
  config: DialSessionConfig;
  /** The volunteer's call screen socket. Disconnected: no new call; audio in progress continues. */
  browser: BrowserPresence;
  /** Exhausted: the session ends as soon as the volunteer is free (after the current call). */
  credits: CreditStanding;
  /** Voicemail drops still playing; they outlive the stage that started them. */
  voicemailDrops: readonly VoicemailDrop[];
  /** Most recent handled "call" request ids, newest last, at most REMEMBERED_REQUEST_IDS. */
  recentRequestIds: readonly string[];
}

/** The stage and the data that only exists in that stage. */
export type DialSessionStageData =
  /** Session created; the volunteer has not dialed in (or connected VoIP) yet. */
  | { stage: 'awaiting-leg' }
  /** Volunteer leg in its bridge, no call: the "Call" button works. */
  | { stage: 'idle' }
  /** A "call" click is being served: the queue is claiming a phone and writing the attempt row. */
  | { stage: 'claiming'; requestId: string }
  /** Originated; no ringing or answer seen yet. */
  | { stage: 'dialing'; attempt: DialAttempt }
  /** The voter's phone rings. The voter is NOT in the bridge (the volunteer would hear ringback). */
  | { stage: 'ringing'; attempt: DialAttempt }
  /** Voter answered and is in the volunteer's bridge. */
  | { stage: 'connected'; attempt: DialAttempt }
  /**
   * The volunteer sent the voter to voicemail: the recording plays to the voter outside the
   * bridge, and the volunteer is already free (a "call" is accepted here, as in idle).
   */
  | { stage: 'voicemail-dropping'; attempt: DialAttempt }
  /** The call is over; the volunteer records the outcome and survey. */
  | { stage: 'wrap-up'; attempt: DialAttempt }
  /**
   * No calls. `pendingWrapUp`: the volunteer leg dropped during a call that still needs its
   * outcome (the browser may still record it).
   */
  | { stage: 'paused'; reason: PauseReason; pendingWrapUp: DialAttempt | null }
  | { stage: 'ended'; reason: EndReason };

/** A dial session: facts, the current stage with its data, and when the stage was entered. */
export type DialSessionState = DialSessionFacts & DialSessionStageData & { stageEnteredAt: Date };

/** Outcomes the engine records itself, without an outcome click (SPEC §3). */
export type AutomaticOutcome = Extract<CallOutcome, 'busy' | 'no_answer' | 'failed' | 'voicemail'>;

/** What an automatic outcome was decided from, kept with the attempt (and for metrics by cause). */
export type AutomaticOutcomeCause =
  /** The voter channel's hangup cause, as classified by `classifyCallEnd`. */
  | { source: 'hangup-cause'; hangupCause: HangupCause }
  /** The engine's own no-answer timer; `afterMs` since the originate was asked for. */
  | { source: 'no-answer-timer'; afterMs: number }
  /** The volunteer clicked "Start voicemail". */
  | { source: 'voicemail-click' };

// ---------------------------------------------------------------------------------------------
// Events: what the adapter (ARI, socket gateway, queue, ledger, timers) tells the machine.
// ---------------------------------------------------------------------------------------------

export type DialSessionEvent =
  /** The volunteer's persistent leg joined their bridge (PIN accepted, or WebRTC answered). */
  | { type: 'leg-joined' }
  /** The volunteer's persistent leg hung up or left the bridge. */
  | { type: 'leg-lost' }
  /** A click on "Call". `requestId` is generated by the browser and repeated on retries. */
  | { type: 'call-requested'; requestId: string }
  /** The queue claimed a phone and wrote the attempt row for `requestId`. */
  | { type: 'phone-claimed'; requestId: string; attemptId: string; phone: string; lineType: LineType }
  /** The queue had nothing to hand out for `requestId`. */
  | { type: 'queue-empty'; requestId: string }
  | { type: 'voter-ringing'; attemptId: string }
  | { type: 'voter-answered'; attemptId: string }
  /**
   * The voter channel is gone; `result` is `classifyCallEnd(...)`'s result for it. Pass
   * `endedByNoAnswerTimer` only for a timer the machine asked for; `abandoned` means the adapter
   * gave the call up on its own (the machine then releases the claim).
   */
  | { type: 'voter-ended'; attemptId: string; result: CallResult; cause: HangupCause }
  /** The engine's own no-answer timer (started by `start-no-answer-timer`) fired. */
  | { type: 'no-answer-timer-fired'; attemptId: string }
  /** The volunteer clicked "Start voicemail" at the beep. */
  | { type: 'voicemail-requested'; attemptId: string }
  /** The voicemail recording finished playing to the voter (or the voter hung up during it). */
  | { type: 'voicemail-finished'; attemptId: string }
  /** The volunteer's outcome (and survey) for the attempt has been saved. */
  | { type: 'outcome-recorded'; attemptId: string }
  /** The volunteer clicked "Hang up". */
  | { type: 'hangup-requested'; attemptId: string }
  | { type: 'pause-requested' }
  | { type: 'resume-requested' }
  | { type: 'browser-disconnected' }
  | { type: 'browser-reconnected' }
  /** The ledger says the campaign's credit is used up (see metering `shouldEndAfterCurrentCall`). */
  | { type: 'credits-exhausted' }
  | { type: 'end-requested' };

export type DialSessionEventType = DialSessionEvent['type'];

// ---------------------------------------------------------------------------------------------
// Commands: what the machine asks the adapter to do, in order.
// ---------------------------------------------------------------------------------------------

export type ClaimReleaseReason =
  /** A claim came back after the session stopped wanting it (paused, ended, or another request). */
  | 'claim-no-longer-wanted'
  /** The volunteer leg dropped before the voter answered; the call was abandoned. */
  | 'volunteer-leg-lost'
  /** The volunteer hung up before the voter answered. */
  | 'cancelled-by-volunteer'
  /** The session ended with this attempt still lacking an outcome. */
  | 'session-ended'
  /** The adapter gave the call up before answer for its own reasons (voter-ended `abandoned`). */
  | 'abandoned-by-engine';

export type VoterHangupReason =
  | 'no-answer-timeout'
  | 'volunteer-hangup'
  | 'volunteer-leg-lost'
  | 'outcome-recorded'
  | 'voicemail-finished'
  | 'session-ended'
  /** The voter answered a call the session no longer wants (stale attempt). */
  | 'stale-attempt';

/** Extra information for the browser about what just happened. */
export type DialSessionNotice =
  | { kind: 'queue-empty' }
  | { kind: 'call-ended'; outcome: AutomaticOutcome; cause: AutomaticOutcomeCause }
  | { kind: 'call-abandoned' }
  | { kind: 'voter-hung-up' }
  | { kind: 'voicemail-finished'; attemptId: string }
  | { kind: 'credits-exhausted' }
  /** Sent by the adapter, not the machine: every line of the trunk is busy; the call waits. */
  | { kind: 'waiting-for-line'; trunk: string }
  /** Sent by the adapter: no line came free in time (or the trunk refused); the phone went back. */
  | { kind: 'line-unavailable'; message: string };

export type DialSessionCommand =
  /**
   * Claim the best phone for this session's project and write the attempt row (SKIP LOCKED).
   * The call will go out on `trunkId`: the adapter may take its line meanwhile.
   */
  | { type: 'claim-phone'; requestId: string; projectId: string; trunkId: string }
  /** Give a claimed, not-yet-concluded phone back to the queue. */
  | { type: 'release-claim'; attemptId: string; reason: ClaimReleaseReason }
  /** Originate to the voter. Use `channelId` as the ARI channel id so a retry cannot dial twice. */
  | {
      type: 'originate';
      attemptId: string;
      channelId: string;
      phone: string;
      callerId: string;
      trunkId: string;
      timeoutSeconds: number;
    }
  | { type: 'start-no-answer-timer'; attemptId: string; durationMs: number }
  | { type: 'cancel-no-answer-timer'; attemptId: string }
  /** Put the answered voter channel into the volunteer's bridge. */
  | { type: 'bridge-voter'; attemptId: string }
  | { type: 'hang-up-voter'; attemptId: string; reason: VoterHangupReason }
  /**
   * Take the voter out of the volunteer's bridge and play `recording` to it; send
   * `voicemail-finished` when playback ends (the machine then asks to hang the voter up).
   */
  | { type: 'move-voter-to-voicemail'; attemptId: string; recording: string }
  /** Record an outcome the engine decided (requeue or retire per SPEC §3); ends the claim. */
  | {
      type: 'record-automatic-outcome';
      attemptId: string;
      outcome: AutomaticOutcome;
      cause: AutomaticOutcomeCause;
    }
  /** Push the session's view to the volunteer's call screen. Always the last command. */
  | { type: 'notify'; view: DialSessionView; notice: DialSessionNotice | null }
  /** Tear the session down: hang up the volunteer leg, destroy the bridge, stop metering. */
  | { type: 'end-session'; reason: EndReason };

export type DialSessionCommandType = DialSessionCommand['type'];

// ---------------------------------------------------------------------------------------------
// Rejections: events that do not fit the state. The state is unchanged.
// ---------------------------------------------------------------------------------------------

export type DialSessionRejectionReason =
  | 'session-ended'
  | 'volunteer-leg-absent'
  | 'leg-already-joined'
  | 'duplicate-request'
  | 'call-in-progress'
  | 'outcome-required'
  | 'session-paused'
  | 'browser-disconnected'
  | 'credits-exhausted'
  /** A claim/queue answer for a request the session is not waiting for. */
  | 'stale-request'
  /** A voter event or click for an attempt that is not the session's current one. */
  | 'stale-attempt'
  | 'no-call'
  | 'not-answered'
  | 'already-answered'
  | 'voicemail-not-allowed-to-cell'
  | 'no-voicemail-recording'
  | 'not-paused'
  | 'already-paused'
  | 'browser-already-connected'
  | 'browser-already-disconnected'
  | 'credits-already-exhausted'
  /** The event is meaningless in this stage (e.g. `voter-ringing` while connected). */
  | 'not-allowed-in-stage';

export interface DialSessionRejection {
  reason: DialSessionRejectionReason;
  event: DialSessionEventType;
  stage: DialSessionStage;
}

/**
 * The result of feeding one event. When `rejection` is set the state is the input state, and
 * `commands` holds only clean-up for things that happened outside regardless (a late claim to
 * release, a stale voter channel to hang up), usually nothing.
 */
export interface DialSessionTransition {
  state: DialSessionState;
  commands: readonly DialSessionCommand[];
  rejection: DialSessionRejection | null;
}

/** Whether the voicemail button works for the current call, and why not. */
export type VoicemailAvailability =
  | { available: true }
  | { available: false; reason: 'voicemail-not-allowed-to-cell' | 'no-voicemail-recording' };

/** Whether the "Call" button works, and why not. */
export type CallAvailability = { available: true } | { available: false; reason: DialSessionRejectionReason };

/** What the call screen is told (JSON-safe: dates as ISO strings). */
export interface DialSessionView {
  sessionId: string;
  stage: DialSessionStage;
  stageEnteredAt: string;
  call: { attemptId: string; phone: string; lineType: LineType } | null;
  pauseReason: PauseReason | null;
  endReason: EndReason | null;
  browser: BrowserPresence;
  credits: CreditStanding;
  callButton: CallAvailability;
  /** Only while connected; null otherwise. */
  voicemailButton: VoicemailAvailability | null;
  voicemailDropsPlaying: number;
}
