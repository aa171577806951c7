/**
 * The call screen's client-side state: one immutable value, changed only by typed events.
 * Events come from three places: the HTTP answers (session started, phone claimed), the
 * Socket.IO pushes (snapshot, call state, volunteer leg) and the volunteer's own clicks.
 * Pure TypeScript (no Angular), so it is tested without a browser.
 */
import type {
  CallSessionInfo,
  CallState,
  ClaimedPhone,
  ClaimedVoter,
  Outcome,
  SessionSnapshotEvent,
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
}

export type CallScreenEvent =
  | { type: 'session-started'; session: CallSessionInfo }
  | { type: 'snapshot'; snapshot: SessionSnapshotEvent }
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
};

export function reduceCallScreen(state: CallScreenState, event: CallScreenEvent): CallScreenState {
  switch (event.type) {
    case 'session-started':
      return { ...initialCallScreenState, session: event.session, connection: state.connection };

    case 'snapshot': {
      const { snapshot } = event;
      const samePhone = !!snapshot.phone && snapshot.phone.phone.id === state.phone?.phone.id;
      // Same phone as before the reconnect: keep the volunteer's unsent work (flags, answers).
      const base = samePhone ? state : withClaimedPhone(state, snapshot.phone);
      const phone =
        samePhone && state.phone && snapshot.phone
          ? { ...state.phone, attemptId: snapshot.phone.attemptId ?? state.phone.attemptId }
          : base.phone;
      return {
        ...base,
        session: snapshot.session,
        phone,
        queueEmpty: false,
        callState: snapshot.callState,
        callStateAt: snapshot.callStateAt,
        volunteerLegConnected: snapshot.volunteerLegConnected,
        muted: snapshot.muted,
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
      return { ...withClaimedPhone(state, event.phone), callState: 'idle', callStateAt: null };

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
  if (
    state.session.mode !== 'standard' &&
    ['dialing', 'ringing', 'voicemail-playing'].includes(state.callState)
  ) {
    return 'Wait until the call is answered or ends.';
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
