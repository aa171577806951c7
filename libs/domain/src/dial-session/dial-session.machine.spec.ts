import type { HangupCause } from '../call-result/hangup-cause';
import type { LineType } from '../phone/phone-number';
import {
  callAvailability,
  createDialSession,
  currentAttempt,
  toDialSessionView,
  transitionDialSession,
  voicemailAvailability,
  type DialSessionConfigInput,
} from './dial-session.machine';
import {
  DEFAULT_NO_ANSWER_TIMEOUT_MS,
  REMEMBERED_REQUEST_IDS,
  type DialSessionCommand,
  type DialSessionEvent,
  type DialSessionEventType,
  type DialSessionRejectionReason,
  type DialSessionStage,
  type DialSessionState,
  type DialSessionTransition,
} from './dial-session.types';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const T0 = Date.parse('2026-03-02T15:00:00Z');
const at = (seconds: number): Date => new Date(T0 + seconds * 1000);

const CONFIG: DialSessionConfigInput = {
  sessionId: 's1',
  campaignId: 'c1',
  projectId: 'p1',
  callerId: '+12025550143',
  trunkId: 'trunk-1',
  voicemailRecording: 'recording:p1-voicemail',
};

const BUSY_486: HangupCause = { q850: 17, text: 'User busy' };
const NORMAL: HangupCause = { q850: 16, text: 'Normal Clearing' };
const CONGESTION_503: HangupCause = { q850: 34, text: 'No circuit/channel available' };

/** Feed events one second apart; every one must be accepted. */
function run(state: DialSessionState, events: DialSessionEvent[], startSecond = 1): DialSessionState {
  let current = state;
  events.forEach((event, i) => {
    const result = transitionDialSession(current, event, at(startSecond + i));
    if (result.rejection) {
      throw new Error(`fixture event ${event.type} rejected in ${current.stage}: ${result.rejection.reason}`);
    }
    current = result.state;
  });
  return current;
}

const E = {
  legJoined: { type: 'leg-joined' },
  legLost: { type: 'leg-lost' },
  call: (requestId = 'r1'): DialSessionEvent => ({ type: 'call-requested', requestId }),
  claimed: (attemptId = 'a1', requestId = 'r1', lineType: LineType = 'landline'): DialSessionEvent => ({
    type: 'phone-claimed',
    requestId,
    attemptId,
    phone: '+13125550188',
    lineType,
  }),
  queueEmpty: (requestId = 'r1'): DialSessionEvent => ({ type: 'queue-empty', requestId }),
  ringing: (attemptId = 'a1'): DialSessionEvent => ({ type: 'voter-ringing', attemptId }),
  answered: (attemptId = 'a1'): DialSessionEvent => ({ type: 'voter-answered', attemptId }),
  ended: (
    result: 'answered' | 'busy' | 'no-answer' | 'failed' | 'abandoned',
    cause: HangupCause = NORMAL,
    attemptId = 'a1',
  ): DialSessionEvent => ({ type: 'voter-ended', attemptId, result, cause }),
  timer: (attemptId = 'a1'): DialSessionEvent => ({ type: 'no-answer-timer-fired', attemptId }),
  voicemail: (attemptId = 'a1'): DialSessionEvent => ({ type: 'voicemail-requested', attemptId }),
  voicemailFinished: (attemptId = 'a1'): DialSessionEvent => ({ type: 'voicemail-finished', attemptId }),
  outcome: (attemptId = 'a1'): DialSessionEvent => ({ type: 'outcome-recorded', attemptId }),
  hangup: (attemptId = 'a1'): DialSessionEvent => ({ type: 'hangup-requested', attemptId }),
  pause: { type: 'pause-requested' },
  resume: { type: 'resume-requested' },
  browserLost: { type: 'browser-disconnected' },
  browserBack: { type: 'browser-reconnected' },
  creditsGone: { type: 'credits-exhausted' },
  end: { type: 'end-requested' },
} satisfies Record<string, DialSessionEvent | ((...args: never[]) => DialSessionEvent)>;

const FIXTURES = {
  'awaiting-leg': (): DialSessionState => createDialSession(CONFIG, at(0)),
  idle: (): DialSessionState => run(createDialSession(CONFIG, at(0)), [E.legJoined]),
  claiming: (): DialSessionState => run(FIXTURES.idle(), [E.call()], 2),
  dialing: (): DialSessionState => run(FIXTURES.claiming(), [E.claimed()], 3),
  ringing: (): DialSessionState => run(FIXTURES.dialing(), [E.ringing()], 4),
  connected: (): DialSessionState => run(FIXTURES.ringing(), [E.answered()], 5),
  'voicemail-dropping': (): DialSessionState => run(FIXTURES.connected(), [E.voicemail()], 6),
  'wrap-up': (): DialSessionState => run(FIXTURES.connected(), [E.ended('answered')], 6),
  'paused(volunteer)': (): DialSessionState => run(FIXTURES.idle(), [E.pause], 2),
  'paused(leg-lost)': (): DialSessionState => run(FIXTURES.idle(), [E.legLost], 2),
  'paused(leg-lost, outcome owed)': (): DialSessionState => run(FIXTURES.connected(), [E.legLost], 6),
  ended: (): DialSessionState => run(FIXTURES.idle(), [E.end], 2),
} satisfies Record<string, () => DialSessionState>;

type Fixture = keyof typeof FIXTURES;
const FIXTURE_NAMES = Object.keys(FIXTURES) as Fixture[];

// ---------------------------------------------------------------------------------------------
// The full matrix: every event in every stage. "stage" = accepted, moved (or stayed) there;
// "=" = accepted, nothing to do; "!reason" = rejected with that reason, state untouched.
// The current attempt is a1 and the pending claim request r1; "call" uses a new request r2.
// ---------------------------------------------------------------------------------------------

type Expect = DialSessionStage | '=' | `!${DialSessionRejectionReason}`;
type Row = Record<Fixture, Expect>;

const row = (
  awaitingLeg: Expect,
  idle: Expect,
  claiming: Expect,
  dialing: Expect,
  ringing: Expect,
  connected: Expect,
  voicemailDropping: Expect,
  wrapUp: Expect,
  pausedVolunteer: Expect,
  pausedLegLost: Expect,
  pausedOwed: Expect,
  ended: Expect,
): Row => ({
  'awaiting-leg': awaitingLeg,
  idle,
  claiming,
  dialing,
  ringing,
  connected,
  'voicemail-dropping': voicemailDropping,
  'wrap-up': wrapUp,
  'paused(volunteer)': pausedVolunteer,
  'paused(leg-lost)': pausedLegLost,
  'paused(leg-lost, outcome owed)': pausedOwed,
  ended,
});

const END = '!session-ended';
const STALE = '!stale-attempt';
const NOCALL = '!no-call';
const NOTIN = '!not-allowed-in-stage';
const CIP = '!call-in-progress';
const ABSENT = '!volunteer-leg-absent';

const MATRIX: readonly [string, DialSessionEvent, Row][] = [
  // prettier-ignore
  ['leg-joined', E.legJoined, row('idle', '!leg-already-joined', '!leg-already-joined', '!leg-already-joined', '!leg-already-joined', '!leg-already-joined', '!leg-already-joined', '!leg-already-joined', '!leg-already-joined', 'idle', 'wrap-up', END)],
  // prettier-ignore
  ['leg-lost', E.legLost, row(ABSENT, 'paused', 'paused', 'paused', 'paused', 'paused', 'paused', 'paused', 'paused', ABSENT, ABSENT, END)],
  // prettier-ignore
  ['call-requested (new request)', E.call('r2'), row(ABSENT, 'claiming', CIP, CIP, CIP, CIP, 'claiming', '!outcome-required', '!session-paused', ABSENT, ABSENT, END)],
  // prettier-ignore
  ['phone-claimed (r1, a1)', E.claimed(), row('!stale-request', '!stale-request', 'dialing', CIP, CIP, CIP, CIP, CIP, '!stale-request', '!stale-request', CIP, END)],
  // prettier-ignore
  ['queue-empty (r1)', E.queueEmpty(), row('!stale-request', '!stale-request', 'idle', '!stale-request', '!stale-request', '!stale-request', '!stale-request', '!stale-request', '!stale-request', '!stale-request', '!stale-request', END)],
  // prettier-ignore
  ['voter-ringing', E.ringing(), row(STALE, STALE, STALE, 'ringing', '=', '!already-answered', NOTIN, NOTIN, STALE, STALE, NOTIN, END)],
  // prettier-ignore
  ['voter-answered', E.answered(), row(STALE, STALE, STALE, 'connected', 'connected', '=', NOTIN, NOTIN, STALE, STALE, NOTIN, END)],
  // prettier-ignore
  ['voter-ended busy', E.ended('busy', BUSY_486), row(STALE, STALE, STALE, 'idle', 'idle', 'wrap-up', 'idle', '=', STALE, STALE, '=', END)],
  // prettier-ignore
  ['voter-ended answered', E.ended('answered'), row(STALE, STALE, STALE, 'wrap-up', 'wrap-up', 'wrap-up', 'idle', '=', STALE, STALE, '=', END)],
  // prettier-ignore
  ['voter-ended abandoned', E.ended('abandoned'), row(STALE, STALE, STALE, 'idle', 'idle', 'wrap-up', 'idle', '=', STALE, STALE, '=', END)],
  // prettier-ignore
  ['no-answer-timer-fired', E.timer(), row(STALE, STALE, STALE, 'idle', 'idle', '!already-answered', NOTIN, NOTIN, STALE, STALE, NOTIN, END)],
  // prettier-ignore
  ['voicemail-requested', E.voicemail(), row(NOCALL, NOCALL, NOCALL, '!not-answered', '!not-answered', 'voicemail-dropping', NOTIN, NOTIN, NOCALL, NOCALL, NOTIN, END)],
  // prettier-ignore
  ['voicemail-finished', E.voicemailFinished(), row(STALE, STALE, STALE, STALE, STALE, STALE, 'idle', STALE, STALE, STALE, STALE, END)],
  // prettier-ignore
  ['outcome-recorded', E.outcome(), row(NOCALL, NOCALL, NOCALL, '!not-answered', '!not-answered', 'idle', NOTIN, 'idle', NOCALL, NOCALL, 'paused', END)],
  // prettier-ignore
  ['hangup-requested', E.hangup(), row(NOCALL, NOCALL, NOCALL, 'idle', 'idle', 'wrap-up', NOCALL, NOCALL, NOCALL, NOCALL, NOCALL, END)],
  // prettier-ignore
  ['pause-requested', E.pause, row(ABSENT, 'paused', CIP, CIP, CIP, CIP, 'paused', '!outcome-required', '!already-paused', '!already-paused', '!already-paused', END)],
  // prettier-ignore
  ['resume-requested', E.resume, row('!not-paused', '!not-paused', '!not-paused', '!not-paused', '!not-paused', '!not-paused', '!not-paused', '!not-paused', 'idle', ABSENT, ABSENT, END)],
  // prettier-ignore
  ['browser-disconnected', E.browserLost, row('awaiting-leg', 'idle', 'claiming', 'dialing', 'ringing', 'connected', 'voicemail-dropping', 'wrap-up', 'paused', 'paused', 'paused', END)],
  // prettier-ignore
  ['browser-reconnected', E.browserBack, row('!browser-already-connected', '!browser-already-connected', '!browser-already-connected', '!browser-already-connected', '!browser-already-connected', '!browser-already-connected', '!browser-already-connected', '!browser-already-connected', '!browser-already-connected', '!browser-already-connected', '!browser-already-connected', END)],
  // prettier-ignore
  ['credits-exhausted', E.creditsGone, row('ended', 'ended', 'ended', 'dialing', 'ringing', 'connected', 'ended', 'wrap-up', 'ended', 'ended', 'paused', END)],
  // prettier-ignore
  ['end-requested', E.end, row('ended', 'ended', 'ended', 'ended', 'ended', 'ended', 'ended', 'ended', 'ended', 'ended', 'ended', END)],
];

const ALL_EVENT_TYPES: readonly DialSessionEventType[] = [
  'leg-joined',
  'leg-lost',
  'call-requested',
  'phone-claimed',
  'queue-empty',
  'voter-ringing',
  'voter-answered',
  'voter-ended',
  'no-answer-timer-fired',
  'voicemail-requested',
  'voicemail-finished',
  'outcome-recorded',
  'hangup-requested',
  'pause-requested',
  'resume-requested',
  'browser-disconnected',
  'browser-reconnected',
  'credits-exhausted',
  'end-requested',
];

const types = (commands: readonly DialSessionCommand[]): string[] => commands.map((c) => c.type);
const withoutNotify = (commands: readonly DialSessionCommand[]): DialSessionCommand[] =>
  commands.filter((c) => c.type !== 'notify');
const notifyOf = (result: DialSessionTransition): Extract<DialSessionCommand, { type: 'notify' }> => {
  const last = result.commands[result.commands.length - 1];
  if (last?.type !== 'notify') throw new Error(`last command is ${last?.type}, not notify`);
  return last;
};

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

describe('dial-session machine: every event in every stage', () => {
  it('covers every event type', () => {
    expect(new Set(MATRIX.map(([, event]) => event.type))).toEqual(new Set(ALL_EVENT_TYPES));
  });

  it('builds each fixture in the stage it is named after', () => {
    for (const name of FIXTURE_NAMES) expect(name.startsWith(FIXTURES[name]().stage)).toBe(true);
  });

  const cases = MATRIX.flatMap(([label, event, expectations]) =>
    FIXTURE_NAMES.map((fixture) => [label, fixture, event, expectations[fixture]] as const),
  );

  it.each(cases)('%s in %s → %s', (_label, fixture, event, expected) => {
    const before = deepFreeze(FIXTURES[fixture]());
    const result = transitionDialSession(before, event, at(100));
    if (expected.startsWith('!')) {
      expect(result.rejection).toEqual({ reason: expected.slice(1), event: event.type, stage: before.stage });
      expect(result.state).toBe(before);
      expect(types(result.commands)).not.toContain('notify');
      expect(types(result.commands)).not.toContain('originate');
    } else if (expected === '=') {
      expect(result.rejection).toBeNull();
      expect(result.state).toBe(before);
      expect(result.commands).toEqual([]);
    } else {
      expect(result.rejection).toBeNull();
      expect(result.state.stage).toBe(expected);
      expect(notifyOf(result).view).toEqual(toDialSessionView(result.state));
      expect(types(result.commands).filter((t) => t === 'notify')).toHaveLength(1);
      const expectedEnteredAt = expected === before.stage ? before.stageEnteredAt : at(100);
      expect(result.state.stageEnteredAt).toEqual(expectedEnteredAt);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The commands of each accepted transition, and the rules of issue 4.
// ---------------------------------------------------------------------------------------------

describe('createDialSession', () => {
  it('starts awaiting the leg, with SPEC defaults', () => {
    const s = createDialSession({ ...CONFIG, voicemailRecording: undefined }, at(0));
    expect(s).toMatchObject({
      stage: 'awaiting-leg',
      stageEnteredAt: at(0),
      browser: 'connected',
      credits: 'available',
      voicemailDrops: [],
      recentRequestIds: [],
      config: { noAnswerTimeoutMs: 60_000, allowVoicemailToCells: false, voicemailRecording: null },
    });
    expect(DEFAULT_NO_ANSWER_TIMEOUT_MS).toBe(60_000);
  });

  it.each([0, -1, 999, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses a no-answer limit of %p ms',
    (ms) => {
      expect(() => createDialSession({ ...CONFIG, noAnswerTimeoutMs: ms }, at(0))).toThrow(RangeError);
    },
  );
});

describe('a call, click to outcome', () => {
  it('claims a phone on "call", remembering the request id', () => {
    const r = transitionDialSession(FIXTURES.idle(), E.call('r9'), at(10));
    expect(withoutNotify(r.commands)).toEqual([
      { type: 'claim-phone', requestId: 'r9', projectId: 'p1', trunkId: 'trunk-1' },
    ]);
    expect(r.state).toMatchObject({ stage: 'claiming', requestId: 'r9', recentRequestIds: ['r9'] });
  });

  it('originates with the attempt id as channel id, the caller ID, the trunk and a 60 s limit', () => {
    const r = transitionDialSession(FIXTURES.claiming(), E.claimed('a7', 'r1', 'cell'), at(10));
    expect(withoutNotify(r.commands)).toEqual([
      {
        type: 'originate',
        attemptId: 'a7',
        channelId: 'a7',
        phone: '+13125550188',
        callerId: '+12025550143',
        trunkId: 'trunk-1',
        timeoutSeconds: 60,
      },
      { type: 'start-no-answer-timer', attemptId: 'a7', durationMs: 60_000 },
    ]);
    expect(r.state).toMatchObject({
      stage: 'dialing',
      attempt: {
        attemptId: 'a7',
        phone: '+13125550188',
        lineType: 'cell',
        requestId: 'r1',
        originatedAt: at(10),
      },
    });
  });

  it('uses a configured no-answer limit', () => {
    const s = run(createDialSession({ ...CONFIG, noAnswerTimeoutMs: 45_500 }, at(0)), [
      E.legJoined,
      E.call(),
    ]);
    const r = transitionDialSession(s, E.claimed(), at(5));
    expect(r.commands).toContainEqual(expect.objectContaining({ type: 'originate', timeoutSeconds: 46 }));
    expect(r.commands).toContainEqual({ type: 'start-no-answer-timer', attemptId: 'a1', durationMs: 45_500 });
  });

  it('does not bridge while the voter rings', () => {
    const r = transitionDialSession(FIXTURES.dialing(), E.ringing(), at(10));
    expect(withoutNotify(r.commands)).toEqual([]);
    expect(notifyOf(r).view).toMatchObject({ stage: 'ringing', call: { attemptId: 'a1' } });
  });

  it.each(['dialing', 'ringing'] as const)(
    'bridges at once on answer (from %s), stopping the timer',
    (fixture) => {
      const r = transitionDialSession(FIXTURES[fixture](), E.answered(), at(10));
      expect(withoutNotify(r.commands)).toEqual([
        { type: 'cancel-no-answer-timer', attemptId: 'a1' },
        { type: 'bridge-voter', attemptId: 'a1' },
      ]);
      expect(r.state.stage).toBe('connected');
    },
  );

  it('goes to wrap-up when the voter hangs up, and to idle when the outcome is saved', () => {
    const wrap = transitionDialSession(FIXTURES.connected(), E.ended('answered'), at(10));
    expect(withoutNotify(wrap.commands)).toEqual([]);
    expect(notifyOf(wrap).notice).toEqual({ kind: 'voter-hung-up' });
    const done = transitionDialSession(wrap.state, E.outcome(), at(20));
    expect(withoutNotify(done.commands)).toEqual([]);
    expect(done.state).toMatchObject({ stage: 'idle', stageEnteredAt: at(20) });
  });

  it('hangs up the voter when the volunteer clicks hang up while connected', () => {
    const r = transitionDialSession(FIXTURES.connected(), E.hangup(), at(10));
    expect(withoutNotify(r.commands)).toEqual([
      { type: 'hang-up-voter', attemptId: 'a1', reason: 'volunteer-hangup' },
    ]);
    expect(r.state.stage).toBe('wrap-up');
    // the voter channel then goes away: nothing more to do
    expect(transitionDialSession(r.state, E.ended('answered'), at(11))).toEqual({
      state: r.state,
      commands: [],
      rejection: null,
    });
  });

  it('ends the conversation when an outcome is clicked while connected', () => {
    const r = transitionDialSession(FIXTURES.connected(), E.outcome(), at(10));
    expect(withoutNotify(r.commands)).toEqual([
      { type: 'hang-up-voter', attemptId: 'a1', reason: 'outcome-recorded' },
    ]);
    expect(r.state.stage).toBe('idle');
  });

  it.each(['dialing', 'ringing'] as const)('cancels a call from %s, giving the phone back', (fixture) => {
    const r = transitionDialSession(FIXTURES[fixture](), E.hangup(), at(10));
    expect(withoutNotify(r.commands)).toEqual([
      { type: 'cancel-no-answer-timer', attemptId: 'a1' },
      { type: 'hang-up-voter', attemptId: 'a1', reason: 'volunteer-hangup' },
      { type: 'release-claim', attemptId: 'a1', reason: 'cancelled-by-volunteer' },
    ]);
    expect(r.state.stage).toBe('idle');
  });

  it('tells the screen when the queue is empty', () => {
    const r = transitionDialSession(FIXTURES.claiming(), E.queueEmpty(), at(10));
    expect(withoutNotify(r.commands)).toEqual([]);
    expect(notifyOf(r).notice).toEqual({ kind: 'queue-empty' });
    expect(r.state.stage).toBe('idle');
  });

  it('records the time each stage was entered', () => {
    let s = FIXTURES.idle();
    const seen: [DialSessionStage, Date][] = [];
    const script = [E.call(), E.claimed(), E.ringing(), E.answered(), E.ended('answered'), E.outcome()];
    script.forEach((event, i) => {
      s = transitionDialSession(s, event, at(10 * (i + 1))).state;
      seen.push([s.stage, s.stageEnteredAt]);
    });
    expect(seen).toEqual([
      ['claiming', at(10)],
      ['dialing', at(20)],
      ['ringing', at(30)],
      ['connected', at(40)],
      ['wrap-up', at(50)],
      ['idle', at(60)],
    ]);
  });
});

describe('busy, no answer and failure, with no click', () => {
  it.each([
    ['busy', BUSY_486, 'busy'],
    ['no-answer', { q850: 19, text: 'No answer' }, 'no_answer'],
    ['failed', CONGESTION_503, 'failed'],
    ['failed', { q850: 1, text: 'Unallocated' }, 'failed'],
  ] as const)('records %s (cause %j) as %s and frees the volunteer', (result, cause, outcome) => {
    for (const fixture of ['dialing', 'ringing'] as const) {
      const r = transitionDialSession(FIXTURES[fixture](), E.ended(result, cause), at(30));
      const expectedCause = { source: 'hangup-cause', hangupCause: cause };
      expect(withoutNotify(r.commands)).toEqual([
        { type: 'cancel-no-answer-timer', attemptId: 'a1' },
        { type: 'record-automatic-outcome', attemptId: 'a1', outcome, cause: expectedCause },
      ]);
      expect(notifyOf(r).notice).toEqual({ kind: 'call-ended', outcome, cause: expectedCause });
      expect(r.state.stage).toBe('idle');
    }
  });

  it('ends as no answer when the 60 s timer fires, and ignores the channel ending afterwards', () => {
    const ringing = run(FIXTURES.claiming(), [E.claimed(), E.ringing()], 0); // originated at T0
    const r = transitionDialSession(ringing, E.timer(), at(60));
    const cause = { source: 'no-answer-timer', afterMs: 60_000 };
    expect(withoutNotify(r.commands)).toEqual([
      { type: 'hang-up-voter', attemptId: 'a1', reason: 'no-answer-timeout' },
      { type: 'record-automatic-outcome', attemptId: 'a1', outcome: 'no_answer', cause },
    ]);
    expect(r.state.stage).toBe('idle');
    const late = transitionDialSession(r.state, E.ended('abandoned', NORMAL), at(61));
    expect(late.rejection?.reason).toBe('stale-attempt');
    expect(late.commands).toEqual([]);
  });

  it('connects a voter answering at 55 s; a timer firing late is refused', () => {
    const ringing = run(FIXTURES.claiming(), [E.claimed(), E.ringing()], 0);
    const answered = transitionDialSession(ringing, E.answered(), at(55));
    expect(answered.state.stage).toBe('connected');
    expect(types(answered.commands)).toEqual(['cancel-no-answer-timer', 'bridge-voter', 'notify']);
    const late = transitionDialSession(answered.state, E.timer(), at(60));
    expect(late.rejection?.reason).toBe('already-answered');
    expect(late.commands).toEqual([]);
  });

  it('hangs up a voter who answers after the timer gave up on them', () => {
    const gaveUp = transitionDialSession(FIXTURES.ringing(), E.timer(), at(60)).state;
    const r = transitionDialSession(gaveUp, E.answered(), at(60.2));
    expect(r.rejection?.reason).toBe('stale-attempt');
    expect(r.commands).toEqual([{ type: 'hang-up-voter', attemptId: 'a1', reason: 'stale-attempt' }]);
  });

  it('lets the volunteer decide when an answer was missed and the voter already left', () => {
    const r = transitionDialSession(FIXTURES.ringing(), E.ended('answered'), at(20));
    expect(withoutNotify(r.commands)).toEqual([{ type: 'cancel-no-answer-timer', attemptId: 'a1' }]);
    expect(r.state).toMatchObject({ stage: 'wrap-up', attempt: { attemptId: 'a1' } });
  });

  it('gives the phone back when the adapter abandoned the call itself', () => {
    const r = transitionDialSession(FIXTURES.dialing(), E.ended('abandoned', CONGESTION_503), at(20));
    expect(withoutNotify(r.commands)).toEqual([
      { type: 'cancel-no-answer-timer', attemptId: 'a1' },
      { type: 'release-claim', attemptId: 'a1', reason: 'abandoned-by-engine' },
    ]);
    expect(notifyOf(r).notice).toEqual({ kind: 'call-abandoned' });
  });

  it.each(['busy', 'no-answer', 'failed', 'abandoned'] as const)(
    'treats %s after an answer as the voter hanging up (wrap-up)',
    (result) => {
      const r = transitionDialSession(FIXTURES.connected(), E.ended(result), at(20));
      expect(withoutNotify(r.commands)).toEqual([]);
      expect(r.state.stage).toBe('wrap-up');
    },
  );
});

describe('one click, at most one call', () => {
  it('refuses a repeated request id while it is being served', () => {
    for (const fixture of ['claiming', 'dialing', 'ringing', 'connected', 'wrap-up'] as const) {
      const r = transitionDialSession(FIXTURES[fixture](), E.call('r1'), at(50));
      expect(r.rejection?.reason).toBe('duplicate-request');
      expect(r.commands).toEqual([]);
    }
  });

  it('refuses a repeated request id after its call is over', () => {
    const s = run(FIXTURES.connected(), [E.ended('answered'), E.outcome()], 10);
    expect(transitionDialSession(s, E.call('r1'), at(20)).rejection?.reason).toBe('duplicate-request');
    expect(transitionDialSession(s, E.call('r2'), at(20)).rejection).toBeNull();
  });

  it(`remembers the last ${REMEMBERED_REQUEST_IDS} request ids`, () => {
    let s = FIXTURES.idle();
    for (let i = 0; i < REMEMBERED_REQUEST_IDS + 1; i++) {
      s = run(s, [E.call(`q${i}`), E.queueEmpty(`q${i}`)], 10 + 2 * i);
    }
    expect(s.recentRequestIds).toHaveLength(REMEMBERED_REQUEST_IDS);
    expect(transitionDialSession(s, E.call('q0'), at(500)).rejection).toBeNull();
    expect(transitionDialSession(s, E.call('q1'), at(500)).rejection?.reason).toBe('duplicate-request');
  });

  it('does not release the live attempt when its claim is reported twice', () => {
    const r = transitionDialSession(FIXTURES.dialing(), E.claimed('a1', 'r1'), at(10));
    expect(r.rejection?.reason).toBe('call-in-progress');
    expect(r.commands).toEqual([]);
  });

  it.each(['idle', 'paused(volunteer)', 'paused(leg-lost)'] as const)(
    'releases a claim that arrives when %s is not waiting for it',
    (fixture) => {
      const r = transitionDialSession(FIXTURES[fixture](), E.claimed('a9', 'r7'), at(10));
      expect(r.rejection?.reason).toBe('stale-request');
      expect(r.commands).toEqual([
        { type: 'release-claim', attemptId: 'a9', reason: 'claim-no-longer-wanted' },
      ]);
    },
  );

  it('releases a claim answering another request than the one pending', () => {
    const r = transitionDialSession(FIXTURES.claiming(), E.claimed('a9', 'r0'), at(10));
    expect(r.rejection?.reason).toBe('stale-request');
    expect(r.commands).toEqual([
      { type: 'release-claim', attemptId: 'a9', reason: 'claim-no-longer-wanted' },
    ]);
  });

  it('ignores events of a previous attempt once the next call is under way', () => {
    const next = run(
      FIXTURES.connected(),
      [E.ended('answered'), E.outcome(), E.call('r2'), E.claimed('a2', 'r2')],
      10,
    );
    for (const event of [
      E.ringing('a1'),
      E.ended('busy', BUSY_486, 'a1'),
      E.timer('a1'),
      E.hangup('a1'),
      E.outcome('a1'),
    ]) {
      const r = transitionDialSession(next, event, at(30));
      expect(r.rejection?.reason).toBe('stale-attempt');
      expect(r.state).toBe(next);
      expect(r.commands).toEqual([]);
    }
  });
});

describe('voicemail drop', () => {
  const connectedTo = (lineType: LineType, config: Partial<DialSessionConfigInput> = {}): DialSessionState =>
    run(createDialSession({ ...CONFIG, ...config }, at(0)), [
      E.legJoined,
      E.call(),
      E.claimed('a1', 'r1', lineType),
      E.answered(),
    ]);

  it('moves the voter to the recording, records voicemail, and frees the volunteer at once', () => {
    const r = transitionDialSession(connectedTo('landline'), E.voicemail(), at(30));
    expect(withoutNotify(r.commands)).toEqual([
      { type: 'move-voter-to-voicemail', attemptId: 'a1', recording: 'recording:p1-voicemail' },
      {
        type: 'record-automatic-outcome',
        attemptId: 'a1',
        outcome: 'voicemail',
        cause: { source: 'voicemail-click' },
      },
    ]);
    expect(r.state).toMatchObject({
      stage: 'voicemail-dropping',
      voicemailDrops: [{ attemptId: 'a1', startedAt: at(30) }],
    });
    expect(callAvailability(r.state)).toEqual({ available: true });
    expect(notifyOf(r).view).toMatchObject({ voicemailDropsPlaying: 1, callButton: { available: true } });
  });

  it.each([
    ['landline', false, true],
    ['voip', false, true],
    ['cell', false, false],
    ['unknown', false, false],
    ['cell', true, true],
    ['unknown', true, true],
  ] as const)(
    'to a %s line with drops to cells allowed=%p: accepted=%p',
    (lineType, allowVoicemailToCells, ok) => {
      const s = connectedTo(lineType, { allowVoicemailToCells });
      const r = transitionDialSession(s, E.voicemail(), at(30));
      if (ok) {
        expect(r.rejection).toBeNull();
        expect(toDialSessionView(s).voicemailButton).toEqual({ available: true });
      } else {
        expect(r.rejection?.reason).toBe('voicemail-not-allowed-to-cell');
        expect(r.commands).toEqual([]);
        expect(toDialSessionView(s).voicemailButton).toEqual({
          available: false,
          reason: 'voicemail-not-allowed-to-cell',
        });
      }
    },
  );

  it('is refused when the project has no recording', () => {
    const s = connectedTo('landline', { voicemailRecording: null });
    expect(transitionDialSession(s, E.voicemail(), at(30)).rejection?.reason).toBe('no-voicemail-recording');
    expect(voicemailAvailability(s.config, 'landline')).toEqual({
      available: false,
      reason: 'no-voicemail-recording',
    });
  });

  it('lets the next call start while the recording plays, then hangs the voicemail voter up', () => {
    const dropping = transitionDialSession(connectedTo('landline'), E.voicemail(), at(30)).state;
    const dialing = run(dropping, [E.call('r2'), E.claimed('a2', 'r2')], 31);
    expect(dialing).toMatchObject({
      stage: 'dialing',
      attempt: { attemptId: 'a2' },
      voicemailDrops: [{ attemptId: 'a1' }],
    });
    const r = transitionDialSession(dialing, E.voicemailFinished('a1'), at(50));
    expect(withoutNotify(r.commands)).toEqual([
      { type: 'hang-up-voter', attemptId: 'a1', reason: 'voicemail-finished' },
    ]);
    expect(notifyOf(r).notice).toEqual({ kind: 'voicemail-finished', attemptId: 'a1' });
    expect(r.state).toMatchObject({ stage: 'dialing', stageEnteredAt: at(32), voicemailDrops: [] });
  });

  it('forgets the drop when the voter hangs up during the recording', () => {
    const dropping = transitionDialSession(connectedTo('landline'), E.voicemail(), at(30)).state;
    const r = transitionDialSession(dropping, E.ended('answered', NORMAL), at(35));
    expect(withoutNotify(r.commands)).toEqual([]);
    expect(r.state).toMatchObject({ stage: 'idle', voicemailDrops: [] });
  });

  it('keeps the drop playing when the volunteer leg drops', () => {
    const dropping = transitionDialSession(connectedTo('landline'), E.voicemail(), at(30)).state;
    const paused = transitionDialSession(dropping, E.legLost, at(31));
    expect(withoutNotify(paused.commands)).toEqual([]);
    expect(paused.state).toMatchObject({
      stage: 'paused',
      reason: 'volunteer-leg-lost',
      pendingWrapUp: null,
    });
    const finished = transitionDialSession(paused.state, E.voicemailFinished('a1'), at(40));
    expect(finished.state).toMatchObject({ stage: 'paused', voicemailDrops: [] });
  });

  it('ignores a voter-answered for an attempt that is playing voicemail', () => {
    const dialing = run(transitionDialSession(connectedTo('landline'), E.voicemail(), at(30)).state, [
      E.call('r2'),
      E.claimed('a2', 'r2'),
    ]);
    const r = transitionDialSession(dialing, E.answered('a1'), at(50));
    expect(r.rejection?.reason).toBe('stale-attempt');
    expect(r.commands).toEqual([]);
  });
});

describe('the volunteer leg dropping', () => {
  it.each(['dialing', 'ringing'] as const)(
    'in %s: ends the voter leg, gives the phone back, pauses',
    (fixture) => {
      const r = transitionDialSession(FIXTURES[fixture](), E.legLost, at(10));
      expect(withoutNotify(r.commands)).toEqual([
        { type: 'cancel-no-answer-timer', attemptId: 'a1' },
        { type: 'hang-up-voter', attemptId: 'a1', reason: 'volunteer-leg-lost' },
        { type: 'release-claim', attemptId: 'a1', reason: 'volunteer-leg-lost' },
      ]);
      expect(r.state).toMatchObject({ stage: 'paused', reason: 'volunteer-leg-lost', pendingWrapUp: null });
      expect(notifyOf(r).view.callButton).toEqual({ available: false, reason: 'volunteer-leg-absent' });
    },
  );

  it('while connected: ends the voter leg and keeps the outcome owed', () => {
    const r = transitionDialSession(FIXTURES.connected(), E.legLost, at(10));
    expect(withoutNotify(r.commands)).toEqual([
      { type: 'hang-up-voter', attemptId: 'a1', reason: 'volunteer-leg-lost' },
    ]);
    expect(r.state).toMatchObject({ stage: 'paused', pendingWrapUp: { attemptId: 'a1' } });
    expect(currentAttempt(r.state)?.attemptId).toBe('a1');
  });

  it('in wrap-up: keeps the outcome owed', () => {
    const r = transitionDialSession(FIXTURES['wrap-up'](), E.legLost, at(10));
    expect(withoutNotify(r.commands)).toEqual([]);
    expect(r.state).toMatchObject({ stage: 'paused', pendingWrapUp: { attemptId: 'a1' } });
  });

  it('returns to wrap-up on rejoin when the outcome is still owed, else to idle', () => {
    const owed = FIXTURES['paused(leg-lost, outcome owed)']();
    expect(transitionDialSession(owed, E.legJoined, at(20)).state).toMatchObject({
      stage: 'wrap-up',
      attempt: { attemptId: 'a1' },
    });
    const saved = transitionDialSession(owed, E.outcome(), at(20));
    expect(saved.state).toMatchObject({
      stage: 'paused',
      pendingWrapUp: null,
      stageEnteredAt: owed.stageEnteredAt,
    });
    expect(transitionDialSession(saved.state, E.legJoined, at(30)).state.stage).toBe('idle');
  });

  it('releases a claim that arrives after the leg dropped during claiming', () => {
    const paused = transitionDialSession(FIXTURES.claiming(), E.legLost, at(10)).state;
    const r = transitionDialSession(paused, E.claimed(), at(11));
    expect(r.rejection?.reason).toBe('stale-request');
    expect(r.commands).toEqual([
      { type: 'release-claim', attemptId: 'a1', reason: 'claim-no-longer-wanted' },
    ]);
  });

  it('turns a volunteer pause into a leg-lost pause, keeping when the pause began', () => {
    const paused = FIXTURES['paused(volunteer)']();
    const r = transitionDialSession(paused, E.legLost, at(50));
    expect(r.state).toMatchObject({
      stage: 'paused',
      reason: 'volunteer-leg-lost',
      stageEnteredAt: paused.stageEnteredAt,
    });
    expect(transitionDialSession(r.state, E.resume, at(51)).rejection?.reason).toBe('volunteer-leg-absent');
  });
});

describe('pause and resume', () => {
  it('pauses when idle and resumes to idle', () => {
    const paused = transitionDialSession(FIXTURES.idle(), E.pause, at(10));
    expect(paused.state).toMatchObject({ stage: 'paused', reason: 'volunteer-request', pendingWrapUp: null });
    expect(notifyOf(paused).view).toMatchObject({
      pauseReason: 'volunteer-request',
      callButton: { available: false, reason: 'session-paused' },
    });
    const resumed = transitionDialSession(paused.state, E.resume, at(20));
    expect(resumed.state).toMatchObject({ stage: 'idle', stageEnteredAt: at(20) });
  });
});

describe('the browser losing its socket', () => {
  it('blocks new calls until it is back', () => {
    const away = transitionDialSession(FIXTURES.idle(), E.browserLost, at(10));
    expect(withoutNotify(away.commands)).toEqual([]);
    expect(away.state).toMatchObject({ stage: 'idle', browser: 'disconnected', stageEnteredAt: at(1) });
    expect(transitionDialSession(away.state, E.call('r5'), at(11)).rejection?.reason).toBe(
      'browser-disconnected',
    );
    expect(callAvailability(away.state)).toEqual({ available: false, reason: 'browser-disconnected' });
    expect(transitionDialSession(away.state, E.browserLost, at(12)).rejection?.reason).toBe(
      'browser-already-disconnected',
    );
    const back = transitionDialSession(away.state, E.browserBack, at(20));
    expect(back.state.browser).toBe('connected');
    expect(notifyOf(back).view.callButton).toEqual({ available: true });
    expect(transitionDialSession(back.state, E.call('r5'), at(21)).rejection).toBeNull();
  });

  it('lets the call in progress go on', () => {
    const away = run(FIXTURES.ringing(), [E.browserLost], 10);
    const connected = transitionDialSession(away, E.answered(), at(11));
    expect(types(connected.commands)).toEqual(['cancel-no-answer-timer', 'bridge-voter', 'notify']);
    const wrap = run(connected.state, [E.ended('answered'), E.outcome()], 12);
    expect(wrap).toMatchObject({ stage: 'idle', browser: 'disconnected' });
  });

  it('lets a pending claim become a call (the click came while connected)', () => {
    const away = run(FIXTURES.claiming(), [E.browserLost], 10);
    expect(types(transitionDialSession(away, E.claimed(), at(11)).commands)).toContain('originate');
  });
});

describe('credits running out', () => {
  it.each([
    'awaiting-leg',
    'idle',
    'claiming',
    'voicemail-dropping',
    'paused(volunteer)',
    'paused(leg-lost)',
  ] as const)('ends the session at once when %s', (fixture) => {
    const r = transitionDialSession(FIXTURES[fixture](), E.creditsGone, at(50));
    expect(withoutNotify(r.commands)).toEqual([{ type: 'end-session', reason: 'credits-exhausted' }]);
    expect(r.state).toMatchObject({ stage: 'ended', reason: 'credits-exhausted', credits: 'exhausted' });
  });

  it('lets a connected call finish, then ends after the outcome', () => {
    const r = transitionDialSession(FIXTURES.connected(), E.creditsGone, at(50));
    expect(withoutNotify(r.commands)).toEqual([]);
    expect(notifyOf(r).notice).toEqual({ kind: 'credits-exhausted' });
    expect(notifyOf(r).view.callButton).toEqual({ available: false, reason: 'call-in-progress' });
    const wrap = transitionDialSession(r.state, E.ended('answered'), at(60));
    expect(wrap.state.stage).toBe('wrap-up');
    const end = transitionDialSession(wrap.state, E.outcome(), at(70));
    expect(withoutNotify(end.commands)).toEqual([{ type: 'end-session', reason: 'credits-exhausted' }]);
    expect(end.state).toMatchObject({ stage: 'ended', reason: 'credits-exhausted', stageEnteredAt: at(70) });
  });

  it('lets a ringing call finish: busy is recorded, then the session ends', () => {
    const s = run(FIXTURES.ringing(), [E.creditsGone], 10);
    const r = transitionDialSession(s, E.ended('busy', BUSY_486), at(20));
    expect(types(r.commands)).toEqual([
      'cancel-no-answer-timer',
      'record-automatic-outcome',
      'end-session',
      'notify',
    ]);
    expect(r.state.stage).toBe('ended');
  });

  it('ends on the voicemail click, leaving the drop to play out', () => {
    const s = run(FIXTURES.connected(), [E.creditsGone], 10);
    const r = transitionDialSession(s, E.voicemail(), at(20));
    expect(types(r.commands)).toEqual([
      'move-voter-to-voicemail',
      'record-automatic-outcome',
      'end-session',
      'notify',
    ]);
    expect(r.state).toMatchObject({ stage: 'ended', voicemailDrops: [{ attemptId: 'a1' }] });
    const finished = transitionDialSession(r.state, E.voicemailFinished(), at(40));
    expect(withoutNotify(finished.commands)).toEqual([
      { type: 'hang-up-voter', attemptId: 'a1', reason: 'voicemail-finished' },
    ]);
    expect(finished.state).toMatchObject({ stage: 'ended', voicemailDrops: [], stageEnteredAt: at(20) });
  });

  it('waits for an owed outcome while paused, then ends', () => {
    const s = run(FIXTURES['paused(leg-lost, outcome owed)'](), [E.creditsGone], 10);
    expect(s.stage).toBe('paused');
    const r = transitionDialSession(s, E.outcome(), at(20));
    expect(withoutNotify(r.commands)).toEqual([{ type: 'end-session', reason: 'credits-exhausted' }]);
  });

  it('ends when the leg drops during the last call and nothing is owed', () => {
    const s = run(FIXTURES.dialing(), [E.creditsGone], 10);
    const r = transitionDialSession(s, E.legLost, at(20));
    expect(types(r.commands)).toEqual([
      'cancel-no-answer-timer',
      'hang-up-voter',
      'release-claim',
      'end-session',
      'notify',
    ]);
  });

  it('still returns to an owed wrap-up on rejoin after credits ran out', () => {
    const owed = run(FIXTURES['paused(leg-lost, outcome owed)'](), [E.creditsGone], 10);
    expect(transitionDialSession(owed, E.legJoined, at(20)).state.stage).toBe('wrap-up');
  });

  it('refuses to be told twice, and refuses calls meanwhile', () => {
    const s = run(FIXTURES.connected(), [E.creditsGone], 10);
    expect(transitionDialSession(s, E.creditsGone, at(11)).rejection?.reason).toBe(
      'credits-already-exhausted',
    );
  });

  it('releases a claim that arrives after the session ended', () => {
    const ended = transitionDialSession(FIXTURES.claiming(), E.creditsGone, at(10)).state;
    const r = transitionDialSession(ended, E.claimed(), at(11));
    expect(r.rejection?.reason).toBe('session-ended');
    expect(r.commands).toEqual([
      { type: 'release-claim', attemptId: 'a1', reason: 'claim-no-longer-wanted' },
    ]);
  });
});

describe('ending the session', () => {
  it.each([
    ['awaiting-leg', []],
    ['idle', []],
    ['claiming', []],
    [
      'dialing',
      [
        { type: 'cancel-no-answer-timer', attemptId: 'a1' },
        { type: 'hang-up-voter', attemptId: 'a1', reason: 'session-ended' },
        { type: 'release-claim', attemptId: 'a1', reason: 'session-ended' },
      ],
    ],
    [
      'ringing',
      [
        { type: 'cancel-no-answer-timer', attemptId: 'a1' },
        { type: 'hang-up-voter', attemptId: 'a1', reason: 'session-ended' },
        { type: 'release-claim', attemptId: 'a1', reason: 'session-ended' },
      ],
    ],
    [
      'connected',
      [
        { type: 'hang-up-voter', attemptId: 'a1', reason: 'session-ended' },
        { type: 'release-claim', attemptId: 'a1', reason: 'session-ended' },
      ],
    ],
    ['voicemail-dropping', []],
    ['wrap-up', [{ type: 'release-claim', attemptId: 'a1', reason: 'session-ended' }]],
    ['paused(volunteer)', []],
    ['paused(leg-lost)', []],
    ['paused(leg-lost, outcome owed)', [{ type: 'release-claim', attemptId: 'a1', reason: 'session-ended' }]],
  ] as const)('from %s', (fixture, cleanup) => {
    const r = transitionDialSession(FIXTURES[fixture](), E.end, at(50));
    expect(withoutNotify(r.commands)).toEqual([
      ...cleanup,
      { type: 'end-session', reason: 'volunteer-request' },
    ]);
    expect(r.state).toMatchObject({ stage: 'ended', reason: 'volunteer-request', stageEnteredAt: at(50) });
    expect(notifyOf(r).view).toMatchObject({ endReason: 'volunteer-request', call: null });
  });

  it('hangs up a voter answering after the end', () => {
    const r = transitionDialSession(FIXTURES.ended(), E.answered('a5'), at(50));
    expect(r.rejection?.reason).toBe('session-ended');
    expect(r.commands).toEqual([{ type: 'hang-up-voter', attemptId: 'a5', reason: 'stale-attempt' }]);
  });

  it('refuses every other event once ended, whatever it carries', () => {
    const ended = FIXTURES.ended();
    for (const event of [E.ended('busy', BUSY_486, 'a5'), E.voicemailFinished('a5'), E.call('r9')]) {
      const r = transitionDialSession(ended, event, at(60));
      expect(r).toEqual({
        state: ended,
        commands: [],
        rejection: { reason: 'session-ended', event: event.type, stage: 'ended' },
      });
    }
  });
});

describe('the view pushed to the screen', () => {
  it('is JSON-safe and describes the call', () => {
    const view = toDialSessionView(FIXTURES.connected());
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
    expect(view).toEqual({
      sessionId: 's1',
      stage: 'connected',
      stageEnteredAt: at(5).toISOString(),
      call: { attemptId: 'a1', phone: '+13125550188', lineType: 'landline' },
      pauseReason: null,
      endReason: null,
      browser: 'connected',
      credits: 'available',
      callButton: { available: false, reason: 'call-in-progress' },
      voicemailButton: { available: true },
      voicemailDropsPlaying: 0,
    });
  });

  it.each([
    ['awaiting-leg', 'volunteer-leg-absent'],
    ['claiming', 'call-in-progress'],
    ['wrap-up', 'outcome-required'],
    ['paused(volunteer)', 'session-paused'],
    ['paused(leg-lost)', 'volunteer-leg-absent'],
    ['ended', 'session-ended'],
  ] as const)('says why "Call" is unavailable in %s', (fixture, reason) => {
    expect(callAvailability(FIXTURES[fixture]())).toEqual({ available: false, reason });
  });

  it('offers the voicemail button only while connected', () => {
    for (const name of FIXTURE_NAMES) {
      const view = toDialSessionView(FIXTURES[name]());
      if (name === 'connected') expect(view.voicemailButton).not.toBeNull();
      else expect(view.voicemailButton).toBeNull();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Random walks: invariants that must hold whatever the order of events.
// ---------------------------------------------------------------------------------------------

/** Small deterministic PRNG (mulberry32) so failures reproduce from the seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('random walks', () => {
  const SEEDS = Array.from({ length: 150 }, (_, i) => i + 1);

  it.each(SEEDS)('seed %i: one call per click, no phone left claimed, never two voters bridged', (seed) => {
    const rand = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
    let state = createDialSession({ ...CONFIG, allowVoicemailToCells: rand() < 0.5 }, at(0));
    let clock = 0;
    let nextId = 0;
    const pendingClaims: string[] = []; // claim-phone commands the "queue" has not answered
    const attemptsSeen: string[] = [];
    const concluded = new Map<string, number>(); // attempt → how many times concluded
    const conclude = (attemptId: string): void =>
      void concluded.set(attemptId, (concluded.get(attemptId) ?? 0) + 1);
    let bridged: string | null = null;
    let originates = 0;
    let acceptedClaims = 0;
    const acceptedRequests = new Set<string>();

    const randomEvent = (): DialSessionEvent => {
      const current = currentAttempt(state)?.attemptId ?? pick(attemptsSeen.length ? attemptsSeen : ['none']);
      const attemptId = rand() < 0.8 ? current : pick(attemptsSeen.length ? attemptsSeen : ['none']);
      const kind = pick([
        'leg-joined', 'leg-lost', 'call', 'call', 'call', 'call-repeat', 'queue-answer', 'queue-answer', 'queue-answer',
        'voter-ringing', 'voter-answered', 'voter-answered', 'voter-ended', 'voter-ended', 'timer', 'voicemail',
        'voicemail-finished', 'outcome', 'outcome', 'hangup', 'pause', 'resume', 'browser-lost', 'browser-back',
        'credits',
      ] as const); // prettier-ignore
      switch (kind) {
        case 'leg-joined':
          return E.legJoined;
        case 'leg-lost':
          return E.legLost;
        case 'call':
          return E.call(`r${nextId++}`);
        case 'call-repeat':
          return E.call(pick([...acceptedRequests, 'r-none']));
        case 'queue-answer': {
          if (pendingClaims.length === 0) return E.ringing(attemptId);
          const requestId = pendingClaims.splice(Math.floor(rand() * pendingClaims.length), 1)[0] as string;
          if (rand() < 0.15) return E.queueEmpty(requestId);
          const fresh = `a${nextId++}`;
          attemptsSeen.push(fresh);
          return E.claimed(fresh, requestId, pick(['cell', 'landline', 'voip', 'unknown'] as const));
        }
        case 'voter-ringing':
          return E.ringing(attemptId);
        case 'voter-answered':
          return E.answered(attemptId);
        case 'voter-ended':
          return E.ended(
            pick(['answered', 'busy', 'no-answer', 'failed', 'abandoned'] as const),
            NORMAL,
            attemptId,
          );
        case 'timer':
          return E.timer(attemptId);
        case 'voicemail':
          return E.voicemail(attemptId);
        case 'voicemail-finished':
          return E.voicemailFinished(attemptId);
        case 'outcome':
          return E.outcome(attemptId);
        case 'hangup':
          return E.hangup(attemptId);
        case 'pause':
          return E.pause;
        case 'resume':
          return E.resume;
        case 'browser-lost':
          return E.browserLost;
        case 'browser-back':
          return E.browserBack;
        case 'credits':
          return rand() < 0.05 ? E.creditsGone : E.legJoined;
      }
    };

    const trace: string[] = [];
    const check = (ok: boolean, what: string): void => {
      if (!ok) throw new Error(`seed ${seed}: ${what}\n${trace.slice(-12).join('\n')}`);
    };
    const apply = (event: DialSessionEvent): void => {
      trace.push(`${state.stage} <- ${JSON.stringify(event)}`);
      const before = state;
      const result = transitionDialSession(before, event, at(++clock));
      if (result.rejection) {
        check(
          result.state === before && result.rejection.stage === before.stage,
          'rejection changed the state',
        );
      } else if (event.type === 'call-requested') {
        check(
          before.browser === 'connected' && before.credits === 'available',
          'call accepted while blocked',
        );
        check(!acceptedRequests.has(event.requestId), 'a request id was accepted twice');
        acceptedRequests.add(event.requestId);
      }
      if (!result.rejection && event.type === 'phone-claimed') acceptedClaims++;
      if (!result.rejection && event.type === 'outcome-recorded') conclude(event.attemptId);
      for (const command of result.commands) {
        switch (command.type) {
          case 'claim-phone':
            pendingClaims.push(command.requestId);
            break;
          case 'originate':
            originates++;
            check(command.channelId === command.attemptId, 'channel id is not the attempt id');
            break;
          case 'bridge-voter':
            check(
              before.stage === 'dialing' || before.stage === 'ringing',
              'bridged outside dialing/ringing',
            );
            check(event.type === 'voter-answered', 'bridged without an answer');
            check(bridged === null, 'two voters bridged');
            bridged = command.attemptId;
            break;
          case 'hang-up-voter':
          case 'move-voter-to-voicemail':
            if (bridged === command.attemptId) bridged = null;
            break;
          case 'release-claim':
          case 'record-automatic-outcome':
            conclude(command.attemptId);
            break;
          default:
            break;
        }
      }
      if (event.type === 'voter-ended' && bridged === event.attemptId && !result.rejection) bridged = null;
      // a notify is the last command of every accepted change, and only then
      const notifies = result.commands.filter((c) => c.type === 'notify').length;
      check(notifies === (result.rejection || result.state === before ? 0 : 1), 'notify count');
      check(
        notifies === 0 || result.commands[result.commands.length - 1]?.type === 'notify',
        'notify not last',
      );
      state = result.state;
    };

    for (let step = 0; step < 200; step++) apply(randomEvent());
    // The queue answers what it still owes, then the volunteer leaves.
    while (pendingClaims.length > 0) {
      const requestId = pendingClaims.shift() as string;
      const fresh = `a${nextId++}`;
      attemptsSeen.push(fresh);
      apply(E.claimed(fresh, requestId));
    }
    apply(E.end);
    if (state.stage !== 'ended') throw new Error('session did not end');

    expect(originates).toBe(acceptedClaims);
    expect(originates).toBeLessThanOrEqual(acceptedRequests.size);
    for (const attemptId of attemptsSeen)
      expect([attemptId, concluded.get(attemptId)]).toEqual([attemptId, 1]);
  });
});
