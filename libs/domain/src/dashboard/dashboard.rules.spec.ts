import { dayBounds, liveCallStage } from './dashboard.rules';

describe('dashboard rules', () => {
  it('names the stage of a call in progress from its latest stamp', () => {
    const none = { dialStartedAt: null, ringingAt: null, answeredAt: null, voicemailStartedAt: null };
    const t = new Date();
    expect(liveCallStage(none)).toBe('on-screen');
    expect(liveCallStage({ ...none, dialStartedAt: t })).toBe('dialing');
    expect(liveCallStage({ ...none, dialStartedAt: t, ringingAt: t })).toBe('ringing');
    expect(liveCallStage({ ...none, dialStartedAt: t, ringingAt: t, answeredAt: t })).toBe('answered');
    expect(liveCallStage({ ...none, answeredAt: t, voicemailStartedAt: t })).toBe('voicemail');
  });

  it('gives today in the viewer’s zone, across DST, and falls back to UTC for unknown zones', () => {
    const now = new Date('2026-03-08T15:00:00Z'); // the day US clocks spring forward
    const ny = dayBounds(now, 'America/New_York');
    expect(ny.day).toBe('2026-03-08');
    expect(ny.start.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(ny.end.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(dayBounds(new Date('2026-03-08T02:00:00Z'), 'America/Los_Angeles').day).toBe('2026-03-07');
    expect(dayBounds(now, 'Not/AZone')).toMatchObject({ timeZone: 'UTC', day: '2026-03-08' });
    expect(dayBounds(now, 'x'.repeat(100)).timeZone).toBe('UTC');
  });
});
