import {
  appArgsOf,
  headersOf,
  originateJobResult,
  playbackIdInArgument,
  SUBSCRIBED_EVENTS,
  translateEslEvent,
  type EslHeaders,
} from './esl-events';

const LEG = '0b7e8c1e-4a57-4d43-9d0e-6f3c2f9a1b2c';
const AT = new Date('2026-03-01T12:00:00Z');

/** An owned channel event, as FreeSWITCH sends it with `event json`. */
function channelEvent(name: string, extra: Record<string, string> = {}): EslHeaders {
  return {
    'Event-Name': name,
    'Unique-ID': LEG,
    'Call-Direction': 'outbound',
    'Channel-Name': 'sofia/external/+12025550109',
    variable_phonebank_owned: 'true',
    ...extra,
  };
}

describe('translateEslEvent', () => {
  it('RECORD_STOP of a recording the engine named is recording-finished', () => {
    const event = channelEvent('RECORD_STOP', {
      variable_phonebank_recording: 'vmrec-a-1',
      variable_record_ms: '4200',
      'Record-File-Path': '/srv/rec/vmrec-a-1.wav',
    });
    expect(translateEslEvent(event, AT)).toEqual({
      type: 'recording-finished',
      name: 'vmrec-a-1',
      legId: LEG,
      durationMs: 4200,
      at: AT,
    });
    expect(translateEslEvent(channelEvent('RECORD_STOP'), AT)).toBeUndefined();
  });

  it.each(['CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA'])('%s of an outbound leg is leg-ringing', (name) => {
    expect(translateEslEvent(channelEvent(name), AT)).toEqual({ type: 'leg-ringing', legId: LEG, at: AT });
  });

  it('CHANNEL_ANSWER of an outbound leg is leg-answered', () => {
    expect(translateEslEvent(channelEvent('CHANNEL_ANSWER'), AT)).toEqual({
      type: 'leg-answered',
      legId: LEG,
      at: AT,
    });
  });

  it('CHANNEL_ANSWER of an inbound leg (the engine answered it) says nothing', () => {
    expect(
      translateEslEvent(channelEvent('CHANNEL_ANSWER', { 'Call-Direction': 'inbound' }), AT),
    ).toBeUndefined();
  });

  it('CHANNEL_PARK of an inbound leg parked by the dialplan is leg-entered with its args', () => {
    const event = channelEvent('CHANNEL_PARK', {
      'Call-Direction': 'inbound',
      'Caller-Caller-ID-Number': '+15551230001',
      'Caller-Destination-Number': '+15559990000',
      variable_phonebank_arg_0: 'dial-in',
      variable_phonebank_arg_1: '+15559990000',
    });
    expect(translateEslEvent(event, AT)).toEqual({
      type: 'leg-entered',
      legId: LEG,
      direction: 'inbound',
      args: ['dial-in', '+15559990000'],
      callerNumber: '+15551230001',
      dialedNumber: '+15559990000',
      at: AT,
    });
  });

  it('the park after the engine moved a leg, and the park of an answered outbound leg, say nothing', () => {
    const moved = channelEvent('CHANNEL_PARK', {
      'Call-Direction': 'inbound',
      variable_phonebank_handled: 'true',
    });
    expect(translateEslEvent(moved, AT)).toBeUndefined();
    expect(translateEslEvent(channelEvent('CHANNEL_PARK'), AT)).toBeUndefined();
  });

  it('DTMF is leg-dtmf', () => {
    expect(
      translateEslEvent(channelEvent('DTMF', { 'DTMF-Digit': '#', 'DTMF-Duration': '2000' }), AT),
    ).toEqual({
      type: 'leg-dtmf',
      legId: LEG,
      digit: '#',
      at: AT,
    });
  });

  it.each([
    ['USER_BUSY', '17', 17],
    ['UNALLOCATED_NUMBER', '1', 1],
    ['NORMAL_CLEARING', '16', 16],
    ['ORIGINATOR_CANCEL', '16', 16],
    ['BUSY_EVERYWHERE', '16', 17],
  ])('CHANNEL_HANGUP_COMPLETE with %s is leg-ended with Q.850 %s → %i', (cause, numeric, q850) => {
    const event = channelEvent('CHANNEL_HANGUP_COMPLETE', {
      'Hangup-Cause': cause,
      variable_hangup_cause_q850: numeric,
    });
    expect(translateEslEvent(event, AT)).toEqual({
      type: 'leg-ended',
      legId: LEG,
      cause: { q850, text: cause },
      at: AT,
    });
  });

  it('PLAYBACK_STOP carrying our playback id is playback-finished for that leg', () => {
    const event = channelEvent('PLAYBACK_STOP', {
      'Playback-File-Path': 'tone_stream://L=1;%(250,0,1000)',
      'Playback-Status': 'done',
      phonebank_playback_id: 'voicemail-7',
    });
    expect(translateEslEvent(event, AT)).toEqual({
      type: 'playback-finished',
      playbackId: 'voicemail-7',
      legId: LEG,
      at: AT,
    });
  });

  it('PLAYBACK_STOP without our playback id (someone else’s playback) says nothing', () => {
    expect(translateEslEvent(channelEvent('PLAYBACK_STOP'), AT)).toBeUndefined();
  });

  it('a playback whose file was not found ends with playback-finished (no PLAYBACK_STOP comes)', () => {
    const notFound = channelEvent('CHANNEL_EXECUTE_COMPLETE', {
      Application: 'playback',
      'Application-Data': '{phonebank_playback_id=p-1}missing.wav',
      'Application-Response': 'FILE NOT FOUND',
    });
    expect(translateEslEvent(notFound, AT)).toEqual({
      type: 'playback-finished',
      playbackId: 'p-1',
      legId: LEG,
      at: AT,
    });
    const played = { ...notFound, 'Application-Response': 'FILE PLAYED' };
    expect(translateEslEvent(played, AT)).toBeUndefined();
    const other = { ...notFound, Application: 'park' };
    expect(translateEslEvent(other, AT)).toBeUndefined();
  });

  it('events of legs the engine does not own say nothing', () => {
    const foreign: Record<string, string | undefined> = { ...channelEvent('CHANNEL_ANSWER') };
    delete foreign.variable_phonebank_owned;
    expect(translateEslEvent(foreign, AT)).toBeUndefined();
    expect(
      translateEslEvent(channelEvent('CHANNEL_ANSWER', { variable_phonebank_owned: 'false' }), AT),
    ).toBeUndefined();
    expect(
      translateEslEvent(channelEvent('CHANNEL_HANGUP_COMPLETE', { 'Unique-ID': '' }), AT),
    ).toBeUndefined();
  });

  it('events with no meaning for the engine say nothing', () => {
    expect(translateEslEvent(channelEvent('CHANNEL_CREATE'), AT)).toBeUndefined();
    expect(translateEslEvent(channelEvent('HEARTBEAT'), AT)).toBeUndefined();
    expect(translateEslEvent(channelEvent('DTMF'), AT)).toBeUndefined();
  });
});

describe('ESL event helpers', () => {
  it('reads modesl header lists into a record, joining array values', () => {
    expect(
      headersOf([
        { name: 'Event-Name', value: 'CHANNEL_ANSWER' },
        { name: 'Content-Length', value: 12 },
        { name: 'variable_list', value: ['a', 'b'] },
      ]),
    ).toEqual({ 'Event-Name': 'CHANNEL_ANSWER', 'Content-Length': '12', variable_list: 'a,b' });
  });

  it('reads app args in order, stopping at the first gap', () => {
    expect(
      appArgsOf({
        variable_phonebank_arg_0: 'a',
        variable_phonebank_arg_1: 'b',
        variable_phonebank_arg_3: 'd',
      }),
    ).toEqual(['a', 'b']);
    expect(appArgsOf({})).toEqual([]);
  });

  it('finds the playback id in a playback argument', () => {
    expect(playbackIdInArgument('{phonebank_playback_id=p-9}x.wav')).toBe('p-9');
    expect(playbackIdInArgument('{a=b,phonebank_playback_id=p-9}x.wav')).toBe('p-9');
    expect(playbackIdInArgument('x.wav')).toBeUndefined();
    expect(playbackIdInArgument(undefined)).toBeUndefined();
  });

  it('reads originate job results', () => {
    expect(originateJobResult(`+OK ${LEG}\n`)).toEqual({ ok: true });
    expect(originateJobResult('-ERR USER_BUSY\n')).toEqual({ ok: false, cause: 'USER_BUSY' });
    expect(originateJobResult('-ERR\n')).toEqual({ ok: false, cause: 'UNSPECIFIED' });
  });

  it('subscribes to CUSTOM last, so its subclass is not read as an event name', () => {
    expect(SUBSCRIBED_EVENTS.at(-2)).toBe('CUSTOM');
    expect(SUBSCRIBED_EVENTS).toContain('BACKGROUND_JOB');
    expect(SUBSCRIBED_EVENTS).toContain('CHANNEL_EXECUTE_COMPLETE');
  });
});
