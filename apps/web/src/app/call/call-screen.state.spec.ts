import type { CallSessionInfo, ClaimedPhone, ClaimedVoter } from '../api/api.types';
import {
  flaggedVoterIds,
  initialCallScreenState,
  orderVoters,
  outcomeBlocker,
  reduceCallScreen,
  renderScript,
  surveyAnswers,
  type CallScreenEvent,
  type CallScreenState,
} from './call-screen.state';

const newVoter = (id: string, targeted: boolean, extra: Partial<ClaimedVoter> = {}): ClaimedVoter => ({
  id,
  firstName: `First${id}`,
  lastName: `Last${id}`,
  targeted,
  tags: [],
  notes: [],
  wrongNumber: false,
  ...extra,
});

const newSession = (mode: CallSessionInfo['mode'] = 'standard'): CallSessionInfo => ({
  id: 's1',
  projectId: 'p1',
  projectName: 'Project',
  mode,
  startedAt: '2026-01-01T10:00:00Z',
  script: 'Hi {firstName}, this is {volunteerName}.',
  survey: [],
});

const newPhone = (attemptId?: string): ClaimedPhone => ({
  attemptId,
  phone: { id: 'ph1', e164: '+15555550100', lineType: 'mobile' },
  voters: [newVoter('h1', false), newVoter('t1', true), newVoter('h2', false), newVoter('t2', true)],
});

const apply = (...events: CallScreenEvent[]): CallScreenState =>
  events.reduce(reduceCallScreen, initialCallScreenState);

describe('call screen state', () => {
  it('lists targeted voters first, keeping order within each group, and selects the first', () => {
    expect(orderVoters(newPhone().voters).map((v) => v.id)).toEqual(['t1', 't2', 'h1', 'h2']);
    const state = apply(
      { type: 'session-started', session: newSession() },
      { type: 'phone-claimed', phone: newPhone() },
    );
    expect(state.phone?.voters.map((v) => v.id)).toEqual(['t1', 't2', 'h1', 'h2']);
    expect(state.selectedVoterId).toBe('t1');
  });

  it('ignores call states of another attempt and pushes that arrive out of order', () => {
    const base = apply(
      { type: 'session-started', session: newSession('power-phone') },
      { type: 'phone-claimed', phone: newPhone('a1') },
    );
    const ringing = reduceCallScreen(base, {
      type: 'call-state',
      attemptId: 'a1',
      state: 'ringing',
      at: '2026-01-01T10:00:02Z',
    });
    expect(ringing.callState).toBe('ringing');
    expect(
      reduceCallScreen(ringing, {
        type: 'call-state',
        attemptId: 'a0',
        state: 'busy',
        at: '2026-01-01T10:00:03Z',
      }).callState,
    ).toBe('ringing');
    expect(
      reduceCallScreen(ringing, {
        type: 'call-state',
        attemptId: 'a1',
        state: 'dialing',
        at: '2026-01-01T10:00:01Z',
      }).callState,
    ).toBe('ringing');
  });

  it('requires a flagged voter before a wrong-number outcome', () => {
    const claimed = apply(
      { type: 'session-started', session: newSession() },
      { type: 'phone-claimed', phone: newPhone() },
    );
    expect(outcomeBlocker(claimed, 'wrong-number')).toMatch(/Flag/);
    const flagged = reduceCallScreen(claimed, { type: 'wrong-number-toggled', voterId: 't2' });
    expect(flaggedVoterIds(flagged)).toEqual(['t2']);
    expect(outcomeBlocker(flagged, 'wrong-number')).toBeNull();
  });

  it('blocks outcomes while a power-dialed call is still ringing', () => {
    const ringing = apply(
      { type: 'session-started', session: newSession('power-phone') },
      { type: 'phone-claimed', phone: newPhone('a1') },
      { type: 'call-state', attemptId: 'a1', state: 'ringing', at: '2026-01-01T10:00:02Z' },
    );
    expect(outcomeBlocker(ringing, 'successful')).toMatch(/Wait/);
  });

  it('collects non-empty survey answers and clears them with the outcome', () => {
    const answered = apply(
      { type: 'session-started', session: newSession() },
      { type: 'phone-claimed', phone: newPhone() },
      { type: 'survey-answered', voterId: 't1', questionId: 'q1', value: 'yes' },
      { type: 'survey-answered', voterId: 't1', questionId: 'q2', value: '  ' },
      { type: 'survey-answered', voterId: 'nobody', questionId: 'q1', value: 'x' },
    );
    expect(surveyAnswers(answered)).toEqual([{ voterId: 't1', questionId: 'q1', value: 'yes' }]);
    const recorded = reduceCallScreen(answered, { type: 'outcome-recorded' });
    expect(recorded.phone).toBeNull();
    expect(surveyAnswers(recorded)).toEqual([]);
  });

  it('keeps unsent flags and answers when a reconnect snapshot shows the same phone', () => {
    const worked = apply(
      { type: 'session-started', session: newSession('power-phone') },
      { type: 'phone-claimed', phone: newPhone() },
      { type: 'wrong-number-toggled', voterId: 'h1' },
      { type: 'survey-answered', voterId: 't1', questionId: 'q1', value: 'yes' },
    );
    const snapshot = reduceCallScreen(worked, {
      type: 'snapshot',
      snapshot: {
        session: newSession('power-phone'),
        phone: newPhone('a9'),
        callState: 'answered',
        callStateAt: '2026-01-01T10:01:00Z',
        volunteerLegConnected: true,
        muted: false,
      },
    });
    expect(snapshot.phone?.attemptId).toBe('a9');
    expect(flaggedVoterIds(snapshot)).toEqual(['h1']);
    expect(surveyAnswers(snapshot)).toHaveLength(1);
    expect(snapshot.callState).toBe('answered');
  });

  it('fills the script with the voter and volunteer names as plain text', () => {
    expect(
      renderScript('Hi {firstName} {lastName}, I am {volunteerName}. {unknown}', newVoter('1', true), 'Sam'),
    ).toBe('Hi First1 Last1, I am Sam. {unknown}');
    expect(renderScript('Hi {firstName}', null, 'Sam')).toBe('Hi there');
  });
});
