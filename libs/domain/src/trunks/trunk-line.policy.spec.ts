import { decideLine, describeLineRefusal, retryDelayMs, sendSpacingMs } from './trunk-line.policy';

const now = new Date('2030-01-01T12:00:00.000Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const limits = { enabled: true, maxConcurrentCalls: 2, maxCallsPerSecond: 1 };

describe('trunk line policy', () => {
  it('grants a line at once on an idle trunk and pushes the next send slot by 1/CPS', () => {
    expect(decideLine(limits, { liveCalls: 0, nextSendAt: null }, now, 5000)).toEqual({
      kind: 'granted',
      sendAt: now,
      nextSendAt: at(1000),
    });
  });

  it('a slot in the past counts as now', () => {
    const d = decideLine(limits, { liveCalls: 1, nextSendAt: at(-30_000) }, now, 5000);
    expect(d).toEqual({ kind: 'granted', sendAt: now, nextSendAt: at(1000) });
  });

  it('never grants beyond the concurrent-call limit', () => {
    expect(decideLine(limits, { liveCalls: 2, nextSendAt: null }, now, 5000)).toEqual({
      kind: 'full',
      liveCalls: 2,
      maxConcurrentCalls: 2,
    });
    // A limit lowered below the calls in flight: still full, never negative room.
    expect(
      decideLine({ ...limits, maxConcurrentCalls: 1 }, { liveCalls: 2, nextSendAt: null }, now, 0).kind,
    ).toBe('full');
  });

  it('spaces sends by the CPS limit: the second call waits for the next slot', () => {
    const first = decideLine(limits, { liveCalls: 0, nextSendAt: null }, now, 5000);
    if (first.kind !== 'granted') throw new Error('expected a grant');
    const second = decideLine(limits, { liveCalls: 1, nextSendAt: first.nextSendAt }, now, 5000);
    expect(second).toEqual({ kind: 'granted', sendAt: at(1000), nextSendAt: at(2000) });
  });

  it('does not take a slot further away than the caller will wait', () => {
    const d = decideLine(limits, { liveCalls: 0, nextSendAt: at(3000) }, now, 1000);
    expect(d).toEqual({ kind: 'rate-limited', retryAfterMs: 2000 });
  });

  it('fractional and high CPS give whole-millisecond spacing', () => {
    expect(sendSpacingMs(0.5)).toBe(2000);
    expect(sendSpacingMs(3)).toBe(334);
    expect(sendSpacingMs(5000)).toBe(1);
    expect(() => sendSpacingMs(0)).toThrow(RangeError);
  });

  it('a disabled trunk grants nothing', () => {
    expect(decideLine({ ...limits, enabled: false }, { liveCalls: 0, nextSendAt: null }, now, 5000)).toEqual({
      kind: 'disabled',
    });
  });

  it('retries soon but never busy-loops, and never past the deadline', () => {
    expect(retryDelayMs({ kind: 'full', liveCalls: 2, maxConcurrentCalls: 2 }, 10_000)).toBe(200);
    expect(retryDelayMs({ kind: 'rate-limited', retryAfterMs: 5 }, 10_000)).toBe(20);
    expect(retryDelayMs({ kind: 'rate-limited', retryAfterMs: 3000 }, 10_000)).toBe(500);
    expect(retryDelayMs({ kind: 'full', liveCalls: 2, maxConcurrentCalls: 2 }, 50)).toBe(50);
  });

  it('explains a refusal in words the call screen can show', () => {
    expect(describeLineRefusal('t1', { kind: 'full', liveCalls: 2, maxConcurrentCalls: 2 }, 20_000)).toMatch(
      /all 2 lines of trunk t1 stayed busy for 20 s/,
    );
    expect(describeLineRefusal('t1', { kind: 'disabled' }, 0)).toMatch(/disabled/);
  });
});
