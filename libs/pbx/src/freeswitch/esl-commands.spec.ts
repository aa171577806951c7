import { PbxError, type OriginateRequest } from '../pbx.port';
import {
  buildHangupCommand,
  buildJoinConferenceCommand,
  buildOriginateCommand,
  buildParkCommand,
  buildPlayCommand,
  describeEslTarget,
  parseEslUrl,
  playbackTarget,
  buildRecordCommand,
  recordingPath,
} from './esl-commands';

const LEG = '0b7e8c1e-4a57-4d43-9d0e-6f3c2f9a1b2c';
const request = (over: Partial<OriginateRequest> = {}): OriginateRequest => ({
  legId: LEG,
  trunk: 'voter-trunk',
  number: '+12025550109',
  callerId: '+15557654321',
  ringTimeoutSeconds: 60,
  ...over,
});

function refusal(fn: () => unknown): PbxError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PbxError) return error;
    throw error;
  }
  throw new Error('expected a PbxError');
}

describe('buildOriginateCommand', () => {
  it('originates through the sofia gateway with the leg id as channel UUID, parking on answer', () => {
    expect(buildOriginateCommand(request({ appArgs: ['voter', 'session-1'] }))).toBe(
      'originate {origination_uuid=' +
        LEG +
        ',origination_caller_id_number=+15557654321,origination_caller_id_name=+15557654321' +
        ',originate_timeout=60,ignore_early_media=true,phonebank_owned=true' +
        ',phonebank_arg_0=voter,phonebank_arg_1=session-1}' +
        'sofia/gateway/voter-trunk/+12025550109 &park()',
    );
  });

  it('puts no arg variables on a leg without app args', () => {
    expect(buildOriginateCommand(request())).not.toContain('phonebank_arg_');
  });

  it.each([
    '2025550109',
    '+1 202 555 0109',
    '+12025550109 &park()',
    '+12025550109,origination_uuid=x',
    '+12025550109}sofia/gateway/other/+1',
    '+12025550109\napi hupall',
    '+0123456789',
    '',
  ])('refuses the number %j', (number) => {
    expect(refusal(() => buildOriginateCommand(request({ number }))).code).toBe('invalid-request');
  });

  it.each(['', 'voter trunk', 'trunk/other', 'a@b', 'x}y', 'x,y'])('refuses the trunk %j', (trunk) => {
    expect(refusal(() => buildOriginateCommand(request({ trunk }))).code).toBe('invalid-request');
  });

  it.each(['Anonymous', '+1555 7654321', '+15557654321,x=y'])('refuses the caller ID %j', (callerId) => {
    expect(refusal(() => buildOriginateCommand(request({ callerId }))).code).toBe('invalid-request');
  });

  it.each(['', '-bleg', 'a b', 'a,b', 'a}b', 'a\nb', 'x'.repeat(129)])('refuses the leg id %j', (legId) => {
    expect(refusal(() => buildOriginateCommand(request({ legId }))).code).toBe('invalid-request');
  });

  it.each([0, -1, 1.5, 3601, Number.NaN])('refuses the ring timeout %p', (ringTimeoutSeconds) => {
    expect(refusal(() => buildOriginateCommand(request({ ringTimeoutSeconds }))).code).toBe(
      'invalid-request',
    );
  });

  it.each([['a,b'], ['a=b'], ['a}b'], ['a b'], ['${x}'], ["'q'"]])('refuses the app arg %j', (arg) => {
    expect(refusal(() => buildOriginateCommand(request({ appArgs: [arg] }))).code).toBe('invalid-request');
  });

  it('refuses more than 16 app args', () => {
    const appArgs = Array.from({ length: 17 }, (_, i) => `a${i}`);
    expect(refusal(() => buildOriginateCommand(request({ appArgs }))).code).toBe('invalid-request');
  });
});

describe('parseEslUrl', () => {
  it('reads host, port and the percent-decoded password', () => {
    expect(parseEslUrl('esl://:ClueCon@127.0.0.1:8021')).toEqual({
      host: '127.0.0.1',
      port: 8021,
      password: 'ClueCon',
    });
    expect(parseEslUrl('esl://:p%40ss%3Aw@fs.example:9021')).toEqual({
      host: 'fs.example',
      port: 9021,
      password: 'p@ss:w',
    });
    expect(parseEslUrl('tcp://:x@[::1]')).toEqual({ host: '::1', port: 8021, password: 'x' });
  });

  it.each(['http://:x@127.0.0.1:8021', 'esl://127.0.0.1:8021', 'not a url', ''])(
    'refuses %j without repeating it',
    (url) => {
      const error = refusal(() => parseEslUrl(url));
      expect(error.code).toBe('invalid-request');
      if (url) expect(error.message).not.toContain(url);
    },
  );

  it('describes a target for logs without the password', () => {
    const target = parseEslUrl('esl://:Secret123@10.0.0.5:8021');
    expect(describeEslTarget(target)).toBe('esl://10.0.0.5:8021');
    expect(describeEslTarget({ host: '::1', port: 8021 })).toBe('esl://[::1]:8021');
  });
});

describe('playback', () => {
  it('plays sound:beep as a one-shot tone (FreeSWITCH ships no beep prompt)', () => {
    expect(playbackTarget('sound:beep')).toBe('tone_stream://L=1;%(250,0,1000)');
  });

  it('maps the dial-in prompts to FreeSWITCH’s own sound set', () => {
    expect(playbackTarget('sound:conf-getpin')).toBe('conference/conf-pin.wav');
    expect(playbackTarget('sound:conf-invalidpin')).toBe('conference/conf-bad-pin.wav');
    expect(playbackTarget('sound:vm-goodbye')).toBe('voicemail/vm-goodbye.wav');
  });

  it('plays other sounds relative to sound_prefix, or as configured', () => {
    expect(playbackTarget('sound:ivr/ivr-welcome')).toBe('ivr/ivr-welcome');
    expect(playbackTarget('sound:pin-prompt', { sounds: { 'pin-prompt': '/srv/sounds/pin.wav' } })).toBe(
      '/srv/sounds/pin.wav',
    );
  });

  it('plays a URL through mod_http_cache', () => {
    expect(playbackTarget('url:http://127.0.0.1:3000/api/media/voicemail/abc.wav')).toBe(
      'http_cache://http://127.0.0.1:3000/api/media/voicemail/abc.wav',
    );
  });

  it('plays recordings from the recordings directory', () => {
    expect(playbackTarget('recording:vm-1')).toBe('${recordings_dir}/vm-1.wav');
    expect(playbackTarget('recording:vm-1.mp3', { recordingsDir: '/srv/rec/' })).toBe('/srv/rec/vm-1.mp3');
  });

  it.each([
    'beep',
    'sound:',
    'sound:../etc/passwd',
    'recording:/etc/passwd',
    'sound:a b',
    'sound:{x=y}b',
    'tone:x',
  ])('refuses the media %j', (media) => {
    expect(refusal(() => playbackTarget(media)).code).toBe('invalid-request');
  });

  it('refuses a configured sound with spaces', () => {
    expect(refusal(() => playbackTarget('sound:x', { sounds: { x: 'a b.wav' } })).code).toBe(
      'invalid-request',
    );
  });

  it('broadcasts playback with the playback id as a file parameter', () => {
    expect(buildPlayCommand(LEG, 'voicemail-1', 'tone_stream://L=1;%(250,0,1000)')).toBe(
      `uuid_broadcast ${LEG} playback::{phonebank_playback_id=voicemail-1}tone_stream://L=1;%(250,0,1000) aleg`,
    );
    expect(refusal(() => buildPlayCommand(LEG, 'a,b', 'x')).code).toBe('invalid-request');
  });
});

describe('leg and bridge commands', () => {
  it('hangs up with the cause for the reason', () => {
    expect(buildHangupCommand(LEG)).toBe(`uuid_kill ${LEG} NORMAL_CLEARING`);
    expect(buildHangupCommand(LEG, 'busy')).toBe(`uuid_kill ${LEG} USER_BUSY`);
    expect(buildHangupCommand(LEG, 'no-answer')).toBe(`uuid_kill ${LEG} NO_ANSWER`);
    expect(buildHangupCommand(LEG, 'rejected')).toBe(`uuid_kill ${LEG} CALL_REJECTED`);
    expect(refusal(() => buildHangupCommand('x y')).code).toBe('invalid-request');
  });

  it('joins a conference through an inline dialplan that parks the leg when it leaves', () => {
    expect(buildJoinConferenceCommand(LEG, 'session-7', 'phonebank')).toBe(
      `uuid_transfer ${LEG} set:phonebank_handled=true,conference:session-7@phonebank,park inline`,
    );
    expect(buildParkCommand(LEG)).toBe(`uuid_transfer ${LEG} set:phonebank_handled=true,park inline`);
  });

  it.each(['a,b', 'a@b', 'a b', '-both', 'a:b'])('refuses the bridge id %j', (bridgeId) => {
    expect(refusal(() => buildJoinConferenceCommand(LEG, bridgeId, 'phonebank')).code).toBe(
      'invalid-request',
    );
  });
});

describe('recording', () => {
  const request = {
    name: 'vmrec-a1-1',
    maxDurationSeconds: 120,
    maxSilenceSeconds: 5,
    beep: true,
    terminateOnPound: true,
  };

  it('records in an inline dialplan that beeps, records until # or silence, and parks again', () => {
    expect(buildRecordCommand('leg-1', request, { recordingsDir: '/srv/rec' })).toBe(
      "uuid_transfer leg-1 'set:phonebank_handled=true,set:playback_terminators=#,set:phonebank_recording=vmrec-a1-1," +
        "playback:tone_stream://L=1;%(250,0,1000),record:/srv/rec/vmrec-a1-1.wav 120 200 5,park' inline",
    );
    expect(recordingPath('vmrec-a1-1')).toBe('${recordings_dir}/vmrec-a1-1.wav');
  });

  it('refuses unsafe names, limits and directories', () => {
    expect(refusal(() => buildRecordCommand('leg-1', { ...request, name: '../x' })).code).toBe(
      'invalid-request',
    );
    expect(refusal(() => buildRecordCommand('leg-1', { ...request, maxDurationSeconds: 0 })).code).toBe(
      'invalid-request',
    );
    expect(refusal(() => buildRecordCommand('leg-1', request, { recordingsDir: "/srv/it's" })).code).toBe(
      'invalid-request',
    );
  });
});
