import { isDialedNumber, isE164 } from '../dial-string';
import { assertRecordingName, parsePbxMedia } from '../media';
import { PbxError, type HangupReason, type OriginateRequest, type RecordRequest } from '../pbx.port';

/**
 * Building FreeSWITCH event-socket commands from the engine's requests. ESL is a line
 * protocol and FreeSWITCH parses `{var=value,...}` blocks, `app::args`, inline dialplans
 * (`app:arg,app:arg`) and spaces as separators, so every value that goes into a command is
 * checked against a narrow character set first: nothing a user typed can add a variable, an
 * application or a second command. Everything here is pure and unit-tested.
 */

/** Channel variable the adapter puts on every leg it owns (outbound by originate, inbound by the dialplan). */
export const OWNED_VARIABLE = 'phonebank_owned';
/** Channel variables carrying a leg's app args: phonebank_arg_0, phonebank_arg_1, ... */
export const ARG_VARIABLE_PREFIX = 'phonebank_arg_';
/** File-handle parameter naming a playback; FreeSWITCH copies it into PLAYBACK_STOP. */
export const PLAYBACK_ID_PARAM = 'phonebank_playback_id';
export const MAX_APP_ARGS = 16;
/**
 * Set on a leg when the engine moves it (into a conference, or back to park), so the park
 * after leaving a conference is not mistaken for a new dial-in.
 */
export const HANDLED_VARIABLE = 'phonebank_handled';

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const TRUNK = /^[A-Za-z0-9_-]{1,64}$/;
const APP_ARG = /^[A-Za-z0-9_.:@+#*-]{0,128}$/;
const PLAYBACK_TARGET = /^[^\s{}]+$/;

/** A leg, bridge or playback id as it may appear in a command (UUIDs and the engine's own ids). */
export function assertEslId(kind: 'leg' | 'bridge' | 'playback', value: string): string {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw new PbxError('invalid-request', `not a valid ${kind} id: ${JSON.stringify(value)}`);
  }
  return value;
}

/** A final guard: one ESL command is one line. */
export function assertOneLine(command: string): string {
  if (/[\r\n]/.test(command)) throw new PbxError('invalid-request', 'an ESL command must be one line');
  return command;
}

export interface EslTarget {
  host: string;
  port: number;
  password: string;
}

/**
 * `esl://:PASSWORD@HOST:PORT` (or `tcp://`), port 8021 by default. The password is
 * percent-decoded. Errors never repeat the URL, which holds the password.
 */
export function parseEslUrl(url: string): EslTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PbxError(
      'invalid-request',
      'FREESWITCH_ESL_URL is not a URL (expected esl://:password@host:8021)',
    );
  }
  if (parsed.protocol !== 'esl:' && parsed.protocol !== 'tcp:') {
    throw new PbxError(
      'invalid-request',
      `FREESWITCH_ESL_URL must start with esl:// (got ${parsed.protocol}//)`,
    );
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new PbxError('invalid-request', 'FREESWITCH_ESL_URL names no host');
  const port = parsed.port ? Number(parsed.port) : 8021;
  const password = decodeURIComponent(parsed.password || parsed.username);
  if (!password) {
    throw new PbxError('invalid-request', 'FREESWITCH_ESL_URL has no password (esl://:password@host:8021)');
  }
  return { host, port, password };
}

/** The URL as it may be logged: scheme, host and port, never the password. */
export function describeEslTarget(target: Pick<EslTarget, 'host' | 'port'>): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `esl://${host}:${target.port}`;
}

/**
 * The `originate` API command for a voter leg: the engine's leg id becomes the channel UUID,
 * the call goes out through a sofia gateway named like the product's trunk, and an answered
 * leg parks, waiting for the engine. `ignore_early_media=true` makes FreeSWITCH wait for a
 * real answer (by default a 183 with early media would count as one).
 */
export function buildOriginateCommand(request: OriginateRequest): string {
  const legId = assertEslId('leg', request.legId);
  if (typeof request.trunk !== 'string' || !TRUNK.test(request.trunk)) {
    throw new PbxError('invalid-request', `not a trunk name: ${JSON.stringify(request.trunk)}`);
  }
  if (typeof request.number !== 'string' || !isE164(request.number)) {
    throw new PbxError('invalid-request', 'the number is not in E.164 form (+ and digits)');
  }
  if (request.dialedNumber !== undefined && !isDialedNumber(request.dialedNumber)) {
    throw new PbxError(
      'invalid-request',
      'the dialed number may hold only digits, * and # (and a leading +)',
    );
  }
  // E.164, or the digits a trunk's caller-ID format asks for.
  if (typeof request.callerId !== 'string' || !/^\+?[1-9][0-9]{6,14}$/.test(request.callerId)) {
    throw new PbxError('invalid-request', 'the caller ID is not a number (E.164, or its digits)');
  }
  const timeout = request.ringTimeoutSeconds;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600) {
    throw new PbxError('invalid-request', `ringTimeoutSeconds must be a whole number from 1 to 3600`);
  }
  const args = request.appArgs ?? [];
  if (args.length > MAX_APP_ARGS) {
    throw new PbxError('invalid-request', `at most ${MAX_APP_ARGS} app args`);
  }
  for (const arg of args) {
    if (typeof arg !== 'string' || !APP_ARG.test(arg)) {
      throw new PbxError('invalid-request', `not a valid app arg: ${JSON.stringify(arg)}`);
    }
  }
  const variables = [
    `origination_uuid=${legId}`,
    `origination_caller_id_number=${request.callerId}`,
    `origination_caller_id_name=${request.callerId}`,
    `originate_timeout=${timeout}`,
    'ignore_early_media=true',
    `${OWNED_VARIABLE}=true`,
    ...args.map((arg, i) => `${ARG_VARIABLE_PREFIX}${i}=${arg}`),
  ];
  return assertOneLine(
    `originate {${variables.join(',')}}sofia/gateway/${request.trunk}/${request.dialedNumber ?? request.number} &park()`,
  );
}

export interface PlaybackOptions {
  /** `sound:NAME` → what FreeSWITCH plays; names not listed play NAME relative to sound_prefix. */
  sounds?: Readonly<Record<string, string>>;
  /** Directory of `recording:NAME` files on the FreeSWITCH host (channel variables expand). */
  recordingsDir?: string;
}

/**
 * The engine names its prompts as Asterisk's core sounds do. FreeSWITCH ships no "beep"
 * prompt, so a 250 ms 1 kHz tone played once stands in for it; the dial-in prompts map to
 * their counterparts in FreeSWITCH's standard sound set (en/us/callie), relative to
 * sound_prefix. Override or extend with the adapter's `sounds` option.
 */
export const DEFAULT_SOUNDS: Readonly<Record<string, string>> = {
  beep: 'tone_stream://L=1;%(250,0,1000)',
  'conf-getpin': 'conference/conf-pin.wav',
  'conf-invalidpin': 'conference/conf-bad-pin.wav',
  'vm-goodbye': 'voicemail/vm-goodbye.wav',
};
export const DEFAULT_RECORDINGS_DIR = '${recordings_dir}';

/**
 * What the playback application plays for `sound:NAME`, `recording:NAME` or `url:URL`
 * (fetched and cached by mod_http_cache: `http_cache://URL`).
 */
export function playbackTarget(media: string, options: PlaybackOptions = {}): string {
  const parsed = parsePbxMedia(media);
  let target: string;
  if (parsed.kind === 'sound') {
    target = options.sounds?.[parsed.name] ?? DEFAULT_SOUNDS[parsed.name] ?? parsed.name;
  } else if (parsed.kind === 'url') {
    target = `http_cache://${parsed.url}`;
  } else {
    const name = parsed.name;
    target = `${recordingsDirOf(options)}/${name}${/\.[A-Za-z0-9]+$/.test(name) ? '' : '.wav'}`;
  }
  // `${name}` channel-variable expansions are allowed; any other brace or space is not.
  if (!PLAYBACK_TARGET.test(target.replace(/\$\{[A-Za-z0-9_]+\}/g, 'x'))) {
    throw new PbxError('invalid-request', `the configured playback target for ${media} has spaces or braces`);
  }
  return target;
}

/**
 * `uuid_broadcast` runs the playback application on the leg itself (interrupting `park`,
 * or inside its conference), so only that leg hears it; the `{phonebank_playback_id=...}`
 * prefix is a file-handle parameter that FreeSWITCH copies into PLAYBACK_START/STOP.
 */
export function buildPlayCommand(legId: string, playbackId: string, target: string): string {
  assertEslId('leg', legId);
  assertEslId('playback', playbackId);
  return assertOneLine(
    `uuid_broadcast ${legId} playback::{${PLAYBACK_ID_PARAM}=${playbackId}}${target} aleg`,
  );
}

function recordingsDirOf(options: PlaybackOptions): string {
  return (options.recordingsDir ?? DEFAULT_RECORDINGS_DIR).replace(/\/+$/, '');
}

/** Where a recording made by `record` is written on the FreeSWITCH host. */
export function recordingPath(name: string, options: PlaybackOptions = {}): string {
  return `${recordingsDirOf(options)}/${assertRecordingName(name)}.wav`;
}

/** Channel variable naming the recording a leg is making (copied into RECORD_STOP). */
export const RECORDING_VARIABLE = 'phonebank_recording';

/**
 * Record a leg with the `record` application: the leg is transferred to an inline dialplan
 * (like the bridge commands) that beeps, records to the recordings directory until # (when
 * asked), the silence limit (threshold 200, in seconds of silence) or the length limit, and
 * parks the leg again. The quoted inline dialplan keeps the record arguments one token.
 */
export function buildRecordCommand(
  legId: string,
  request: RecordRequest,
  options: PlaybackOptions = {},
): string {
  assertEslId('leg', legId);
  const path = recordingPath(request.name, options);
  const max = request.maxDurationSeconds;
  const silence = request.maxSilenceSeconds;
  if (!Number.isInteger(max) || max < 1 || max > 3600) {
    throw new PbxError('invalid-request', 'maxDurationSeconds must be a whole number from 1 to 3600');
  }
  if (!Number.isInteger(silence) || silence < 0 || silence > 60) {
    throw new PbxError('invalid-request', 'maxSilenceSeconds must be a whole number from 0 to 60');
  }
  if (!PLAYBACK_TARGET.test(path.replace(/\$\{[A-Za-z0-9_]+\}/g, 'x')) || path.includes("'")) {
    throw new PbxError('invalid-request', 'the recordings directory has spaces, quotes or braces');
  }
  const steps = [
    `set:${HANDLED_VARIABLE}=true`,
    `set:playback_terminators=${request.terminateOnPound ? '#' : 'none'}`,
    `set:${RECORDING_VARIABLE}=${request.name}`,
    ...(request.beep ? [`playback:${DEFAULT_SOUNDS.beep}`] : []),
    `record:${path} ${max}${silence > 0 ? ` 200 ${silence}` : ''}`,
    'park',
  ];
  return assertOneLine(`uuid_transfer ${legId} '${steps.join(',')}' inline`);
}

const KILL_CAUSE: Record<HangupReason, string> = {
  normal: 'NORMAL_CLEARING',
  busy: 'USER_BUSY',
  'no-answer': 'NO_ANSWER',
  rejected: 'CALL_REJECTED',
};

export function buildHangupCommand(legId: string, reason: HangupReason = 'normal'): string {
  const cause = KILL_CAUSE[reason];
  if (!cause) throw new PbxError('invalid-request', `not a hangup reason: ${JSON.stringify(reason)}`);
  return assertOneLine(`uuid_kill ${assertEslId('leg', legId)} ${cause}`);
}

/**
 * Bridges are conferences (mod_conference, profile `phonebank`): the leg is transferred to
 * an inline dialplan that joins the conference and parks it again when it leaves, so taking
 * a leg out of a bridge never hangs it up.
 */
export function buildJoinConferenceCommand(legId: string, bridgeId: string, profile: string): string {
  assertEslId('leg', legId);
  assertEslId('bridge', bridgeId);
  if (!TRUNK.test(profile)) throw new PbxError('invalid-request', 'not a conference profile name');
  return assertOneLine(
    `uuid_transfer ${legId} set:${HANDLED_VARIABLE}=true,conference:${bridgeId}@${profile},park inline`,
  );
}

/** Take a leg out of whatever it is doing (a conference, a playback) and park it. */
export function buildParkCommand(legId: string): string {
  return assertOneLine(`uuid_transfer ${assertEslId('leg', legId)} set:${HANDLED_VARIABLE}=true,park inline`);
}
