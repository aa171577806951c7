import type { CallOutcome, PhoneStatus, QueueExitReason } from './call-outcome';
import type { QueuePolicy } from '../queue/queue.policy';

/** Campaigns whose DNC/wrong marks make a number flagged on the whole install. */
export const INSTALL_FLAG_CAMPAIGN_THRESHOLD = 3;

export class OutcomeRuleError extends Error {
  constructor(
    readonly code: 'WRONG_NUMBER_NEEDS_VOTERS' | 'VOTER_NOT_ON_PHONE' | 'OUTCOME_CONFLICT',
    message: string,
  ) {
    super(message);
  }
}

export interface OutcomeInput {
  outcome: CallOutcome;
  now: Date;
  /** Attempts on this phone across all projects of the campaign before this call. */
  attemptsBefore: number;
  /** Voters linked to the phone (the household). */
  householdVoterIds: readonly string[];
  /** Voters the volunteer flagged as not reachable on this number (wrong number only). */
  wrongVoterIds?: readonly string[];
}

/** What applying an outcome changes. Persistence applies it in one transaction. */
export interface OutcomeEffects {
  /** New campaign-wide status of the phone, when it leaves every queue for good. */
  phoneStatus: PhoneStatus | null;
  /** Queue entries of this phone in every project of the campaign close with this reason. */
  closeAllQueues: QueueExitReason | null;
  /** The attempt counter is raised by one, across every project. */
  countsAsAttempt: boolean;
  /** Attempts after this call (same as before unless it counts). */
  attemptsAfter: number;
  /** Per project: requeue with this policy's delay, or close at the attempt limit. */
  requeue: boolean;
  /** Voter–phone links to flag wrong. */
  wrongVoterIds: string[];
  /** The number joins the campaign DNC list. */
  addToCampaignDnc: boolean;
  /** A mark that counts towards the install-wide flag. */
  installMark: 'dnc' | 'wrong' | null;
}

/** The outcome table of SPEC §3, as a pure function. */
export function decideOutcome(input: OutcomeInput): OutcomeEffects {
  const none: OutcomeEffects = {
    phoneStatus: null,
    closeAllQueues: null,
    countsAsAttempt: false,
    attemptsAfter: input.attemptsBefore,
    requeue: false,
    wrongVoterIds: [],
    addToCampaignDnc: false,
    installMark: null,
  };
  switch (input.outcome) {
    case 'successful':
      return { ...none, phoneStatus: 'complete', closeAllQueues: 'complete' };
    case 'voicemail':
      return { ...none, phoneStatus: 'voicemail_left', closeAllQueues: 'voicemail_left' };
    case 'refused':
      return { ...none, phoneStatus: 'refused', closeAllQueues: 'refused' };
    case 'do_not_call':
      return {
        ...none,
        phoneStatus: 'dnc',
        closeAllQueues: 'dnc',
        addToCampaignDnc: true,
        installMark: 'dnc',
      };
    case 'busy':
    case 'no_answer':
    case 'failed':
      return { ...none, countsAsAttempt: true, attemptsAfter: input.attemptsBefore + 1, requeue: true };
    case 'wrong_number': {
      const flagged = [...new Set(input.wrongVoterIds ?? [])];
      if (flagged.length === 0) {
        throw new OutcomeRuleError(
          'WRONG_NUMBER_NEEDS_VOTERS',
          'flag at least one voter as not reachable on this number',
        );
      }
      const household = new Set(input.householdVoterIds);
      const stranger = flagged.find((id) => !household.has(id));
      if (stranger)
        throw new OutcomeRuleError('VOTER_NOT_ON_PHONE', `voter ${stranger} is not linked to this phone`);
      // The phone stays in a project only while some targeted voter there is not flagged;
      // persistence closes the entries where every targeted voter is now wrong. Where it stays,
      // the call counts as an attempt and the phone is requeued like a busy one.
      return {
        ...none,
        wrongVoterIds: flagged,
        countsAsAttempt: true,
        attemptsAfter: input.attemptsBefore + 1,
        requeue: true,
        installMark: 'wrong',
      };
    }
  }
}

/** For a project, where a requeued phone goes: back in the queue after the delay, or out at the limit. */
export function requeueDecision(
  attemptsAfter: number,
  policy: QueuePolicy,
  now: Date,
): { close: true; reason: 'attempt_limit' } | { close: false; nextEligibleAt: Date } {
  if (attemptsAfter >= policy.attemptLimit) return { close: true, reason: 'attempt_limit' };
  return { close: false, nextEligibleAt: new Date(now.getTime() + policy.requeueDelayMinutes * 60_000) };
}

/** A number is flagged install-wide once this many different campaigns marked it. */
export function isInstallFlagged(distinctCampaignsMarking: number): boolean {
  return distinctCampaignsMarking >= INSTALL_FLAG_CAMPAIGN_THRESHOLD;
}
