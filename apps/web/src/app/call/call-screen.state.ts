/**
 * The call screen's client-side state: one immutable value, changed only by typed events.
 * Events come from three places: the HTTP answers (session started, phone claimed), the
 * Socket.IO pushes (snapshot, call state, volunteer leg) and the volunteer's own clicks.
 * Pure TypeScript (no Angular), so it is tested without a browser.
 */
import type {
  CallSessionInfo,
  CallSessionNotice,
  CallState,
  ClaimedPhone,
  ClaimedVoter,
  Outcome,
  PowerView,
  SurveyAnswer,
} from '../api/api.types';

export type ConnectionStatus = 'offline' | 'connecting' | 'connected' | 'reconnecting';

export type AnswerValue = string | string[];

export interface CallScreenState {
  session: CallSessionInfo | null;
  /** The Socket.IO link that pushes call states. */
  connection: ConnectionStatus;
  /** Power dialing by phone: the volunteer's own leg has dialled in and joined. */
  volunteerLegConnected: boolean;
  /** The phone being worked on; its voters are kept targeted-first. */
  phone: ClaimedPhone | null;
  /** The last request for a phone found the queue empty. */
  queueEmpty: boolean;
  callState: CallState;
  callStateAt: string | null;
  selectedVoterId: string | null;
  /** voterId -> questionId -> answer, for the current phone only. */
  answers: Readonly<Record<string, Readonly<Record<string, AnswerValue>>>>;
  muted: boolean;
  /** Power dialing: the dial session's last pushed view. */
  view: PowerView | null;
}

export type CallScreenEvent =
  | { type: 'session-started'; session: CallSessionInfo }
  | { type: 'power-view'; view: PowerView; notice: CallSessionNotice | null }
  | { type: 'connection-changed'; connection: ConnectionStatus }
  | { type: 'volunteer-leg'; connected: boolean }
  | { type: 'phone-claimed'; phone: ClaimedPhone }
  | { type: 'queue-empty' }
  | { type: 'call-state'; attemptId?: string; state: CallState; at: string }
  | { type: 'voter-selected'; voterId: string }
  | { type: 'wrong-number-toggled'; voterId: string }
  | { type: 'survey-answered'; voterId: string; questionId: string; value: AnswerValue }
  | { type: 'note-added'; voterId: string; note: string }
  | { type: 'mute-changed'; muted: boolean }
  | { type: 'outcome-recorded' }
  | { type: 'session-ended' };

export const initialCallScreenState: CallScreenState = {
  session: null,
  connection: 'offline',
  volunteerLegConnected: false,
  phone: null,
  queueEmpty: false,
  callState: 'idle',
  callStateAt: null,
  selectedVoterId: null,
  answers: {},
  muted: false,
  view: null,
};

export function reduceCallScreen(state: CallScreenState, event: CallScreenEvent): CallScreenState {
  switch (event.type) {
    case 'session-started':
      return { ...initialCallScreenState, session: event.session, connection: state.connection };

    case 'power-view': {
      const { view, notice } = event;
      // A push older than what the screen shows (delivered late, or a snapshot) must not win.
      if (state.view && Date.parse(view.stageEnteredAt) < Date.parse(state.view.stageEnteredAt)) return state;
      const callState = callStateOf(view, notice, state.callState);
      return {
        ...state,
        view,
        volunteerLegConnected: legConnected(view),
        callState,
        callStateAt: view.stageEnteredAt,
      };
    }

    case 'connection-changed':
      return { ...state, connection: event.connection };

    case 'volunteer-leg':
      return {
        ...state,
        volunteerLegConnected: event.connected,
        muted: event.connected ? state.muted : false,
      };

    case 'phone-claimed':
      // Power dialing: the engine claimed it and its call state is already being pushed.
      return state.view
        ? withClaimedPhone(state, event.phone)
        : { ...withClaimedPhone(state, event.phone), callState: 'idle', callStateAt: null };

    case 'queue-empty':
      return { ...withClaimedPhone(state, null), queueEmpty: true, callState: 'idle', callStateAt: null };

    case 'call-state': {
      const attemptId = state.phone?.attemptId;
      // A push about an earlier attempt (or an older push delivered late) must not win.
      if (event.attemptId && attemptId && event.attemptId !== attemptId) return state;
      if (state.callStateAt && Date.parse(event.at) < Date.parse(state.callStateAt)) return state;
      const phone =
        state.phone && event.attemptId && !attemptId
          ? { ...state.phone, attemptId: event.attemptId }
          : state.phone;
      return { ...state, phone, callState: event.state, callStateAt: event.at };
    }

    case 'voter-selected':
      return findVoter(state.phone, event.voterId) ? { ...state, selectedVoterId: event.voterId } : state;

    case 'wrong-number-toggled':
      return updateVoter(state, event.voterId, (voter) => ({ ...voter, wrongNumber: !voter.wrongNumber }));

    case 'survey-answered': {
      if (!findVoter(state.phone, event.voterId)) return state;
      const forVoter = { ...(state.answers[event.voterId] ?? {}), [event.questionId]: event.value };
      return { ...state, answers: { ...state.answers, [event.voterId]: forVoter } };
    }

    case 'note-added':
      return updateVoter(state, event.voterId, (voter) => ({
        ...voter,
        notes: [...voter.notes, event.note],
      }));

    case 'mute-changed':
      return { ...state, muted: event.muted };

    case 'outcome-recorded':
      return { ...withClaimedPhone(state, null), callState: 'idle', callStateAt: null };

    case 'session-ended':
      return { ...initialCallScreenState };
  }
}

// ---- power dialing ------------------------------------------------------------------------

/** The volunteer's phone is in their bridge (dialled in with the PIN and not dropped). */
export function legConnected(view: PowerView): boolean {
  if (view.stage === 'awaiting-leg' || view.stage === 'ended') return false;
  return !(view.stage === 'paused' && view.pauseReason === 'volunteer-leg-lost');
}

/** The call status shown for a dial session's stage (and the notice that came with it). */
export function callStateOf(
  view: PowerView,
  notice: CallSessionNotice | null,
  previous: CallState,
): CallState {
  if (notice?.kind === 'call-ended') {
    return notice.outcome === 'no_answer'
      ? 'no-answer'
      : notice.outcome === 'voicemail'
        ? 'voicemail-playing'
        : notice.outcome;
  }
  switch (view.stage) {
    case 'claiming':
    case 'dialing':
      return 'dialing';
    case 'ringing':
      return 'ringing';
    case 'connected':
      return 'answered';
    case 'voicemail-dropping':
      return 'voicemail-playing';
    case 'wrap-up':
      return 'wrap-up';
    case 'idle':
      // After an automatic outcome the engine is idle again: keep showing how the call ended.
      return ['busy', 'no-answer', 'failed', 'voicemail-playing'].includes(previous) ? previous : 'idle';
    default:
      return 'idle';
  }
}

// ---- selectors ------------------------------------------------------------------------------

/** Targeted voters first, then the rest of the household; the order within each group is kept. */
export function orderVoters(voters: readonly ClaimedVoter[]): ClaimedVoter[] {
  return [...voters.filter((v) => v.targeted), ...voters.filter((v) => !v.targeted)];
}

export function selectedVoter(state: CallScreenState): ClaimedVoter | null {
  return findVoter(state.phone, state.selectedVoterId) ?? null;
}

export function flaggedVoterIds(state: CallScreenState): string[] {
  return (state.phone?.voters ?? []).filter((v) => v.wrongNumber).map((v) => v.id);
}

/** Call states after which the line is down and only an outcome remains to record. */
export const ENDED_CALL_STATES: readonly CallState[] = ['busy', 'no-answer', 'failed', 'wrap-up'];
/** Call states during which a power-dialed call is still in progress. */
export const LIVE_CALL_STATES: readonly CallState[] = ['dialing', 'ringing', 'answered', 'voicemail-playing'];

export interface OutcomeDefinition {
  outcome: Outcome;
  label: string;
  /** A single key, pressed without modifiers, outside text fields. */
  shortcut: string;
  hint: string;
}

export const OUTCOMES: readonly OutcomeDefinition[] = [
  {
    outcome: 'successful',
    label: 'Successful',
    shortcut: 'S',
    hint: 'Talked to the voter; never called again.',
  },
  { outcome: 'voicemail', label: 'Voicemail', shortcut: 'V', hint: 'A message was left; not called again.' },
  { outcome: 'refused', label: 'Refused', shortcut: 'R', hint: 'Refused to take part; not called again.' },
  { outcome: 'busy', label: 'Busy', shortcut: 'B', hint: 'Busy signal; tried again later.' },
  { outcome: 'no-answer', label: 'No answer', shortcut: 'N', hint: 'Nobody answered; tried again later.' },
  {
    outcome: 'failed',
    label: 'Failed / bad number',
    shortcut: 'F',
    hint: 'Could not connect; tried again later.',
  },
  {
    outcome: 'wrong-number',
    label: 'Wrong number',
    shortcut: 'W',
    hint: 'Flag each voter who cannot be reached here first.',
  },
  { outcome: 'do-not-call', label: 'Do not call', shortcut: 'D', hint: 'Never call this number again.' },
];

/** Whether an outcome may be recorded now, and if not, why (shown to the volunteer). */
export function outcomeBlocker(state: CallScreenState, outcome: Outcome): string | null {
  if (!state.session) return 'Start a session first.';
  if (!state.phone) return 'There is no number to record an outcome for.';
  if (outcome === 'wrong-number' && flaggedVoterIds(state).length === 0) {
    return 'Flag each voter who cannot be reached at this number first.';
  }
  if (state.session.mode !== 'standard') {
    const stage = state.view?.stage;
    if (stage === 'dialing' || stage === 'ringing' || stage === 'claiming') {
      return 'Wait until the call is answered or ends.';
    }
    if (stage !== 'connected' && stage !== 'wrap-up') {
      return 'The system recorded this call’s result itself; press Call for the next number.';
    }
  }
  return null;
}

/** The survey answers for the current phone, flattened for RecordOutcomeRequest. */
export function surveyAnswers(state: CallScreenState): SurveyAnswer[] {
  const voterIds = new Set((state.phone?.voters ?? []).map((v) => v.id));
  const answers: SurveyAnswer[] = [];
  for (const [voterId, byQuestion] of Object.entries(state.answers)) {
    if (!voterIds.has(voterId)) continue;
    for (const [questionId, value] of Object.entries(byQuestion)) {
      const empty = Array.isArray(value) ? value.length === 0 : value.trim() === '';
      if (!empty) answers.push({ voterId, questionId, value });
    }
  }
  return answers;
}

/** The script with the selected voter's (and volunteer's) names filled in; plain text, never HTML. */
export function renderScript(script: string, voter: ClaimedVoter | null, volunteerName: string): string {
  const values: Record<string, string> = {
    firstName: voter?.firstName ?? 'there',
    lastName: voter?.lastName ?? '',
    volunteerName,
  };
  return script.replace(
    /\{(firstName|lastName|volunteerName)\}/g,
    (_match, key: string) => values[key] ?? '',
  );
}

// ---- helpers --------------------------------------------------------------------------------

function orderPhone(phone: ClaimedPhone): ClaimedPhone {
  return { ...phone, voters: orderVoters(phone.voters) };
}

function withClaimedPhone(state: CallScreenState, claimed: ClaimedPhone | null): CallScreenState {
  const phone = claimed ? orderPhone(claimed) : null;
  return { ...state, phone, queueEmpty: false, selectedVoterId: phone?.voters[0]?.id ?? null, answers: {} };
}

function findVoter(phone: ClaimedPhone | null, voterId: string | null): ClaimedVoter | undefined {
  return voterId ? phone?.voters.find((v) => v.id === voterId) : undefined;
}

function updateVoter(
  state: CallScreenState,
  voterId: string,
  change: (voter: ClaimedVoter) => ClaimedVoter,
): CallScreenState {
  if (!state.phone || !findVoter(state.phone, voterId)) return state;
  const voters = state.phone.voters.map((v) => (v.id === voterId ? change(v) : v));
  return { ...state, phone: { ...state.phone, voters } };
}
