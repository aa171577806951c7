import { OutcomeRuleError, decideOutcome, isInstallFlagged, requeueDecision } from './outcome.rules';
import { DEFAULT_QUEUE_POLICY } from '../queue/queue.policy';

const now = new Date('2026-03-10T15:00:00Z');
const base = { now, attemptsBefore: 0, householdVoterIds: ['1', '2'] };

describe('decideOutcome: the outcome table of SPEC §3', () => {
  it.each([
    ['successful', 'complete'],
    ['voicemail', 'voicemail_left'],
    ['refused', 'refused'],
    ['do_not_call', 'dnc'],
  ] as const)('%s marks the phone %s in every project, no attempt counted', (outcome, status) => {
    const e = decideOutcome({ ...base, outcome });
    expect(e).toMatchObject({
      phoneStatus: status,
      closeAllQueues: status,
      countsAsAttempt: false,
      requeue: false,
    });
  });
  it('do not call joins the campaign DNC list and counts towards the install-wide flag', () => {
    expect(decideOutcome({ ...base, outcome: 'do_not_call' })).toMatchObject({
      addToCampaignDnc: true,
      installMark: 'dnc',
    });
    expect(decideOutcome({ ...base, outcome: 'successful' })).toMatchObject({
      addToCampaignDnc: false,
      installMark: null,
    });
  });
  it.each(['busy', 'no_answer', 'failed'] as const)('%s counts an attempt and requeues', (outcome) => {
    expect(decideOutcome({ ...base, outcome, attemptsBefore: 1 })).toMatchObject({
      phoneStatus: null,
      closeAllQueues: null,
      countsAsAttempt: true,
      attemptsAfter: 2,
      requeue: true,
    });
  });
  it('wrong number flags the chosen voters only', () => {
    const e = decideOutcome({ ...base, outcome: 'wrong_number', wrongVoterIds: ['2', '2'] });
    expect(e).toMatchObject({ wrongVoterIds: ['2'], phoneStatus: null, installMark: 'wrong' });
  });
  it('wrong number needs voters of the household', () => {
    expect(() => decideOutcome({ ...base, outcome: 'wrong_number' })).toThrow(OutcomeRuleError);
    expect(() => decideOutcome({ ...base, outcome: 'wrong_number', wrongVoterIds: ['9'] })).toThrow(
      /not linked/,
    );
  });
});

describe('requeueDecision', () => {
  it('requeues after 30 minutes before the 3rd attempt', () => {
    expect(requeueDecision(1, DEFAULT_QUEUE_POLICY, now)).toEqual({
      close: false,
      nextEligibleAt: new Date('2026-03-10T15:30:00Z'),
    });
    expect(requeueDecision(2, DEFAULT_QUEUE_POLICY, now)).toMatchObject({ close: false });
  });
  it('never tries again at the 3rd attempt', () => {
    expect(requeueDecision(3, DEFAULT_QUEUE_POLICY, now)).toEqual({ close: true, reason: 'attempt_limit' });
  });
  it('follows a campaign’s own limit and delay', () => {
    expect(requeueDecision(3, { attemptLimit: 5, requeueDelayMinutes: 90 }, now)).toEqual({
      close: false,
      nextEligibleAt: new Date('2026-03-10T16:30:00Z'),
    });
  });
});

describe('install-wide flag', () => {
  it('needs 3 or more campaigns', () => {
    expect(isInstallFlagged(2)).toBe(false);
    expect(isInstallFlagged(3)).toBe(true);
  });
});
