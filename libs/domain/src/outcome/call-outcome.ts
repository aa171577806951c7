/** The outcome buttons of the call screen (SPEC §3), one name each, used everywhere. */
export const CALL_OUTCOMES = [
  'successful',
  'voicemail',
  'refused',
  'busy',
  'no_answer',
  'failed',
  'wrong_number',
  'do_not_call',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export function isCallOutcome(value: string): value is CallOutcome {
  return (CALL_OUTCOMES as readonly string[]).includes(value);
}

/** A phone's campaign-wide status: it applies in every project of the campaign. */
export type PhoneStatus = 'active' | 'complete' | 'voicemail_left' | 'refused' | 'dnc';

/** Why a queue entry left its project's queue. */
export type QueueExitReason =
  'complete' | 'voicemail_left' | 'refused' | 'dnc' | 'attempt_limit' | 'wrong_number' | 'install_flag';
