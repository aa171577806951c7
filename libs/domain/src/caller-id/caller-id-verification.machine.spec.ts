import {
  codesMatch,
  describeCallerIdVerification,
  newVerificationCode,
  startCallerIdVerification,
  transitionCallerIdVerification,
  VERIFICATION_PROMPTS,
  type CallerIdVerificationEvent,
  type CallerIdVerificationState,
} from './caller-id-verification.machine';

const T0 = Date.parse('2026-03-02T15:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const start = () => startCallerIdVerification({ callerId: '+12025550143', code: '482913' }, at(0));

function feed(state: CallerIdVerificationState, events: CallerIdVerificationEvent[]) {
  let s = state;
  const commands = [];
  for (const [i, e] of events.entries()) {
    const t = transitionCallerIdVerification(s, e, at(i + 1));
    s = t.state;
    commands.push(...t.commands);
  }
  return { state: s, commands };
}
const digits = (text: string): CallerIdVerificationEvent[] =>
  [...text].map((digit) => ({ type: 'digit', digit }));

describe('caller-ID verification codes', () => {
  it('are six digits from the random source, leading zeros kept', () => {
    const values = [0, 0, 7, 3, 9, 1];
    expect(newVerificationCode(() => values.shift()!)).toBe('007391');
  });

  it('refuse a random source that leaves 0..9', () => {
    expect(() => newVerificationCode(() => 10)).toThrow(/0\.\.9/);
  });

  it('match only when every digit matches', () => {
    expect(codesMatch('482913', '482913')).toBe(true);
    expect(codesMatch('482910', '482913')).toBe(false);
    expect(codesMatch('48291', '482913')).toBe(false);
  });
});

describe('the caller-ID verification call', () => {
  it('prompts for the code when answered, and verifies the number when it is typed', () => {
    const answered = feed(start(), [{ type: 'ringing' }, { type: 'answered' }]);
    expect(answered.state.stage).toBe('awaiting-code');
    expect(answered.commands).toContainEqual({
      type: 'play',
      media: VERIFICATION_PROMPTS.enterCode,
      thenHangUp: false,
    });
    const done = feed(answered.state, digits('482913'));
    expect(done.state.stage).toBe('verified');
    expect(done.state.code).toBe(''); // forgotten once used
    expect(done.commands).toEqual(
      expect.arrayContaining([
        { type: 'stop-prompt' },
        { type: 'mark-verified', callerId: '+12025550143' },
        { type: 'play', media: VERIFICATION_PROMPTS.verified, thenHangUp: true },
      ]),
    );
  });

  it('accepts # to submit and * to start the code over', () => {
    const s = feed(start(), [{ type: 'answered' }, ...digits('12*'), ...digits('482913')]).state;
    expect(s.stage).toBe('verified');
  });

  it('asks again after a wrong code, and fails after the last try without verifying', () => {
    const once = feed(start(), [{ type: 'answered' }, ...digits('111111')]);
    expect(once.state.stage).toBe('awaiting-code');
    expect(once.state.wrongTries).toBe(1);
    expect(once.commands).toContainEqual({
      type: 'play',
      media: VERIFICATION_PROMPTS.wrongCode,
      thenHangUp: false,
    });
    expect(describeCallerIdVerification(once.state)).toBe('Wrong code: 2 tries left.');
    const out = feed(once.state, [...digits('222222'), ...digits('12#')]);
    expect(out.state.stage).toBe('failed');
    expect(out.state.failure).toBe('wrong-code');
    expect(out.commands.some((c) => c.type === 'mark-verified')).toBe(false);
    expect(out.commands).toContainEqual({
      type: 'play',
      media: VERIFICATION_PROMPTS.failed,
      thenHangUp: true,
    });
  });

  it('ignores digits before the answer and after the end', () => {
    const early = transitionCallerIdVerification(start(), { type: 'digit', digit: '4' }, at(1));
    expect(early.ignored).toBe(true);
    const verified = feed(start(), [{ type: 'answered' }, ...digits('482913')]).state;
    expect(transitionCallerIdVerification(verified, { type: 'digit', digit: '1' }, at(9)).ignored).toBe(true);
  });

  it.each([
    [17, 'busy'],
    [19, 'no-answer'],
    [1, 'unreachable'],
    [34, 'unreachable'],
  ])('an unanswered call ending with Q.850 %i fails as %s', (q850, failure) => {
    const s = feed(start(), [{ type: 'call-ended', cause: { q850, text: '' } }]).state;
    expect(s.stage).toBe('failed');
    expect(s.failure).toBe(failure);
    expect(s.callEnded).toBe(true);
  });

  it('gives up ringing at the engine’s own limit and hangs up', () => {
    const t = feed(start(), [{ type: 'ringing' }, { type: 'ring-timeout' }]);
    expect(t.state.failure).toBe('no-answer');
    expect(t.commands).toContainEqual({ type: 'hang-up' });
  });

  it('fails as hung-up when the person hangs up before the right code', () => {
    const s = feed(start(), [
      { type: 'answered' },
      ...digits('48'),
      { type: 'call-ended', cause: { q850: 16, text: '' } },
    ]).state;
    expect(s.failure).toBe('hung-up');
  });

  it('fails when no code is typed in time', () => {
    const t = feed(start(), [{ type: 'answered' }, { type: 'code-timeout' }]);
    expect(t.state.failure).toBe('no-code');
    expect(t.commands).toContainEqual({ type: 'play', media: VERIFICATION_PROMPTS.failed, thenHangUp: true });
  });

  it('stays verified when the call ends after success', () => {
    const verified = feed(start(), [{ type: 'answered' }, ...digits('482913')]).state;
    const s = feed(verified, [{ type: 'call-ended', cause: { q850: 16, text: '' } }]).state;
    expect(s.stage).toBe('verified');
    expect(s.callEnded).toBe(true);
  });

  it('can be cancelled while running, not after', () => {
    const t = feed(start(), [{ type: 'ringing' }, { type: 'cancel' }]);
    expect(t.state.failure).toBe('cancelled');
    expect(t.commands).toContainEqual({ type: 'hang-up' });
    expect(transitionCallerIdVerification(t.state, { type: 'cancel' }, at(5)).ignored).toBe(true);
  });
});
