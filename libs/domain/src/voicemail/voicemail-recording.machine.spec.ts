import {
  MAX_VOICEMAIL_TAKES,
  VOICEMAIL_PROMPTS,
  describeVoicemailRecording,
  startVoicemailRecording,
  transitionVoicemailRecording,
  voicemailTakeName,
  type VoicemailRecordingCommand,
  type VoicemailRecordingEvent,
  type VoicemailRecordingState,
} from './voicemail-recording.machine';

const T0 = Date.parse('2026-03-02T15:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const CALL = '6f1c2a9e-0b7d-4a51-9e1b-2f0c8d7e6a54';
const take = (n: number) => voicemailTakeName(CALL, n);

function feed(state: VoicemailRecordingState, events: VoicemailRecordingEvent[]) {
  let s = state;
  const commands: VoicemailRecordingCommand[] = [];
  for (const [i, e] of events.entries()) {
    const t = transitionVoicemailRecording(s, e, at(i + 1));
    s = t.state;
    commands.push(...t.commands);
  }
  return { state: s, commands };
}

const NORMAL = { q850: 16, text: 'Normal Clearing' };
/** Answered, prompt played, take 1 recorded for 4 s and played back. */
const reviewing = () =>
  feed(startVoicemailRecording(CALL, at(0)), [
    { type: 'ringing' },
    { type: 'answered' },
    { type: 'prompt-finished' },
    { type: 'recording-finished', name: take(1), durationMs: 4000 },
  ]);

describe('call me to record', () => {
  it('names takes safely for any PBX', () => {
    expect(take(2)).toBe(`vmrec-${CALL}-2`);
    expect(voicemailTakeName('a/b..c', 1)).toBe('vmrec-abc-1');
  });

  it('says "record after the tone", records, then plays the take back with the keep-or-redo menu', () => {
    const { state, commands } = reviewing();
    expect(state.stage).toBe('reviewing');
    expect(commands).toEqual([
      { type: 'play', media: VOICEMAIL_PROMPTS.recordAfterTone, thenHangUp: false },
      { type: 'record', name: take(1), maxSeconds: 120, maxSilenceSeconds: 5 },
      {
        type: 'play',
        media: [`recording:${take(1)}`, ...VOICEMAIL_PROMPTS.keepOrRedo],
        thenHangUp: false,
      },
    ]);
  });

  it('stops recording on #', () => {
    const recording = feed(startVoicemailRecording(CALL, at(0)), [
      { type: 'answered' },
      { type: 'prompt-finished' },
    ]).state;
    const t = transitionVoicemailRecording(recording, { type: 'digit', digit: '#' }, at(9));
    expect(t.commands).toEqual([{ type: 'stop-recording', name: take(1) }]);
  });

  it('1 keeps the take: saved, then a goodbye and hang-up', () => {
    const kept = feed(reviewing().state, [{ type: 'digit', digit: '1' }]);
    expect(kept.state.stage).toBe('saving');
    expect(kept.commands).toContainEqual({ type: 'keep-recording', name: take(1) });
    const done = feed(kept.state, [{ type: 'saved' }]);
    expect(done.state.stage).toBe('kept');
    expect(done.commands).toEqual([{ type: 'play', media: VOICEMAIL_PROMPTS.saved, thenHangUp: true }]);
    expect(describeVoicemailRecording(done.state)).toMatch(/Saved/);
  });

  it('2 discards the take and records a new one', () => {
    const redo = feed(reviewing().state, [{ type: 'digit', digit: '2' }]);
    expect(redo.state.stage).toBe('prompting');
    expect(redo.state.take).toBe(2);
    expect(redo.commands).toContainEqual({ type: 'discard-recording', name: take(1) });
    const again = feed(redo.state, [{ type: 'prompt-finished' }]);
    expect(again.commands).toContainEqual({
      type: 'record',
      name: take(2),
      maxSeconds: 120,
      maxSilenceSeconds: 5,
    });
  });

  it('records again when a take is too short', () => {
    const t = feed(startVoicemailRecording(CALL, at(0)), [
      { type: 'answered' },
      { type: 'prompt-finished' },
      { type: 'recording-finished', name: take(1), durationMs: 300 },
    ]);
    expect(t.state.stage).toBe('prompting');
    expect(t.state.take).toBe(2);
  });

  it(`gives up after ${MAX_VOICEMAIL_TAKES} takes`, () => {
    let s = reviewing().state;
    for (let n = 1; n < MAX_VOICEMAIL_TAKES; n++) {
      s = feed(s, [
        { type: 'digit', digit: '2' },
        { type: 'prompt-finished' },
        { type: 'recording-finished', name: take(n + 1), durationMs: 3000 },
      ]).state;
    }
    const out = feed(s, [{ type: 'digit', digit: '2' }]);
    expect(out.state.failure).toBe('too-many-takes');
    expect(out.commands).toContainEqual({ type: 'discard-recording', name: take(MAX_VOICEMAIL_TAKES) });
  });

  it('replays the menu once when nothing is pressed, then gives up without saving', () => {
    const menu = feed(reviewing().state, [{ type: 'prompt-finished' }, { type: 'choice-timeout' }]);
    expect(menu.commands).toContainEqual({
      type: 'play',
      media: VOICEMAIL_PROMPTS.keepOrRedo,
      thenHangUp: false,
    });
    const out = feed(menu.state, [{ type: 'prompt-finished' }, { type: 'choice-timeout' }]);
    expect(out.state.failure).toBe('no-choice');
    expect(out.commands).toContainEqual({ type: 'discard-recording', name: take(1) });
  });

  it('a hang-up before pressing 1 keeps nothing', () => {
    const out = feed(reviewing().state, [{ type: 'call-ended', cause: NORMAL }]);
    expect(out.state.failure).toBe('hung-up');
    expect(out.commands).toContainEqual({ type: 'discard-recording', name: take(1) });
    expect(out.commands.some((c) => c.type === 'keep-recording')).toBe(false);
  });

  it('a hang-up while saving does not stop the save', () => {
    const saving = feed(reviewing().state, [{ type: 'digit', digit: '1' }]).state;
    const after = feed(saving, [{ type: 'call-ended', cause: NORMAL }, { type: 'saved' }]);
    expect(after.state.stage).toBe('kept');
    expect(after.commands).toEqual([]);
  });

  it('a take that finishes after the call failed is discarded', () => {
    const recording = feed(startVoicemailRecording(CALL, at(0)), [
      { type: 'answered' },
      { type: 'prompt-finished' },
    ]).state;
    const hungUp = feed(recording, [{ type: 'call-ended', cause: NORMAL }]);
    expect(hungUp.commands).toEqual(
      expect.arrayContaining([
        { type: 'stop-recording', name: take(1) },
        { type: 'discard-recording', name: take(1) },
      ]),
    );
    const late = feed(hungUp.state, [{ type: 'recording-finished', name: take(1), durationMs: 2000 }]);
    expect(late.commands).toEqual([{ type: 'discard-recording', name: take(1) }]);
  });

  it('busy and unanswered calls fail with their reason', () => {
    expect(
      feed(startVoicemailRecording(CALL, at(0)), [{ type: 'call-ended', cause: { q850: 17, text: '' } }])
        .state.failure,
    ).toBe('busy');
    expect(feed(startVoicemailRecording(CALL, at(0)), [{ type: 'ring-timeout' }]).state.failure).toBe(
      'no-answer',
    );
  });
});
