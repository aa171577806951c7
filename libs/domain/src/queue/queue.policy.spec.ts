import {
  DEFAULT_QUEUE_POLICY,
  InvalidQueuePolicyError,
  queueIneligibility,
  resolveQueuePolicy,
} from './queue.policy';
import type { QueueEntryView } from './queue.policy';

const now = new Date('2026-03-10T15:00:00Z');
const entry: QueueEntryView = {
  phoneStatus: 'active',
  inCampaignDnc: false,
  installFlagged: false,
  attempts: 0,
  nextEligibleAt: new Date(0),
  leaseExpiresAt: null,
  targetedVoters: 2,
  targetedVotersWrong: 0,
};

describe('queue policy', () => {
  it('defaults to 3 attempts and 30 minutes; project beats campaign beats default', () => {
    expect(resolveQueuePolicy()).toEqual(DEFAULT_QUEUE_POLICY);
    expect(resolveQueuePolicy({ attemptLimit: 4 })).toEqual({ attemptLimit: 4, requeueDelayMinutes: 30 });
    expect(
      resolveQueuePolicy(
        { attemptLimit: 4, requeueDelayMinutes: 10 },
        { attemptLimit: 2, requeueDelayMinutes: null },
      ),
    ).toEqual({ attemptLimit: 2, requeueDelayMinutes: 10 });
  });
  it('refuses nonsense', () => {
    expect(() => resolveQueuePolicy({ attemptLimit: 0 })).toThrow(InvalidQueuePolicyError);
    expect(() => resolveQueuePolicy({}, { requeueDelayMinutes: -1 })).toThrow(InvalidQueuePolicyError);
  });
  it.each([
    [{}, null],
    [{ phoneStatus: 'complete' }, 'complete'],
    [{ phoneStatus: 'voicemail_left' }, 'voicemail_left'],
    [{ phoneStatus: 'refused' }, 'refused'],
    [{ phoneStatus: 'dnc' }, 'dnc'],
    [{ inCampaignDnc: true }, 'dnc'],
    [{ installFlagged: true }, 'install_flag'],
    [{ targetedVotersWrong: 2 }, 'wrong_number'],
    [{ targetedVotersWrong: 1 }, null],
    [{ attempts: 3 }, 'attempt_limit'],
    [{ attempts: 2 }, null],
    [{ nextEligibleAt: new Date('2026-03-10T15:00:01Z') }, 'requeue_delay'],
    [{ leaseExpiresAt: new Date('2026-03-10T15:05:00Z') }, 'leased'],
    [{ leaseExpiresAt: new Date('2026-03-10T14:59:59Z') }, null],
  ] as [Partial<QueueEntryView>, string | null][])('%j → %s', (patch, reason) => {
    expect(queueIneligibility({ ...entry, ...patch }, DEFAULT_QUEUE_POLICY, now)).toBe(reason);
  });
});
