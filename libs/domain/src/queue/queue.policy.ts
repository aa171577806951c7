/** How a project retries: defaults of SPEC §3, which a campaign (and a project) may change. */
export interface QueuePolicy {
  attemptLimit: number;
  requeueDelayMinutes: number;
}

export const DEFAULT_QUEUE_POLICY: Readonly<QueuePolicy> = Object.freeze({
  attemptLimit: 3,
  requeueDelayMinutes: 30,
});

export interface QueuePolicyOverrides {
  attemptLimit?: number | null;
  requeueDelayMinutes?: number | null;
}

export class InvalidQueuePolicyError extends Error {
  readonly code = 'INVALID_QUEUE_POLICY';
}

/** Project settings win over campaign settings, which win over the defaults. */
export function resolveQueuePolicy(
  campaign: QueuePolicyOverrides = {},
  project: QueuePolicyOverrides = {},
): QueuePolicy {
  const attemptLimit = project.attemptLimit ?? campaign.attemptLimit ?? DEFAULT_QUEUE_POLICY.attemptLimit;
  const requeueDelayMinutes =
    project.requeueDelayMinutes ?? campaign.requeueDelayMinutes ?? DEFAULT_QUEUE_POLICY.requeueDelayMinutes;
  if (!Number.isInteger(attemptLimit) || attemptLimit < 1 || attemptLimit > 20) {
    throw new InvalidQueuePolicyError(`attempt limit must be an integer 1-20, got ${attemptLimit}`);
  }
  if (
    !Number.isInteger(requeueDelayMinutes) ||
    requeueDelayMinutes < 0 ||
    requeueDelayMinutes > 7 * 24 * 60
  ) {
    throw new InvalidQueuePolicyError(`requeue delay must be 0-10080 minutes, got ${requeueDelayMinutes}`);
  }
  return { attemptLimit, requeueDelayMinutes };
}

/** What the queue knows about one phone in one project. */
export interface QueueEntryView {
  phoneStatus: 'active' | 'complete' | 'voicemail_left' | 'refused' | 'dnc';
  inCampaignDnc: boolean;
  installFlagged: boolean;
  attempts: number;
  nextEligibleAt: Date;
  leaseExpiresAt: Date | null;
  targetedVoters: number;
  targetedVotersWrong: number;
}

export type Ineligibility =
  | 'complete'
  | 'voicemail_left'
  | 'refused'
  | 'dnc'
  | 'install_flag'
  | 'attempt_limit'
  | 'requeue_delay'
  | 'leased'
  | 'wrong_number';

/**
 * Whether a phone may be handed out now, and if not, the first reason why. The claim query
 * in persistence implements the same rules in SQL; both are tested against each other.
 */
export function queueIneligibility(
  entry: QueueEntryView,
  policy: QueuePolicy,
  now: Date,
): Ineligibility | null {
  if (entry.phoneStatus !== 'active') return entry.phoneStatus;
  if (entry.inCampaignDnc) return 'dnc';
  if (entry.installFlagged) return 'install_flag';
  if (entry.targetedVoters > 0 && entry.targetedVotersWrong >= entry.targetedVoters) return 'wrong_number';
  if (entry.attempts >= policy.attemptLimit) return 'attempt_limit';
  if (entry.nextEligibleAt.getTime() > now.getTime()) return 'requeue_delay';
  if (entry.leaseExpiresAt && entry.leaseExpiresAt.getTime() > now.getTime()) return 'leased';
  return null;
}
