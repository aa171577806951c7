import type { CallSessionInfo, ClaimedPhone, ClaimedVoter, PowerView } from '../api/api.types';
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
  phone: { id: 'ph1', e164: '+15555550100', lineType: 'cell' },
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

  it('follows pushed dial-session views, ignores stale ones, and keeps the volunteer’s work', () => {
    const view = (stage: PowerView['stage'], at: string): PowerView => ({
      sessionId: 's1',
      stage,
      stageEnteredAt: at,
      call:
        stage === 'idle' || stage === 'awaiting-leg'
          ? null
          : { attemptId: 'a9', phone: '+15555550100', lineType: 'cell' },
      pauseReason: null,
      endReason: null,
      browser: 'connected',
      credits: 'available',
      callButton: { available: true },
      voicemailButton: null,
      voicemailDropsPlaying: 0,
    });
    const started = apply(
      { type: 'session-started', session: newSession('power-phone') },
      { type: 'power-view', view: view('awaiting-leg', '2026-01-01T10:00:00Z'), notice: null },
    );
    expect(started.volunteerLegConnected).toBe(false);
    const ringing = (
      [
        { type: 'power-view', view: view('idle', '2026-01-01T10:00:05Z'), notice: null },
        { type: 'power-view', view: view('ringing', '2026-01-01T10:00:07Z'), notice: null },
        { type: 'phone-claimed', phone: newPhone('a9') },
        { type: 'wrong-number-toggled', voterId: 'h1' },
      ] as CallScreenEvent[]
    ).reduce(reduceCallScreen, started);
    expect(ringing.volunteerLegConnected).toBe(true);
    expect(ringing.callState).toBe('ringing');
    expect(outcomeBlocker(ringing, 'successful')).toBe('Wait until the call is answered or ends.');
    const answered = reduceCallScreen(ringing, {
      type: 'power-view',
      view: view('connected', '2026-01-01T10:00:09Z'),
      notice: null,
    });
    expect(answered.callState).toBe('answered');
    expect(flaggedVoterIds(answered)).toEqual(['h1']);
    // A snapshot older than what is shown changes nothing.
    const late = reduceCallScreen(answered, {
      type: 'power-view',
      view: view('ringing', '2026-01-01T10:00:07Z'),
      notice: null,
    });
    expect(late).toBe(answered);
    const busy = reduceCallScreen(ringing, {
      type: 'power-view',
      view: view('idle', '2026-01-01T10:00:10Z'),
      notice: { kind: 'call-ended', outcome: 'busy', cause: null },
    });
    expect(busy.callState).toBe('busy');
  });

  it('fills the script with the voter and volunteer names as plain text', () => {
    expect(
      renderScript('Hi {firstName} {lastName}, I am {volunteerName}. {unknown}', newVoter('1', true), 'Sam'),
    ).toBe('Hi First1 Last1, I am Sam. {unknown}');
    expect(renderScript('Hi {firstName}', null, 'Sam')).toBe('Hi there');
  });
});
