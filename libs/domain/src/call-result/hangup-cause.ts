/**
 * How a call to a voter ended, in the product's words, decided in ONE place from what the
 * PBX reports (a Q.850 cause, as Asterisk and FreeSWITCH both give it) and from what the
 * engine itself did (its own no-answer timer, or an abandon before answer).
 *
 * SIP responses reach us as Q.850 causes (RFC 3398 mapping as done by Asterisk's PJSIP):
 *   486 Busy Here -> 17, 603 Decline -> 21, 404 -> 1, 480 -> 18/20, 408 -> 102 (or 18),
 *   484 -> 28, 410 -> 22, 500 -> 41, 502 -> 27, 503 -> 34 (or 42/38), 487 -> 16/127.
 */
export type CallResult = 'answered' | 'busy' | 'no-answer' | 'failed' | 'abandoned';

/** Why a failed call failed: a permanent failure means the number itself is bad. */
export type FailureKind = 'permanent' | 'temporary';

export interface HangupCause {
  /** Q.850 cause code as the PBX reported it (0 when unknown). */
  q850: number;
  /** The PBX's own text for it, for the call record (e.g. "User busy"). */
  text: string;
}

export interface CallEnd {
  /** Was the voter leg ever answered? */
  answered: boolean;
  cause: HangupCause;
  /** The engine hung up because its own no-answer timer (60 s by default) fired. */
  endedByNoAnswerTimer?: boolean;
  /** The engine (or the volunteer) hung up before answer for another reason. */
  abandonedByEngine?: boolean;
}

export interface CallClassification {
  result: CallResult;
  failure?: FailureKind;
}

export const Q850 = {
  UNALLOCATED: 1,
  NO_ROUTE_TRANSIT_NET: 2,
  NO_ROUTE_DESTINATION: 3,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  SUBSCRIBER_ABSENT: 20,
  CALL_REJECTED: 21,
  NUMBER_CHANGED: 22,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  NORMAL_UNSPECIFIED: 31,
  NORMAL_CIRCUIT_CONGESTION: 34,
  NETWORK_OUT_OF_ORDER: 38,
  NORMAL_TEMPORARY_FAILURE: 41,
  SWITCH_CONGESTION: 42,
  RECOVERY_ON_TIMER_EXPIRE: 102,
  INTERWORKING: 127,
} as const;

const BUSY = new Set<number>([Q850.USER_BUSY, Q850.CALL_REJECTED]);
const NO_ANSWER = new Set<number>([Q850.NO_USER_RESPONSE, Q850.NO_ANSWER, Q850.SUBSCRIBER_ABSENT]);
const PERMANENT = new Set<number>([
  Q850.UNALLOCATED,
  Q850.NO_ROUTE_TRANSIT_NET,
  Q850.NO_ROUTE_DESTINATION,
  Q850.NUMBER_CHANGED,
  Q850.INVALID_NUMBER_FORMAT,
]);

/** Decide how a voter call ended. Pure; every PBX adapter goes through it. */
export function classifyCallEnd(end: CallEnd): CallClassification {
  if (end.answered) return { result: 'answered' };
  // Our own timer wins over whatever cause the cancel produced (usually 16 or 127).
  if (end.endedByNoAnswerTimer) return { result: 'no-answer' };
  const code = end.cause.q850;
  if (BUSY.has(code)) return { result: 'busy' };
  if (NO_ANSWER.has(code)) return { result: 'no-answer' };
  if (end.abandonedByEngine) return { result: 'abandoned' };
  if (PERMANENT.has(code)) return { result: 'failed', failure: 'permanent' };
  return { result: 'failed', failure: 'temporary' };
}
